// The public face of the SMPP domain for other domains (router, carriers, simulator, http):
// sessions, server, client, window, states, config, auth, and what they need from pdu/,
// time.ts and receipt.ts. No `export *`: what is not listed here is internal.

// sessions and their parts
export { SmppSession, DEFAULT_HANDLER } from './session.js'
export type { SessionHandler, SessionOptions } from './session.js'
export type { ResponseFields } from './responses.js'
export { RequestWindow } from './window.js'
export type { RequestCallback, UnmatchedCallback } from './window.js'
export type { FlushMode } from './writer.js'
export { TICK_MS, tickableCount } from './ticker.js'
export { SessionState, stateName, maySend, mayReceive, isBound, boundStateFor, bindTypeOf, bindCommandFor } from './states.js'
export type { Role, BindType } from './states.js'

// server, client, config, auth
export { SmppServer, DEFAULT_SERVER_HANDLER } from './server.js'
export type { ServerHandler, SmppServerOptions } from './server.js'
export { connectAndBind } from './client.js'
export type { ConnectOptions } from './client.js'
export { parseSmppConfig, parseSmppAccount, parseSmppAccounts, SMPP_ACCOUNT_KEYS, SMPP_DEFAULTS } from './config.js'
export type { SmppServerConfig, SmppAccount, TlsListenerConfig } from './config.js'
export { hashPassword, verifyPassword, PasswordVerifier, IpAllowList, normalizeIp } from './auth.js'

// PDUs (re-exported from pdu/)
export { CommandId, RESPONSE_BIT, isResponse, CommandStatus, statusName, isRetryable, isThrottling, decodePdu, encodePdu, encodePduInto, encodedLength, PduFramer, isFrameError, HEADER_LENGTH, MAX_SM_LENGTH, commandName } from './pdu/index.js'
export type {
  PduHeader, RawTlv, Tlvs, Address, BindBody, BindReceiver, BindTransmitter, BindTransceiver, BindRespBody,
  BindReceiverResp, BindTransmitterResp, BindTransceiverResp, Outbind, Unbind, UnbindResp, EnquireLink,
  EnquireLinkResp, GenericNack, AlertNotification, SmBody, SubmitSm, DeliverSm, SubmitSmResp, DeliverSmResp,
  DataSm, DataSmResp, MultiDestination, SubmitMulti, UnsuccessSme, SubmitMultiResp, QuerySm, QuerySmResp,
  CancelSm, CancelSmResp, ReplaceSm, ReplaceSmResp, BindRequest, BindResponse, RequestPdu, ResponsePdu, Pdu, PduOf,
  DecodeResult, FrameError
} from './pdu/index.js'

// time fields and delivery receipts
export { parseSmppTime, isValidSmppTime, formatAbsoluteTime, formatRelativeTime, relativeTimeFromSeconds } from './time.js'
export type { SmppTime, RelativeTime } from './time.js'
export { formatReceipt, formatReceiptDate, parseReceipt, parseReceiptDate, statToMessageState, messageStateToStat, receiptDeliverSm } from './receipt.js'
export type { ReceiptStat, ReceiptFields, ParsedReceipt } from './receipt.js'
