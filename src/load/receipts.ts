// Matches delivery receipts to the submits that asked for them, by message id: the
// receipted_message_id TLV when present, else the `id:` field of the receipt text. A receipt may
// arrive before its submit_sm_resp has been read (the two travel independently): it is kept
// until the response names its id, so it is neither lost nor counted as unknown. Over HTTP the
// receipt is a message.status webhook naming the id of the 202 (onReceipt).

import { CommandId, type DeliverSm, type RequestPdu } from '../smpp/index.js'
import { LatencyHistogram } from './histogram.js'

const ID_IN_TEXT = /(?:^|\s)id:(\S+)/
const STAT_IN_TEXT = /(?:^|\s)stat:([A-Z]+)/

export interface ReceiptCounts {
  /** Receipts asked for whose submit was accepted. */
  expected: number
  /** Receipts matched to a submit. */
  matched: number
  /** Receipts naming an id we did not send or already had a receipt for. */
  unmatched: number
  /** deliver_sm that were not receipts (MO); over HTTP, webhook events other than message.status. */
  other: number
  /** Receipts that came before their submit_sm_resp. */
  early: number
  /** Expected, not yet matched. */
  missing: number
  /** Up to 10 ids of unmatched receipts (duplicates or ids never sent), to chase a bug with. */
  unmatchedIds: string[]
  byStat: Record<string, number>
}

export class ReceiptTracker {
  readonly latency = new LatencyHistogram()
  private readonly waiting = new Map<string, number>()
  private readonly arrived = new Map<string, number>()
  private expected = 0
  private matched = 0
  private unmatched = 0
  private other = 0
  private early = 0
  private readonly byStat: Record<string, number> = Object.create(null)
  private readonly unmatchedIds: string[] = []
    /** Latencies of submits intended before this time are not recorded (warm-up). */
  recordFrom = 0

  /** An accepted submit asked for a receipt: `t0` is its intended send time (performance.now()). */
  expect (id: string, t0: number): void {
    this.expected++
    const at = this.arrived.get(id)
    if (at !== undefined) {
      this.arrived.delete(id)
      this.early++
      this.match(at - t0, t0)
      return
    }
    this.waiting.set(id, t0)
  }

  /** Any deliver_sm read at `now`; returns true when it was a receipt. */
  onDeliver (pdu: RequestPdu, now: number): boolean {
    if (pdu.commandId !== CommandId.DeliverSm) return false
    const d = pdu as DeliverSm
    if ((d.esmClass & 0x3c) !== 0x04 && d.tlvs?.receiptedMessageId === undefined) {
      this.other++
      return false
    }
    const text = d.shortMessage.length > 0 ? d.shortMessage.toString('latin1') : (d.tlvs?.messagePayload?.toString('latin1') ?? '')
    const stat = STAT_IN_TEXT.exec(text)?.[1] ?? 'UNKNOWN'
    this.onReceipt(d.tlvs?.receiptedMessageId ?? ID_IN_TEXT.exec(text)?.[1], stat, now)
    return true
  }

  /**
   * A receipt however it came (a deliver_sm, a message.status webhook) for message `id`
   * (undefined when it named none) with final state `stat`, read at `now`.
   */
  onReceipt (id: string | undefined, stat: string, now: number): void {
    this.byStat[stat] = (this.byStat[stat] ?? 0) + 1
    if (id === undefined) {
      this.noteUnmatched('(no id)')
      return
    }
    const t0 = this.waiting.get(id)
    if (t0 !== undefined) {
      this.waiting.delete(id)
      this.match(now - t0, t0)
    } else if (this.arrived.size < 1_000_000) {
      // Before its response, or an id we never sent: settled by expect() or counted at the end.
      this.arrived.set(id, now)
    } else {
      this.noteUnmatched(id)
    }
  }

  /** Something that was not a receipt arrived where receipts do (an MO, another webhook event). */
  onOther (): void {
    this.other++
  }

  counts (): ReceiptCounts {
    return {
      expected: this.expected,
      matched: this.matched,
      unmatched: this.unmatched + this.arrived.size,
      unmatchedIds: this.unmatchedIds.concat([...this.arrived.keys()].slice(0, 10 - this.unmatchedIds.length)),
      other: this.other,
      early: this.early,
      missing: this.waiting.size,
      byStat: { ...this.byStat }
    }
  }

  private noteUnmatched (id: string): void {
    this.unmatched++
    if (this.unmatchedIds.length < 10) this.unmatchedIds.push(id)
  }

  private match (ms: number, t0: number): void {
    this.matched++
    if (t0 >= this.recordFrom) this.latency.record(ms)
  }
}
