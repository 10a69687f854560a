// Typed SMPP 3.4 PDUs: one interface per command, a discriminated union on `commandId`.
// Field names follow the spec in camelCase. C-octet strings are JS strings (latin1 on the wire);
// octet strings (short_message, TLV values) are Buffers.

export const CommandId = {
  GenericNack: 0x80000000,
  BindReceiver: 0x00000001,
  BindReceiverResp: 0x80000001,
  BindTransmitter: 0x00000002,
  BindTransmitterResp: 0x80000002,
  QuerySm: 0x00000003,
  QuerySmResp: 0x80000003,
  SubmitSm: 0x00000004,
  SubmitSmResp: 0x80000004,
  DeliverSm: 0x00000005,
  DeliverSmResp: 0x80000005,
  Unbind: 0x00000006,
  UnbindResp: 0x80000006,
  ReplaceSm: 0x00000007,
  ReplaceSmResp: 0x80000007,
  CancelSm: 0x00000008,
  CancelSmResp: 0x80000008,
  BindTransceiver: 0x00000009,
  BindTransceiverResp: 0x80000009,
  Outbind: 0x0000000b,
  EnquireLink: 0x00000015,
  EnquireLinkResp: 0x80000015,
  SubmitMulti: 0x00000021,
  SubmitMultiResp: 0x80000021,
  AlertNotification: 0x00000102,
  DataSm: 0x00000103,
  DataSmResp: 0x80000103
} as const
export type CommandId = (typeof CommandId)[keyof typeof CommandId]

/** Bit set on the command_id of every response. */
export const RESPONSE_BIT = 0x80000000

/** Header common to every PDU. command_length is computed by the encoder, never stored. */
export interface PduHeader {
  commandStatus: number
  sequenceNumber: number
}

/** A TLV the codec does not know by name (vendor or future): kept byte-exact. */
export interface RawTlv {
  tag: number
  value: Buffer
}

/**
 * Optional parameters. Standard SMPP 3.4 TLVs by name; integers for 1/2/4-octet integer TLVs,
 * strings for C-octet string TLVs, Buffers for octet-string TLVs. `unknown` keeps every other TLV
 * in wire order. Absent TLVs are simply not set (the codec never sets a key to undefined).
 */
export interface Tlvs {
  destAddrSubunit?: number // 0x0005
  destNetworkType?: number // 0x0006
  destBearerType?: number // 0x0007
  destTelematicsId?: number // 0x0008 (2 octets)
  sourceAddrSubunit?: number // 0x000D
  sourceNetworkType?: number // 0x000E
  sourceBearerType?: number // 0x000F
  sourceTelematicsId?: number // 0x0010 (1 octet)
  qosTimeToLive?: number // 0x0017
  payloadType?: number // 0x0019
  additionalStatusInfoText?: string // 0x001D
  receiptedMessageId?: string // 0x001E
  msMsgWaitFacilities?: number // 0x0030
  privacyIndicator?: number // 0x0201
  sourceSubaddress?: Buffer // 0x0202
  destSubaddress?: Buffer // 0x0203
  userMessageReference?: number // 0x0204
  userResponseCode?: number // 0x0205
  sourcePort?: number // 0x020A
  destinationPort?: number // 0x020B
  sarMsgRefNum?: number // 0x020C
  languageIndicator?: number // 0x020D
  sarTotalSegments?: number // 0x020E
  sarSegmentSeqnum?: number // 0x020F
  scInterfaceVersion?: number // 0x0210
  callbackNumPresInd?: number // 0x0302
  callbackNumAtag?: Buffer // 0x0303
  numberOfMessages?: number // 0x0304
  callbackNum?: Buffer // 0x0381
  dpfResult?: number // 0x0420
  setDpf?: number // 0x0421
  msAvailabilityStatus?: number // 0x0422
  networkErrorCode?: Buffer // 0x0423 (3 octets: network type, error code hi, lo)
  messagePayload?: Buffer // 0x0424
  deliveryFailureReason?: number // 0x0425
  moreMessagesToSend?: number // 0x0426
  messageState?: number // 0x0427
  ussdServiceOp?: number // 0x0501
  displayTime?: number // 0x1201
  smsSignal?: number // 0x1203
  msValidity?: number // 0x1204
  alertOnMessageDelivery?: Buffer // 0x130C (zero length in 3.4)
  itsReplyType?: number // 0x1380
  itsSessionInfo?: Buffer // 0x1383 (2 octets)
  unknown?: RawTlv[]
}

export interface Address {
  ton: number
  npi: number
  addr: string
}

// ---- bind family ----
export interface BindBody {
  systemId: string
  password: string
  systemType: string
  interfaceVersion: number
  addrTon: number
  addrNpi: number
  addressRange: string
}
export interface BindReceiver extends PduHeader, BindBody { commandId: typeof CommandId.BindReceiver }
export interface BindTransmitter extends PduHeader, BindBody { commandId: typeof CommandId.BindTransmitter }
export interface BindTransceiver extends PduHeader, BindBody { commandId: typeof CommandId.BindTransceiver }
export interface BindRespBody {
  /** Absent in a body-less error response (allowed by many SMSCs): decoded as ''. */
  systemId: string
  tlvs: Tlvs | null // sc_interface_version
}
export interface BindReceiverResp extends PduHeader, BindRespBody { commandId: typeof CommandId.BindReceiverResp }
export interface BindTransmitterResp extends PduHeader, BindRespBody { commandId: typeof CommandId.BindTransmitterResp }
export interface BindTransceiverResp extends PduHeader, BindRespBody { commandId: typeof CommandId.BindTransceiverResp }
export interface Outbind extends PduHeader { commandId: typeof CommandId.Outbind; systemId: string; password: string }

// ---- session ops ----
export interface Unbind extends PduHeader { commandId: typeof CommandId.Unbind }
export interface UnbindResp extends PduHeader { commandId: typeof CommandId.UnbindResp }
export interface EnquireLink extends PduHeader { commandId: typeof CommandId.EnquireLink }
export interface EnquireLinkResp extends PduHeader { commandId: typeof CommandId.EnquireLinkResp }
export interface GenericNack extends PduHeader { commandId: typeof CommandId.GenericNack }
export interface AlertNotification extends PduHeader {
  commandId: typeof CommandId.AlertNotification
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
  esmeAddrTon: number
  esmeAddrNpi: number
  esmeAddr: string
  tlvs: Tlvs | null // ms_availability_status
}

// ---- short message family (submit_sm / deliver_sm share a body; data_sm its own) ----
export interface SmBody {
  serviceType: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
  destAddrTon: number
  destAddrNpi: number
  destinationAddr: string
  esmClass: number
  protocolId: number
  priorityFlag: number
  scheduleDeliveryTime: string
  validityPeriod: string
  registeredDelivery: number
  replaceIfPresentFlag: number
  dataCoding: number
  smDefaultMsgId: number
  /** Up to 254 octets; empty when the text travels in tlvs.messagePayload. */
  shortMessage: Buffer
  tlvs: Tlvs | null
}
export interface SubmitSm extends PduHeader, SmBody { commandId: typeof CommandId.SubmitSm }
export interface DeliverSm extends PduHeader, SmBody { commandId: typeof CommandId.DeliverSm }
export interface SubmitSmResp extends PduHeader {
  commandId: typeof CommandId.SubmitSmResp
  /** '' in an error response without a body. */
  messageId: string
}
export interface DeliverSmResp extends PduHeader {
  commandId: typeof CommandId.DeliverSmResp
  messageId: string // always '' per spec, kept as sent
}
export interface DataSm extends PduHeader {
  commandId: typeof CommandId.DataSm
  serviceType: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
  destAddrTon: number
  destAddrNpi: number
  destinationAddr: string
  esmClass: number
  registeredDelivery: number
  dataCoding: number
  tlvs: Tlvs | null
}
export interface DataSmResp extends PduHeader {
  commandId: typeof CommandId.DataSmResp
  messageId: string
  tlvs: Tlvs | null
}

// ---- submit_multi ----
/** dest_flag 1 = SME address, 2 = distribution list name. */
export type MultiDestination =
  | { kind: 'sme'; ton: number; npi: number; addr: string }
  | { kind: 'list'; name: string }
export interface SubmitMulti extends PduHeader {
  commandId: typeof CommandId.SubmitMulti
  serviceType: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
  destinations: MultiDestination[] // number_of_dests 1..254
  esmClass: number
  protocolId: number
  priorityFlag: number
  scheduleDeliveryTime: string
  validityPeriod: string
  registeredDelivery: number
  replaceIfPresentFlag: number
  dataCoding: number
  smDefaultMsgId: number
  shortMessage: Buffer
  tlvs: Tlvs | null
}
export interface UnsuccessSme {
  ton: number
  npi: number
  addr: string
  errorStatusCode: number
}
export interface SubmitMultiResp extends PduHeader {
  commandId: typeof CommandId.SubmitMultiResp
  messageId: string
  unsuccess: UnsuccessSme[]
}

// ---- query / cancel / replace ----
export interface QuerySm extends PduHeader {
  commandId: typeof CommandId.QuerySm
  messageId: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
}
export interface QuerySmResp extends PduHeader {
  commandId: typeof CommandId.QuerySmResp
  messageId: string
  finalDate: string
  messageState: number
  errorCode: number
}
export interface CancelSm extends PduHeader {
  commandId: typeof CommandId.CancelSm
  serviceType: string
  messageId: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
  destAddrTon: number
  destAddrNpi: number
  destinationAddr: string
}
export interface CancelSmResp extends PduHeader { commandId: typeof CommandId.CancelSmResp }
export interface ReplaceSm extends PduHeader {
  commandId: typeof CommandId.ReplaceSm
  messageId: string
  sourceAddrTon: number
  sourceAddrNpi: number
  sourceAddr: string
  scheduleDeliveryTime: string
  validityPeriod: string
  registeredDelivery: number
  smDefaultMsgId: number
  shortMessage: Buffer
}
export interface ReplaceSmResp extends PduHeader { commandId: typeof CommandId.ReplaceSmResp }

export type BindRequest = BindReceiver | BindTransmitter | BindTransceiver
export type BindResponse = BindReceiverResp | BindTransmitterResp | BindTransceiverResp

export type RequestPdu =
  | BindRequest
  | Outbind
  | Unbind
  | EnquireLink
  | AlertNotification
  | SubmitSm
  | DeliverSm
  | DataSm
  | SubmitMulti
  | QuerySm
  | CancelSm
  | ReplaceSm

export type ResponsePdu =
  | BindResponse
  | UnbindResp
  | EnquireLinkResp
  | GenericNack
  | SubmitSmResp
  | DeliverSmResp
  | DataSmResp
  | SubmitMultiResp
  | QuerySmResp
  | CancelSmResp
  | ReplaceSmResp

export type Pdu = RequestPdu | ResponsePdu

/** The PDU interface for a given command id: `PduOf<typeof CommandId.SubmitSm>` is `SubmitSm`. */
export type PduOf<C extends CommandId> = Extract<Pdu, { commandId: C }>

export function isResponse (pdu: Pdu): pdu is ResponsePdu {
  return pdu.commandId >= RESPONSE_BIT
}
