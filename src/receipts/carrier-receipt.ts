// Reads a carrier's deliver_sm / data_sm as a delivery receipt, or says it is not one (then it
// is MO traffic). Carriers differ: the id in the receipted_message_id TLV, in the text, or both;
// in hex or decimal (the store matches either reading); the state in message_state, in the text's
// stat:, or both; the esm_class message type 0x04 (SMSC receipt), 0x08 (SME delivery ack, treated
// by Kannel and most SMSCs as a receipt) or 0x20 (intermediate notification, SMPP 3.4 §5.2.12);
// a few send receipts as plain deliver_sm (esm_class 0) recognisable only by their text.

import type { DataSm, DeliverSm } from '../smpp/pdu/index.js'
import { parseReceipt, parseReceiptDate, type ParsedReceipt } from '../smpp/receipt.js'
import type { FinalState } from '../store/index.js'
import { finalStateOf, normaliseStat, statOfMessageState, type Stat } from './states.js'

export interface CarrierReceipt {
  /** From receipted_message_id, else the text's id: — as sent (hex or decimal), minus a `0x`. '' when absent or over 64 characters. */
  carrierMessageId: string
  /** One of the eight standard stats; UNKNOWN (not final) when the receipt gives no readable state. */
  stat: Stat
  /** False for ENROUTE, for ACCEPTD outside a plain SMSC receipt, and for an unreadable state. */
  final: boolean
  /** The store's FinalState for a final receipt, else null. */
  state: FinalState | null
  /** The text's err: field, else the network_error_code's error value, else '000'. */
  err: string
  /** network_error_code TLV (3 octets) as sent, or null. */
  networkErrorCode: Buffer | null
  /** The text's done date (UTC assumed; carriers often send local time), or null. */
  doneAt: number | null
}

/** esm_class bits 5..2: the message type. */
const TYPE_DEFAULT = 0
const TYPE_SMSC_RECEIPT = 1 // 0x04
const TYPE_SME_ACK = 2 // 0x08
const TYPE_INTERMEDIATE = 8 // 0x20
const ESM_UDHI = 0x40
const DC_UCS2 = 8
/** A receipt text is short; anything longer is not worth reading as one. */
const MAX_TEXT = 512
const STARTS_WITH_ID = /^\s*id\s*:/i

/** null when the PDU is not a receipt (then it is MO traffic for the engine). Never throws on junk. */
export function parseCarrierReceipt (pdu: DeliverSm | DataSm): CarrierReceipt | null {
  try {
    return parse(pdu)
  } catch {
    return null
  }
}

function parse (pdu: DeliverSm | DataSm): CarrierReceipt | null {
  const esm = typeof pdu.esmClass === 'number' ? pdu.esmClass : 0
  const type = (esm >> 2) & 0x0f
  const marked = type === TYPE_SMSC_RECEIPT || type === TYPE_SME_ACK || type === TYPE_INTERMEDIATE
  if (!marked && type !== TYPE_DEFAULT) return null // user acks, conversation aborts: not receipts
  const tlvs = pdu.tlvs ?? null
  const text = bodyText(pdu)
  const parsed = text !== null ? parseReceipt(text) : null
  const tlvId = typeof tlvs?.receiptedMessageId === 'string' ? tlvs.receiptedMessageId.trim() : ''
  const tlvState = typeof tlvs?.messageState === 'number' ? statOfMessageState(tlvs.messageState) : null
  if (!marked) {
    // An unmarked deliver_sm is MO unless it unmistakably is a receipt.
    const byTlv = tlvId !== '' && tlvState !== null
    const byText = (esm & ESM_UDHI) === 0 && text !== null && STARTS_WITH_ID.test(text) && parsed !== null &&
      parsed.id !== null && parsed.id !== '' && parsed.stat !== null && normaliseStat(parsed.stat) !== null &&
      (parsed.doneDate !== null || parsed.submitDate !== null)
    if (!byTlv && !byText) return null
  }
  const stat = tlvState ?? (parsed?.stat != null ? normaliseStat(parsed.stat) : null)
  const final = stat !== null && stat !== 'ENROUTE' && (stat !== 'ACCEPTD' || type === TYPE_SMSC_RECEIPT || type === TYPE_DEFAULT)
  const nec = tlvs?.networkErrorCode instanceof Uint8Array && tlvs.networkErrorCode.length === 3 ? Buffer.from(tlvs.networkErrorCode) : null
  return {
    carrierMessageId: carrierId(tlvId !== '' ? tlvId : (parsed?.id ?? '')),
    stat: stat ?? 'UNKNOWN',
    final,
    state: final && stat !== null ? finalStateOf(stat) : null,
    err: errOf(parsed, nec),
    networkErrorCode: nec,
    doneAt: parsed?.doneDate != null ? parseReceiptDate(parsed.doneDate) : null
  }
}

function bodyText (pdu: DeliverSm | DataSm): string | null {
  let body: Uint8Array | undefined
  if ('shortMessage' in pdu && pdu.shortMessage instanceof Uint8Array && pdu.shortMessage.length > 0) body = pdu.shortMessage
  else if (pdu.tlvs?.messagePayload instanceof Uint8Array) body = pdu.tlvs.messagePayload
  if (body === undefined || body.length === 0) return null
  const n = Math.min(body.length, MAX_TEXT)
  const buf = Buffer.from(body.buffer, body.byteOffset, n)
  if (pdu.dataCoding === DC_UCS2 && n % 2 === 0) {
    const le = Buffer.allocUnsafe(n)
    for (let i = 0; i < n; i += 2) { le[i] = buf[i + 1]; le[i + 1] = buf[i] }
    return le.toString('utf16le')
  }
  return buf.toString('latin1')
}

function errOf (parsed: ParsedReceipt | null, nec: Buffer | null): string {
  const e = parsed?.err?.trim() ?? ''
  if (e !== '') return e
  if (nec !== null) return String((nec[1] << 8) | nec[2]).padStart(3, '0')
  return '000'
}

/** receipted_message_id is at most 65 octets with its NUL; a longer id is junk (and too long for a store key). */
const MAX_ID = 64

function carrierId (id: string): string {
  if (id.length > MAX_ID) return ''
  return id.length > 2 && (id.startsWith('0x') || id.startsWith('0X')) ? id.slice(2) : id
}
