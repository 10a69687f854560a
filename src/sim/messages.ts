// The message table behind query_sm, cancel_sm and replace_sm. A message is pending until its final
// receipt is due; after that it stays queryable for retain_ms and is then evicted, oldest first,
// through an intrusive list (no scan, no per-message timer). Pending messages are bounded by the
// profile's max_pending (submits beyond it get 0x14 queue full).

import type { Timed } from './scheduler.js'

/** Where a message is in its life; the wheel checks it when the message comes due. */
export const PHASE_ENROUTE = 0
export const PHASE_FINAL = 1
export const PHASE_DONE = 2

/**
 * One accepted message. Kept small because a million may be pending: times are milliseconds since
 * the carrier started (small integers, not boxed doubles), TON and NPI share one field, the quoted
 * text is a short string, and the id text is formatted when needed rather than stored.
 */
export class SimMessage implements Timed {
  /** When the wheel should fire it next (carrier-relative ms). */
  due: number
  readonly id: number
  /** The submitting account (the bind's own string, shared by all its messages). */
  readonly systemId: string
  readonly source: string
  readonly dest: string
  /** source TON (3 bits) | NPI (5 bits) | destination TON | NPI, 8 bits each pair. */
  private readonly tonNpi: number
  readonly submitAt: number
  /** When the final outcome is due, then when it happened (carrier-relative ms). */
  doneAt: number
  /** stat (3 bits) | phase (2) | registered_delivery (8) | data_coding (8): one small integer. */
  private bits: number
  err: number
  /** The first 20 characters of the text when it is GSM/ASCII/Latin-1 (the receipt's text: field), else ''. */
  head: string
  /** Next in the finished list (eviction order). */
  next: SimMessage | null

  constructor (id: number, systemId: string, source: string, sourceTon: number, sourceNpi: number, dest: string, destTon: number, destNpi: number,
    submitAt: number, stat: number, err: number, registeredDelivery: number, dataCoding: number, head: string) {
    this.due = 0
    this.id = id
    this.systemId = systemId
    this.source = source
    this.dest = dest
    this.tonNpi = ((sourceTon & 7) << 13) | ((sourceNpi & 31) << 8) | ((destTon & 7) << 5) | (destNpi & 31)
    this.submitAt = submitAt
    this.doneAt = 0
    this.bits = (stat & 7) | (PHASE_ENROUTE << 3) | ((registeredDelivery & 0xff) << 5) | ((dataCoding & 0xff) << 13)
    this.err = err
    this.head = head
    this.next = null
  }

  get stat (): number { return this.bits & 7 }
  set stat (v: number) { this.bits = (this.bits & ~7) | (v & 7) }
  get phase (): number { return (this.bits >> 3) & 3 }
  set phase (v: number) { this.bits = (this.bits & ~(3 << 3)) | ((v & 3) << 3) }
  get registeredDelivery (): number { return (this.bits >> 5) & 0xff }
  set registeredDelivery (v: number) { this.bits = (this.bits & ~(0xff << 5)) | ((v & 0xff) << 5) }
  get dataCoding (): number { return (this.bits >> 13) & 0xff }
  get sourceTon (): number { return this.tonNpi >> 13 }
  get sourceNpi (): number { return (this.tonNpi >> 8) & 31 }
  get destTon (): number { return (this.tonNpi >> 5) & 7 }
  get destNpi (): number { return this.tonNpi & 31 }
  get final (): boolean { return this.phase === PHASE_DONE }
}

/** The slot array stops doubling here (32 MB of pointers); beyond it collisions go to the overflow map. */
const MAX_SLOTS = 1 << 22

/**
 * Messages by id. Ids are handed out in sequence, so the table is an array indexed by the low bits
 * of the id (grown by doubling); a slot still held by an older live message (a
 * long-pending one) sends the newcomer to a small overflow Map. No hashing on the common path, and
 * 8 bytes per message instead of a Map entry. The array follows the number of messages held (pending
 * plus retained), not max_messages, which only limits retained ones.
 */
export class MessageTable {
  private slots: Array<SimMessage | undefined>
  private mask: number
  private readonly overflow = new Map<number, SimMessage>()
  private count = 0
  private head: SimMessage | null = null
  private tail: SimMessage | null = null
  private finishedCount = 0
  retainMs: number
  maxMessages: number

  constructor (retainMs: number, maxMessages: number) {
    this.retainMs = retainMs
    this.maxMessages = maxMessages
    this.slots = new Array<SimMessage | undefined>(1024).fill(undefined)
    this.mask = 1023
  }

  get size (): number { return this.count }
  get pending (): number { return this.count - this.finishedCount }

  add (m: SimMessage): void {
    if (this.count >= this.slots.length && this.slots.length < MAX_SLOTS) this.grow()
    const i = m.id & this.mask
    const old = this.slots[i]
    if (old === undefined) this.slots[i] = m
    else this.overflow.set(m.id, m)
    this.count++
  }

  get (id: number): SimMessage | undefined {
    const m = this.slots[id & this.mask]
    if (m !== undefined && m.id === id) return m
    return this.overflow.size === 0 ? undefined : this.overflow.get(id)
  }

  private remove (m: SimMessage): void {
    const i = m.id & this.mask
    if (this.slots[i] === m) this.slots[i] = undefined
    else this.overflow.delete(m.id)
    this.count--
  }

  private grow (): void {
    const old = this.slots
    this.slots = new Array<SimMessage | undefined>(old.length * 2).fill(undefined)
    this.mask = this.slots.length - 1
    const moved = [...this.overflow.values()]
    this.overflow.clear()
    for (const m of old) if (m !== undefined) this.place(m)
    for (const m of moved) this.place(m)
  }

  private place (m: SimMessage): void {
    const i = m.id & this.mask
    if (this.slots[i] === undefined) this.slots[i] = m
    else this.overflow.set(m.id, m)
  }

  /** Marks a message final and queues it for eviction. */
  finish (m: SimMessage, now: number): void {
    m.phase = PHASE_DONE
    m.doneAt = now
    this.finishedCount++
    if (this.retainMs === 0) {
      this.remove(m)
      this.finishedCount--
      return
    }
    if (this.tail === null) this.head = m
    else this.tail.next = m
    this.tail = m
  }

  /** Evicts finished messages older than retainMs, and the oldest beyond maxMessages. */
  evict (now: number): number {
    let n = 0
    const cutoff = now - this.retainMs
    let m = this.head
    while (m !== null && (m.doneAt <= cutoff || this.count > this.maxMessages)) {
      this.remove(m)
      const next = m.next
      m.next = null
      m = next
      n++
    }
    this.head = m
    if (m === null) this.tail = null
    this.finishedCount -= n
    return n
  }

  /** Pending messages from `source` to `dest` (cancel_sm without a message_id): a scan, but a rare one. */
  findPending (source: string, dest: string): SimMessage[] {
    const out: SimMessage[] = []
    for (const m of [...this.slots, ...this.overflow.values()]) {
      if (m !== undefined && m.phase !== PHASE_DONE && m.source === source && (dest === '' || m.dest === dest)) out.push(m)
    }
    return out
  }

  clear (): void {
    this.slots.fill(undefined)
    this.overflow.clear()
    this.count = 0
    this.head = null
    this.tail = null
    this.finishedCount = 0
  }
}
