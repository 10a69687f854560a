// The public face of the PDU layer for other code (sessions, router, simulator). No `export *`.

export {
  CommandId, RESPONSE_BIT, isResponse
} from './types.js'
export type {
  PduHeader, RawTlv, Tlvs, Address, BindBody, BindReceiver, BindTransmitter, BindTransceiver, BindRespBody,
  BindReceiverResp, BindTransmitterResp, BindTransceiverResp, Outbind, Unbind, UnbindResp, EnquireLink,
  EnquireLinkResp, GenericNack, AlertNotification, SmBody, SubmitSm, DeliverSm, SubmitSmResp, DeliverSmResp,
  DataSm, DataSmResp, MultiDestination, SubmitMulti, UnsuccessSme, SubmitMultiResp, QuerySm, QuerySmResp,
  CancelSm, CancelSmResp, ReplaceSm, ReplaceSmResp, BindRequest, BindResponse, RequestPdu, ResponsePdu, Pdu, PduOf
} from './types.js'
export { CommandStatus, statusName, isRetryable, isThrottling } from './status.js'
export { decodePdu, encodePdu, encodePduInto, encodedLength } from './codec.js'
export type { DecodeResult } from './codec.js'
export { PduFramer, isFrameError } from './framer.js'
export type { FrameError } from './framer.js'
export { HEADER_LENGTH, MAX_SM_LENGTH } from './header.js'
export { commandName, knownCommandIds } from './registry.js'
export { tlvTag } from './tlv.js'
