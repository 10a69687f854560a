// The message table behind query_sm, cancel_sm and replace_sm. A message is pending until its final
// receipt is due; after that it stays queryable for retain_ms and is then evicted, oldest first.
// Pending messages are objects (the timer wheel holds them); a finished one is folded into a
// compact record in typed arrays (about 30 bytes instead of about 210), because up to max_messages
// of them are kept and at high rates they were most of the heap. Pending messages are bounded by
// the profile's max_pending (submits beyond it get 0x14 queue full).

import type { Timed } from './scheduler.js'

/** Where a message is in its life; the wheel checks it when the message comes due. */
export const PHASE_ENROUTE = 0
export const PHASE_FINAL = 1
export const PHASE_DONE = 2

/**
 * One accepted message. Kept small because a million may be pending: times are milliseconds since
 * the carrier started (small integers, not boxed doubles), the error code and the TONs and NPIs share
 * one int32 field, the quoted text is a short string (shared between messages that start alike, see
 * SimCarrier), and the id text is formatted when needed rather than stored.
 */
export class SimMessage implements Timed {
  /** When the wheel should fire it next (carrier-relative ms). */
  due: number
  readonly id: number
  /** The submitting account (the bind's own string, shared by all its messages). */
  readonly systemId: string
  readonly source: string
  readonly dest: string
  /** err (16 bits) << 16 | source TON (3 bits) | NPI (5 bits) | destination TON | NPI: one int32, so one field less per message. */
  private errTonNpi: number
  readonly submitAt: number
  /** When the final outcome is due, then when it happened (carrier-relative ms). */
  doneAt: number
  /** stat (3 bits) | phase (2) | registered_delivery (8) | data_coding (8): one small integer. */
  private bits: number
  /** The first 20 characters of the text when it is GSM/ASCII/Latin-1 (the receipt's text: field), else ''. */
  head: string

  constructor (id: number, systemId: string, source: string, sourceTon: number, sourceNpi: number, dest: string, destTon: number, destNpi: number,
    submitAt: number, stat: number, err: number, registeredDelivery: number, dataCoding: number, head: string) {
    this.due = 0
    this.id = id
    this.systemId = systemId
    this.source = source
    this.dest = dest
    this.errTonNpi = ((err & 0xffff) << 16) | ((sourceTon & 7) << 13) | ((sourceNpi & 31) << 8) | ((destTon & 7) << 5) | (destNpi & 31)
    this.submitAt = submitAt
    this.doneAt = 0
    this.bits = (stat & 7) | (PHASE_ENROUTE << 3) | ((registeredDelivery & 0xff) << 5) | ((dataCoding & 0xff) << 13)
    this.head = head
  }

  get stat (): number { return this.bits & 7 }
  set stat (v: number) { this.bits = (this.bits & ~7) | (v & 7) }
  get phase (): number { return (this.bits >> 3) & 3 }
  set phase (v: number) { this.bits = (this.bits & ~(3 << 3)) | ((v & 3) << 3) }
  get registeredDelivery (): number { return (this.bits >> 5) & 0xff }
  set registeredDelivery (v: number) { this.bits = (this.bits & ~(0xff << 5)) | ((v & 0xff) << 5) }
  get dataCoding (): number { return (this.bits >> 13) & 0xff }
  get err (): number { return this.errTonNpi >>> 16 }
  set err (v: number) { this.errTonNpi = ((v & 0xffff) << 16) | (this.errTonNpi & 0xffff) }
  get sourceTon (): number { return (this.errTonNpi >> 13) & 7 }
  get sourceNpi (): number { return (this.errTonNpi >> 8) & 31 }
  get destTon (): number { return (this.errTonNpi >> 5) & 7 }
  get destNpi (): number { return this.errTonNpi & 31 }
  get final (): boolean { return this.phase === PHASE_DONE }
}

/** What query_sm needs of a message, pending (the SimMessage itself) or finished (a copy of its record). */
export interface MessageRecord {
  readonly systemId: string
  readonly source: string
  readonly final: boolean
  readonly stat: number
  readonly err: number
  readonly doneAt: number
}

/** The slot array stops doubling here (32 MB of pointers); beyond it collisions go to the overflow map. */
const MAX_SLOTS = 1 << 22
/** Finished records are numbered modulo 2^30, so the number stays a small integer (no heap allocation) in a slot. */
const SEQ_MASK = (1 << 30) - 1
const FIRST_RING = 1024

/**
 * Messages by id. Ids are handed out in sequence, so the table is an array indexed by the low bits
 * of the id (grown by doubling); a slot still held by an older live message (a long-pending one)
 * sends the newcomer to a small overflow Map. No hashing on the common path. A slot holds the
 * pending SimMessage, or for a finished message the sequence number of its record in the finished
 * ring: struct-of-arrays (id, final time, stat and err, account, source), in finishing order, which
 * is also eviction order. The slot array follows the number of messages held (pending plus
 * retained), not max_messages, which only limits retained ones.
 */
export class MessageTable {
  private slots: Array<SimMessage | number | undefined>
  private mask: number
  private readonly overflow = new Map<number, SimMessage | number>()
  private count = 0
  retainMs: number
  maxMessages: number

  // The finished ring: record `seq` lives at index seq & ringMask.
  private ringMask = -1
  private finId = new Float64Array(0)
  private finDone = new Float64Array(0)
  /** stat (3 bits) | err (16 bits) << 3. */
  private finMeta = new Int32Array(0)
  private finAccount = new Uint16Array(0)
  private finSource: string[] = []
  /** Sequence number of the oldest finished record, and how many there are. */
  private finHead = 0
  private finCount = 0
  /** system_ids of finished records, by index (only configured accounts bind, so they are few). */
  private readonly accounts: string[] = []
  private readonly accountIndex = new Map<string, number>()

  constructor (retainMs: number, maxMessages: number) {
    this.retainMs = retainMs
    this.maxMessages = maxMessages
    this.slots = new Array<SimMessage | number | undefined>(1024).fill(undefined)
    this.mask = 1023
  }

  get size (): number { return this.count }
  get pending (): number { return this.count - this.finCount }

  add (m: SimMessage): void {
    if (this.count >= this.slots.length && this.slots.length < MAX_SLOTS) this.grow()
    this.place(m.id, m)
    this.count++
  }

  /** The pending message with this id (finished ones are records now: see lookup). */
  get (id: number): SimMessage | undefined {
    const v = this.entry(id)
    return typeof v === 'object' ? v : undefined
  }

  /** The message with this id, pending or finished, for query_sm. */
  lookup (id: number): MessageRecord | undefined {
    const v = this.entry(id)
    if (v === undefined || typeof v === 'object') return v
    const i = v & this.ringMask
    const meta = this.finMeta[i]
    return { systemId: this.accounts[this.finAccount[i]], source: this.finSource[i], final: true, stat: meta & 7, err: meta >>> 3, doneAt: this.finDone[i] }
  }

  private entry (id: number): SimMessage | number | undefined {
    const v = this.slots[id & this.mask]
    if (v !== undefined && this.idOf(v) === id) return v
    if (this.overflow.size === 0) return undefined
    return this.overflow.get(id)
  }

  private idOf (v: SimMessage | number): number {
    return typeof v === 'object' ? v.id : this.finId[v & this.ringMask]
  }

  /** Puts `v` (a message or a record's sequence number) in the slot of `id`, or the overflow map. */
  private place (id: number, v: SimMessage | number): void {
    const i = id & this.mask
    if (this.slots[i] === undefined) this.slots[i] = v
    else this.overflow.set(id, v)
  }

  /** Replaces (v !== undefined) or removes the entry of `id` that currently holds `old`. */
  private swap (id: number, old: SimMessage | number, v: SimMessage | number | undefined): void {
    const i = id & this.mask
    if (this.slots[i] === old) this.slots[i] = v
    else if (v === undefined) this.overflow.delete(id)
    else this.overflow.set(id, v)
  }

  private grow (): void {
    const old = this.slots
    this.slots = new Array<SimMessage | number | undefined>(old.length * 2).fill(undefined)
    this.mask = this.slots.length - 1
    const moved = [...this.overflow]
    this.overflow.clear()
    for (const v of old) if (v !== undefined) this.place(this.idOf(v), v)
    for (const [id, v] of moved) this.place(id, v)
  }

  /**
   * Marks a message final: its entry becomes a compact record (or goes at once when retain_ms is 0).
   * The SimMessage itself is not referenced by the table any more.
   */
  finish (m: SimMessage, now: number): void {
    m.phase = PHASE_DONE
    m.doneAt = now
    if (this.retainMs === 0) {
      this.swap(m.id, m, undefined)
      this.count--
      return
    }
    if (this.finCount > this.ringMask) this.growRing()
    const seq = (this.finHead + this.finCount) & SEQ_MASK
    const i = seq & this.ringMask
    this.finId[i] = m.id
    this.finDone[i] = now
    this.finMeta[i] = (m.stat & 7) | ((m.err & 0xffff) << 3)
    this.finAccount[i] = this.account(m.systemId)
    this.finSource[i] = m.source
    this.finCount++
    this.swap(m.id, m, seq)
  }

  private account (systemId: string): number {
    let a = this.accountIndex.get(systemId)
    if (a === undefined) {
      a = this.accounts.length
      this.accounts.push(systemId)
      this.accountIndex.set(systemId, a)
    }
    return a
  }

  private growRing (): void {
    const cap = Math.max(FIRST_RING, (this.ringMask + 1) * 2)
    const mask = cap - 1
    const id = new Float64Array(cap)
    const done = new Float64Array(cap)
    const meta = new Int32Array(cap)
    const account = new Uint16Array(cap)
    const source = new Array<string>(cap).fill('')
    for (let k = 0; k < this.finCount; k++) {
      const seq = (this.finHead + k) & SEQ_MASK
      const a = seq & this.ringMask
      const b = seq & mask
      id[b] = this.finId[a]
      done[b] = this.finDone[a]
      meta[b] = this.finMeta[a]
      account[b] = this.finAccount[a]
      source[b] = this.finSource[a]
    }
    this.finId = id
    this.finDone = done
    this.finMeta = meta
    this.finAccount = account
    this.finSource = source
    this.ringMask = mask
  }

  /** Evicts finished messages older than retainMs, and the oldest beyond maxMessages. */
  evict (now: number): number {
    let n = 0
    const cutoff = now - this.retainMs
    while (this.finCount > 0) {
      const seq = this.finHead
      const i = seq & this.ringMask
      if (this.finDone[i] > cutoff && this.count <= this.maxMessages) break
      this.swap(this.finId[i], seq, undefined)
      this.finSource[i] = ''
      this.finHead = (seq + 1) & SEQ_MASK
      this.finCount--
      this.count--
      n++
    }
    return n
  }

  /** Pending messages from `source` to `dest` (cancel_sm without a message_id): a scan, but a rare one. */
  findPending (source: string, dest: string): SimMessage[] {
    const out: SimMessage[] = []
    for (const m of [...this.slots, ...this.overflow.values()]) {
      if (typeof m === 'object' && m.phase !== PHASE_DONE && m.source === source && (dest === '' || m.dest === dest)) out.push(m)
    }
    return out
  }

  clear (): void {
    this.slots.fill(undefined)
    this.overflow.clear()
    this.count = 0
    this.finHead = 0
    this.finCount = 0
    this.ringMask = -1
    this.finId = new Float64Array(0)
    this.finDone = new Float64Array(0)
    this.finMeta = new Int32Array(0)
    this.finAccount = new Uint16Array(0)
    this.finSource = []
  }
}
