// The request window: outstanding requests by sequence number, each with a deadline. It knows
// nothing of sockets or clocks; the session offers, completes and calls expire(now) from its
// coarse timer. Every request on a session shares one timeout, so insertion order is deadline
// order: expire() looks at the oldest entries only and stops at the first one still in time.
//
// Layout (the hot path, one offer and one complete per message): a slot array indexed by
// `seq & mask`, sized at 4× the capacity, so sequential numbers never collide unless a request is
// thousands of numbers old; such a collision goes to an overflow Map. A doubly linked list keeps
// insertion order. Entries are recycled: no allocation per request.

import { CommandId, RESPONSE_BIT, type ResponsePdu } from './pdu/types.js'
import { ResponseTimeoutError } from '../errors.js'

/**
 * Called exactly once per request: with the response (any command_status), or with an error
 * (ResponseTimeoutError, SessionClosedError, ...). `token` is whatever the caller offered, so a
 * caller can pass one shared function and its own message object: no closure per request.
 */
export type RequestCallback<T = any> = (err: Error | null, resp: ResponsePdu | null, token: T) => void

/** A response matching nothing outstanding: `late` when its request had already timed out. */
export type UnmatchedCallback = (resp: ResponsePdu, late: boolean) => void

class Entry {
  prev: Entry | null = null
  next: Entry | null = null
  seq = 0
  commandId = 0
  deadline = 0
  sentAt = 0
  cb: RequestCallback | null = null
  token: unknown = null
}

const GENERIC_NACK = CommandId.GenericNack
/** How many timed-out sequence numbers are remembered to tell "late" from "unknown". */
const LATE_MEMORY = 1024

export class RequestWindow {
  readonly capacity: number
  /** Responses that arrived after their request timed out. */
  lateResponses = 0
  /** Responses whose sequence number was never outstanding (or of the wrong type). */
  unknownResponses = 0
  private count = 0
  private head: Entry | null = null
  private tail: Entry | null = null
  private readonly slots: Array<Entry | null>
  private readonly mask: number
  private readonly overflow = new Map<number, Entry>()
  private readonly free: Entry[] = []
  private readonly expiredSeqs = new Map<number, true>()
  private readonly onUnmatched: UnmatchedCallback | null

  constructor (capacity: number, onUnmatched: UnmatchedCallback | null = null) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('window capacity must be a positive integer')
    this.capacity = capacity
    this.onUnmatched = onUnmatched
    let n = 16
    while (n < capacity * 4) n *= 2
    this.slots = new Array<Entry | null>(n).fill(null)
    this.mask = n - 1
  }

  get size (): number { return this.count }
  get available (): number { return this.capacity - this.count }
  has (seq: number): boolean { return this.find(seq) !== null }

  /** Registers a request; false when the window is full (nothing is registered then). */
  offer<T> (seq: number, commandId: number, now: number, timeoutMs: number, cb: RequestCallback<T>, token: T): boolean {
    if (this.count >= this.capacity) return false
    const e = this.free.pop() ?? new Entry()
    e.seq = seq
    e.commandId = commandId
    e.sentAt = now
    e.deadline = now + timeoutMs
    e.cb = cb
    e.token = token
    const i = seq & this.mask
    if (this.slots[i] === null) this.slots[i] = e
    else this.overflow.set(seq, e)
    e.prev = this.tail
    e.next = null
    if (this.tail === null) this.head = e
    else this.tail.next = e
    this.tail = e
    this.count++
    return true
  }

  /** When the request `seq` was offered (for latency measurements), or -1. */
  sentAt (seq: number): number {
    return this.find(seq)?.sentAt ?? -1
  }

  /**
   * Hands `resp` to the request with its sequence number. A generic_nack matches any request; any
   * other response must be the one for the request's command. Returns false (and counts it) when
   * nothing matches: never throws.
   */
  complete (resp: ResponsePdu): boolean {
    const seq = resp.sequenceNumber
    const e = this.find(seq)
    if (e === null || (resp.commandId !== GENERIC_NACK && resp.commandId !== ((e.commandId | RESPONSE_BIT) >>> 0))) {
      const late = e === null && this.expiredSeqs.delete(seq)
      if (late) this.lateResponses++
      else this.unknownResponses++
      if (this.onUnmatched !== null) this.onUnmatched(resp, late)
      return false
    }
    this.remove(e)
    const cb = e.cb as RequestCallback
    const token = e.token
    this.recycle(e)
    cb(null, resp, token)
    return true
  }

  /** Fails every request whose deadline has passed with a ResponseTimeoutError; returns how many. */
  expire (now: number): number {
    let n = 0
    for (let e = this.head; e !== null && e.deadline <= now; e = this.head) {
      this.remove(e)
      this.rememberExpired(e.seq)
      const cb = e.cb as RequestCallback
      const token = e.token
      const err = new ResponseTimeoutError(`no response to sequence ${e.seq} (command 0x${e.commandId.toString(16)}) within ${e.deadline - e.sentAt} ms`)
      this.recycle(e)
      cb(err, null, token)
      n++
    }
    return n
  }

  /** The earliest deadline outstanding, or Infinity. */
  get nextDeadline (): number {
    return this.head === null ? Infinity : this.head.deadline
  }

  /** Fails everything outstanding with `err` (one shared error object); returns how many. */
  failAll (err: Error): number {
    const entries: Entry[] = []
    for (let e = this.head; e !== null; e = this.head) {
      this.remove(e)
      entries.push(e)
    }
    for (const e of entries) {
      const cb = e.cb as RequestCallback
      const token = e.token
      this.recycle(e)
      cb(err, null, token)
    }
    return entries.length
  }

  private find (seq: number): Entry | null {
    const e = this.slots[seq & this.mask]
    if (e !== null && e.seq === seq) return e
    if (this.overflow.size === 0) return null
    return this.overflow.get(seq) ?? null
  }

  private remove (e: Entry): void {
    const i = e.seq & this.mask
    if (this.slots[i] === e) this.slots[i] = null
    else this.overflow.delete(e.seq)
    if (e.prev === null) this.head = e.next
    else e.prev.next = e.next
    if (e.next === null) this.tail = e.prev
    else e.next.prev = e.prev
    e.prev = e.next = null
    this.count--
  }

  private recycle (e: Entry): void {
    e.cb = null
    e.token = null
    if (this.free.length < this.capacity) this.free.push(e)
  }

  private rememberExpired (seq: number): void {
    this.expiredSeqs.set(seq, true)
    if (this.expiredSeqs.size > LATE_MEMORY) {
      for (const k of this.expiredSeqs.keys()) { this.expiredSeqs.delete(k); break }
    }
  }
}
