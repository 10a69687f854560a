// The response PDU for a request: command id, sequence number and status filled in, every body
// field present (one object shape per response type), optional fields from `fields`.

import { CommandId, type RequestPdu, type ResponsePdu, type Tlvs, type UnsuccessSme } from './pdu/types.js'

export interface ResponseFields {
  messageId?: string
  systemId?: string
  tlvs?: Tlvs | null
  unsuccess?: UnsuccessSme[]
  finalDate?: string
  messageState?: number
  errorCode?: number
}

const NO_UNSUCCESS: UnsuccessSme[] = []

/** null for the requests that have no response (outbind, alert_notification). */
export function responseFor (req: RequestPdu, status: number, f: ResponseFields | null): ResponsePdu | null {
  const seq = req.sequenceNumber
  switch (req.commandId) {
    case CommandId.SubmitSm:
      return { commandId: CommandId.SubmitSmResp, commandStatus: status, sequenceNumber: seq, messageId: f?.messageId ?? '' }
    case CommandId.DeliverSm:
      return { commandId: CommandId.DeliverSmResp, commandStatus: status, sequenceNumber: seq, messageId: f?.messageId ?? '' }
    case CommandId.DataSm:
      return { commandId: CommandId.DataSmResp, commandStatus: status, sequenceNumber: seq, messageId: f?.messageId ?? '', tlvs: f?.tlvs ?? null }
    case CommandId.SubmitMulti:
      return { commandId: CommandId.SubmitMultiResp, commandStatus: status, sequenceNumber: seq, messageId: f?.messageId ?? '', unsuccess: f?.unsuccess ?? NO_UNSUCCESS }
    case CommandId.QuerySm:
      return {
        commandId: CommandId.QuerySmResp,
        commandStatus: status,
        sequenceNumber: seq,
        messageId: f?.messageId ?? req.messageId,
        finalDate: f?.finalDate ?? '',
        messageState: f?.messageState ?? 0,
        errorCode: f?.errorCode ?? 0
      }
    case CommandId.CancelSm:
      return { commandId: CommandId.CancelSmResp, commandStatus: status, sequenceNumber: seq }
    case CommandId.ReplaceSm:
      return { commandId: CommandId.ReplaceSmResp, commandStatus: status, sequenceNumber: seq }
    case CommandId.EnquireLink:
      return { commandId: CommandId.EnquireLinkResp, commandStatus: status, sequenceNumber: seq }
    case CommandId.Unbind:
      return { commandId: CommandId.UnbindResp, commandStatus: status, sequenceNumber: seq }
    case CommandId.BindTransmitter:
      return { commandId: CommandId.BindTransmitterResp, commandStatus: status, sequenceNumber: seq, systemId: f?.systemId ?? '', tlvs: f?.tlvs ?? null }
    case CommandId.BindReceiver:
      return { commandId: CommandId.BindReceiverResp, commandStatus: status, sequenceNumber: seq, systemId: f?.systemId ?? '', tlvs: f?.tlvs ?? null }
    case CommandId.BindTransceiver:
      return { commandId: CommandId.BindTransceiverResp, commandStatus: status, sequenceNumber: seq, systemId: f?.systemId ?? '', tlvs: f?.tlvs ?? null }
    default:
      return null
  }
}

/** The response command id for a request command id, or null when it has none. */
export function responseIdFor (commandId: number): number | null {
  switch (commandId) {
    case CommandId.Outbind:
    case CommandId.AlertNotification:
    case CommandId.GenericNack:
      return null
    default:
      return commandId < 0x80000000 ? (commandId | 0x80000000) >>> 0 : null
  }
}

/** The bare response of type `respId` for a request that could not be decoded. */
export function errorResponse (respId: number, status: number, seq: number): ResponsePdu {
  const h = { commandStatus: status, sequenceNumber: seq }
  switch (respId) {
    case CommandId.SubmitSmResp: case CommandId.DeliverSmResp: return { commandId: respId, ...h, messageId: '' }
    case CommandId.DataSmResp: return { commandId: respId, ...h, messageId: '', tlvs: null }
    case CommandId.SubmitMultiResp: return { commandId: respId, ...h, messageId: '', unsuccess: NO_UNSUCCESS }
    case CommandId.QuerySmResp: return { commandId: respId, ...h, messageId: '', finalDate: '', messageState: 0, errorCode: 0 }
    case CommandId.BindTransmitterResp: case CommandId.BindReceiverResp: case CommandId.BindTransceiverResp:
      return { commandId: respId, ...h, systemId: '', tlvs: null }
    default: return { commandId: respId, ...h } as ResponsePdu
  }
}
