// Message ids: 16 lower-case hex characters, time-ordered, made without asking the store.
// Layout: 44 bits of milliseconds since 2024-01-01 | 8-bit generator slot | 12-bit sequence.
// Each thread or process takes its own slot from the store once at start (allocateIdSlot), so
// ids never collide between threads, and a restart takes a new slot, which covers a clock that
// stepped back. 4096 ids per ms per generator; past that the generator borrows the next ms.

import { StoreError } from '../errors.js'

const EPOCH = Date.UTC(2024, 0, 1)

export class MessageIdGenerator {
  readonly slot: number
  private readonly slotHex: string
  private lastMs = -1
  private seq = 0
  private prefix = ''

  constructor (slot: number) {
    if (!Number.isInteger(slot) || slot < 0 || slot > 255) throw new StoreError(`id slot must be 0..255 (got ${slot})`)
    this.slot = slot
    this.slotHex = slot.toString(16).padStart(2, '0')
  }

  next (now = Date.now()): string {
    let ms = now - EPOCH
    if (ms <= this.lastMs) {
      ms = this.lastMs
      if (++this.seq > 0xfff) { ms++; this.seq = 0 }
    } else {
      this.seq = 0
    }
    if (ms !== this.lastMs) {
      this.lastMs = ms
      this.prefix = ms.toString(16).padStart(11, '0') + this.slotHex
    }
    return this.prefix + this.seq.toString(16).padStart(3, '0')
  }

  /**
   * The first of `n` (at most 4096) ids in one millisecond with consecutive sequence numbers:
   * a bulk's recipients (bulkMemberId). No other id falls between them, so a bulk is one
   * interval of the id order.
   */
  block (n: number, now = Date.now()): string {
    if (!Number.isInteger(n) || n < 1 || n > SEQ_SPAN) throw new StoreError(`an id block holds 1..${SEQ_SPAN} ids (got ${n})`)
    let first = this.next(now)
    if (this.seq + n > SEQ_SPAN) {
      // Not enough room left in this millisecond: start the block at the next one.
      this.lastMs++
      this.seq = 0
      this.prefix = this.lastMs.toString(16).padStart(11, '0') + this.slotHex
      first = this.prefix + '000'
    }
    this.seq += n - 1
    return first
  }
}

const SEQ_SPAN = 4096

/** The id of member `i` of a block that starts at `first` (MessageIdGenerator.block). */
export function bulkMemberId (first: string, i: number): string {
  return first.slice(0, 13) + (parseInt(first.slice(13), 16) + i).toString(16).padStart(3, '0')
}

/** Which member of the block starting at `first` (of `n` ids) `id` is, or -1. */
export function bulkMemberIndex (first: string, n: number, id: string): number {
  if (id.length !== 16 || id.slice(0, 13) !== first.slice(0, 13)) return -1
  const i = parseInt(id.slice(13), 16) - parseInt(first.slice(13), 16)
  return Number.isInteger(i) && i >= 0 && i < n ? i : -1
}

/** The receive time encoded in an id (epoch ms). */
export function idTime (id: string): number {
  return parseInt(id.slice(0, 11), 16) + EPOCH
}

/** The smallest id that can be made at `ms`: a range bound for time queries. */
export function idFloor (ms: number): string {
  return Math.max(0, ms - EPOCH).toString(16).padStart(11, '0') + '00000'
}
