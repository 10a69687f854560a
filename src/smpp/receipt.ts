// Delivery-receipt text (SMPP 3.4 Appendix B, the de facto format):
//   id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:...
// formatReceipt writes it; parseReceipt reads what real carriers send (case-insensitive keys,
// missing fields, `submit_date` spellings, ids in hex or decimal left as strings).

import { CommandId, type DeliverSm, type Tlvs } from './pdu/types.js'

export type ReceiptStat = 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD' | 'ENROUTE'

export interface ReceiptFields {
  id: string
  sub: number | string
  dlvrd: number | string
  /** A Date (written as UTC YYMMDDhhmm) or an already formatted string. */
  submitDate: Date | string
  doneDate: Date | string
  stat: ReceiptStat | string
  err: number | string
  /** The first 20 characters go into the receipt. */
  text: string
}

function pad (v: number | string, n: number): string {
  const s = String(v)
  return s.length >= n ? s : '0'.repeat(n - s.length) + s
}

/** YYMMDDhhmm in UTC. */
export function formatReceiptDate (d: Date): string {
  return pad(d.getUTCFullYear() % 100, 2) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2) +
    pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2)
}

export function formatReceipt (f: ReceiptFields): string {
  const sd = typeof f.submitDate === 'string' ? f.submitDate : formatReceiptDate(f.submitDate)
  const dd = typeof f.doneDate === 'string' ? f.doneDate : formatReceiptDate(f.doneDate)
  return `id:${f.id} sub:${pad(f.sub, 3)} dlvrd:${pad(f.dlvrd, 3)} submit date:${sd} done date:${dd} ` +
    `stat:${f.stat} err:${pad(f.err, 3)} text:${f.text.slice(0, 20)}`
}

export interface ParsedReceipt {
  id: string | null
  sub: string | null
  dlvrd: string | null
  submitDate: string | null
  doneDate: string | null
  /** Upper-cased. */
  stat: string | null
  err: string | null
  text: string | null
}

const KEY = /(?:^|[\s,;])(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text)\s*:/gi

function keyName (k: string): keyof ParsedReceipt {
  const l = k.toLowerCase()
  if (l.startsWith('submit')) return 'submitDate'
  if (l.startsWith('done')) return 'doneDate'
  return l as keyof ParsedReceipt
}

/**
 * Fields of a receipt text, or null when it holds neither an `id:` nor a `stat:`. Each field is
 * the trimmed text up to the next key; `text:` takes the rest of the string. Absent fields are null.
 */
export function parseReceipt (body: string): ParsedReceipt | null {
  if (typeof body !== 'string' || body.length === 0) return null
  const out: ParsedReceipt = { id: null, sub: null, dlvrd: null, submitDate: null, doneDate: null, stat: null, err: null, text: null }
  KEY.lastIndex = 0
  let prevKey: keyof ParsedReceipt | null = null
  let prevStart = 0
  let m: RegExpExecArray | null
  while ((m = KEY.exec(body)) !== null) {
    const keyStart = m.index + (m[0].length - m[0].trimStart().length)
    if (prevKey !== null) set(out, prevKey, body.slice(prevStart, keyStart))
    prevKey = keyName(m[1])
    prevStart = m.index + m[0].length
    if (prevKey === 'text') break
  }
  if (prevKey !== null) set(out, prevKey, prevKey === 'text' ? body.slice(prevStart) : body.slice(prevStart))
  if (out.id === null && out.stat === null) return null
  if (out.stat !== null) out.stat = out.stat.toUpperCase()
  return out
}

function set (out: ParsedReceipt, key: keyof ParsedReceipt, raw: string): void {
  if (out[key] !== null) return // first occurrence wins
  out[key] = key === 'text' ? raw.replace(/^\s+/, '') : raw.trim()
}

/** Receipt date `YYMMDDhhmm` or `YYMMDDhhmmss` (UTC assumed) to epoch ms, or null. */
export function parseReceiptDate (s: string): number | null {
  if (!/^\d{10}(\d{2})?$/.test(s)) return null
  const n = (i: number): number => Number(s.slice(i, i + 2))
  const mo = n(2)
  const d = n(4)
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || n(6) > 23 || n(8) > 59 || (s.length === 12 && n(10) > 59)) return null
  const ms = Date.UTC(2000 + n(0), mo - 1, d, n(6), n(8), s.length === 12 ? n(10) : 0)
  return new Date(ms).getUTCDate() === d ? ms : null
}

const STAT_TO_STATE: Record<string, number> = {
  ENROUTE: 1, DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8
}

/** message_state (0x0427 values) for a receipt stat, or null for an unrecognised one. */
export function statToMessageState (stat: string): number | null {
  return STAT_TO_STATE[stat.toUpperCase()] ?? null
}

const STATE_TO_STAT = ['', 'ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD']

/** Receipt stat for a message_state value ('UNKNOWN' for anything unrecognised). */
export function messageStateToStat (state: number): ReceiptStat {
  return (STATE_TO_STAT[state] || 'UNKNOWN') as ReceiptStat
}

/**
 * A delivery receipt as a deliver_sm: from the handset (the original destination) back to the
 * original sender, esm_class 0x04 (0x20 for an intermediate notice), the text as given and the
 * receipt TLVs. The router's customer receipts and the simulator's carrier receipts both use it.
 */
export function receiptDeliverSm (
  handsetTon: number, handsetNpi: number, handset: string,
  senderTon: number, senderNpi: number, sender: string,
  intermediate: boolean, text: Buffer, tlvs: Tlvs
): DeliverSm {
  return {
    commandId: CommandId.DeliverSm,
    commandStatus: 0,
    sequenceNumber: 0,
    serviceType: '',
    sourceAddrTon: handsetTon,
    sourceAddrNpi: handsetNpi,
    sourceAddr: handset,
    destAddrTon: senderTon,
    destAddrNpi: senderNpi,
    destinationAddr: sender,
    esmClass: intermediate ? 0x20 : 0x04,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: text,
    tlvs
  }
}
