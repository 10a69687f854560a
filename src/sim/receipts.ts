// Receipt and MO deliver_sm PDUs. A receipt carries the de facto text
// (`id:… sub:001 dlvrd:… submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:… err:… text:…`, dates in
// UTC) and the receipted_message_id, message_state and network_error_code TLVs. Dates are formatted
// once per minute, not per receipt.

import { CommandId, receiptDeliverSm, type DeliverSm, type Tlvs } from '../smpp/index.js'
import { MESSAGE_STATE, STATS, S_DELIVRD, S_ENROUTE } from './outcomes.js'
import type { IdFormat } from './profile.js'
import type { SimMessage } from './messages.js'

/** esm_class of a final receipt, and of an intermediate (ENROUTE) notification (SMPP 3.4 §5.2.12). */
export const ESM_RECEIPT = 0x04
export const ESM_INTERMEDIATE = 0x20
/** network_error_code network type: 3 = GSM. */
const NET_GSM = 3

class MinuteCache {
  private minute = -1
  private text = ''

  format (ms: number): string {
    const m = Math.floor(ms / 60_000)
    if (m !== this.minute) {
      const d = new Date(m * 60_000)
      this.minute = m
      this.text = two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes())
    }
    return this.text
  }
}

function two (n: number): string {
  return n < 10 ? '0' + String(n) : String(n)
}

const submitDates = new MinuteCache()
const doneDates = new MinuteCache()
const ERR_TEXT: string[] = []
for (let i = 0; i < 1000; i++) ERR_TEXT.push(String(i).padStart(3, '0'))

export function formatId (id: number, format: IdFormat): string {
  return format === 'hex' ? id.toString(16) : String(id)
}

/** Parses an id as the carrier formats it; -1 when it is not one of ours. */
export function parseId (text: string, format: IdFormat): number {
  if (text.length === 0 || text.length > 15) return -1
  if (format === 'hex' ? !/^[0-9a-fA-F]+$/.test(text) : !/^\d+$/.test(text)) return -1
  return format === 'hex' ? parseInt(text, 16) : Number(text)
}

/** Text bodies whose first octets can be quoted in a receipt as they are. */
export function quotable (dataCoding: number): boolean {
  return dataCoding === 0 || dataCoding === 1 || dataCoding === 3
}

export function receiptText (id: string, stat: number, err: number, submitAt: number, doneAt: number): string {
  return 'id:' + id + ' sub:001 dlvrd:' + (stat === S_DELIVRD ? '001' : '000') +
    ' submit date:' + submitDates.format(submitAt) + ' done date:' + doneDates.format(doneAt) +
    ' stat:' + STATS[stat] + ' err:' + (err < 1000 ? ERR_TEXT[err] : String(err)) + ' text:'
}

/**
 * The deliver_sm reporting `stat` for `m` (a final outcome, or S_ENROUTE for an intermediate notice).
 * `epoch` turns the message's carrier-relative times into wall-clock ones.
 */
export function buildReceipt (m: SimMessage, stat: number, now: number, idFormat: IdFormat, epoch: number): DeliverSm {
  const id = idFormat === 'hex' ? m.id.toString(16) : String(m.id)
  const err = stat === S_ENROUTE ? 0 : m.err
  const text = receiptText(id, stat, err, epoch + m.submitAt, epoch + now) + m.head
  const sm = Buffer.allocUnsafe(text.length)
  sm.write(text, 0, 'latin1')
  const nec = networkErrorCode(err)
  const tlvs: Tlvs = { receiptedMessageId: id, networkErrorCode: nec, messageState: MESSAGE_STATE[stat] }
  return receiptDeliverSm(m.destTon, m.destNpi, m.dest, m.sourceTon, m.sourceNpi, m.source, stat === S_ENROUTE, sm, tlvs)
}

const EMPTY = Buffer.alloc(0)

/** network_error_code values are read-only once built (the session encodes them at once): one per code. */
const NEC_CACHE: Buffer[] = []
function networkErrorCode (err: number): Buffer {
  let b = err < 1024 ? NEC_CACHE[err] : undefined
  if (b === undefined) {
    b = Buffer.from([NET_GSM, (err >> 8) & 0xff, err & 0xff])
    if (err < 1024) NEC_CACHE[err] = b
  }
  return b
}

/** An MO deliver_sm (one part). `udh` is prepended and esm_class 0x40 set when given. */
export function buildMo (from: string, to: string, dataCoding: number, body: Buffer, udh: Buffer | null, tlvs: Tlvs | null): DeliverSm {
  const sm = udh === null ? body : Buffer.concat([udh, body])
  const payload = sm.length > 254
  return {
    commandId: CommandId.DeliverSm,
    commandStatus: 0,
    sequenceNumber: 0,
    serviceType: '',
    sourceAddrTon: /^\+?\d+$/.test(from) ? 1 : 5,
    sourceAddrNpi: 1,
    sourceAddr: from,
    destAddrTon: /^\+?\d+$/.test(to) ? 1 : 5,
    destAddrNpi: 1,
    destinationAddr: to,
    esmClass: udh === null ? 0 : 0x40,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding,
    smDefaultMsgId: 0,
    shortMessage: payload ? EMPTY : sm,
    tlvs: payload ? { ...(tlvs ?? {}), messagePayload: sm } : tlvs
  }
}
