// Getting deliver_sm (receipts and MO) to the right bind: round robin over the submitting
// system_id's receiver and transceiver binds that can take more, else a bounded FIFO per system_id
// that drains when a receiver binds or a bind's window frees up. Queued PDUs older than the
// profile's queue_ttl_ms are dropped (and counted), like a carrier giving up on an absent ESME.

import type { DeliverSm, RequestPdu } from '../smpp/index.js'

/** What the engine needs from one bound SMPP session (src/sim/smpp.ts adapts SmppSession to it). */
export interface SimLink {
  readonly systemId: string
  /** Bound as receiver or transceiver. */
  readonly receives: boolean
  /** Peer address, for the control view. */
  readonly peer: string
  /** False while the session's window or socket buffer is full. */
  canSend: () => boolean
  /** Sends a deliver_sm request; its response is counted by the adapter. */
  deliver: (pdu: DeliverSm) => void
  /** Answers a request; `body` holds the response fields (messageId, …) or null for none. */
  respond: (req: RequestPdu, status: number, body: Record<string, unknown> | null) => void
  /** Drops the TCP connection without an unbind (the misbehaving-carrier fault). */
  drop: () => void
}

/** Per-bind state and counters kept by the engine. */
export class LinkState {
  readonly link: SimLink
  readonly id: number
  readonly boundAt: number
  submits = 0
  accepted = 0
  rejected = 0
  unanswered = 0
  receipts = 0
  mo = 0
  deliverErrors = 0
  /** Token bucket for tps_scope: bind. */
  tokens = 0
  tokensAt = 0
  closed = false

  constructor (link: SimLink, id: number, now: number) {
    this.link = link
    this.id = id
    this.boundAt = now
  }
}

class Outbox {
  readonly links: LinkState[] = []
  rr = 0
  /** FIFO of queued PDUs with their enqueue time; head index avoids shifting. */
  queue: DeliverSm[] = []
  times: number[] = []
  head = 0

  get queued (): number { return this.queue.length - this.head }

  push (pdu: DeliverSm, now: number): void {
    this.queue.push(pdu)
    this.times.push(now)
  }

  shift (): DeliverSm {
    const pdu = this.queue[this.head]
    this.queue[this.head] = undefined as unknown as DeliverSm
    this.head++
    if (this.head > 1024 && this.head * 2 > this.queue.length) this.compact()
    return pdu
  }

  compact (): void {
    this.queue = this.queue.slice(this.head)
    this.times = this.times.slice(this.head)
    this.head = 0
  }
}

export interface DeliveryStats {
  sent: number
  queued: number
  expired: number
  overflowed: number
  /** Refused or unanswered deliver_sm queued again. */
  redelivered: number
  /** Given up after MAX_REDELIVERIES. */
  abandoned: number
}

/** Times a refused or unanswered deliver_sm is queued again before it is given up. */
const MAX_REDELIVERIES = 10

export class Delivery {
  private readonly boxes = new Map<string, Outbox>()
  queueLimit: number
  queueTtlMs: number
  private totalQueued = 0
  readonly stats: DeliveryStats = { sent: 0, queued: 0, expired: 0, overflowed: 0, redelivered: 0, abandoned: 0 }
  /** Redelivery attempts per PDU; entries vanish with the PDU. */
  private readonly attempts = new WeakMap<DeliverSm, number>()

  constructor (queueLimit: number, queueTtlMs: number) {
    this.queueLimit = queueLimit
    this.queueTtlMs = queueTtlMs
  }

  private box (systemId: string): Outbox {
    let b = this.boxes.get(systemId)
    if (b === undefined) {
      b = new Outbox()
      this.boxes.set(systemId, b)
    }
    return b
  }

  attach (ls: LinkState, now: number): void {
    if (!ls.link.receives) return
    const b = this.box(ls.link.systemId)
    b.links.push(ls)
    this.flush(ls.link.systemId, now)
  }

  detach (ls: LinkState): void {
    const b = this.boxes.get(ls.link.systemId)
    if (b === undefined) return
    const i = b.links.indexOf(ls)
    if (i >= 0) b.links.splice(i, 1)
  }

  /** Receiver binds of a system_id (for MO fan-out and the control view). */
  receivers (systemId: string): readonly LinkState[] {
    return this.boxes.get(systemId)?.links ?? []
  }

  systemIds (): string[] {
    return [...this.boxes.keys()]
  }

  /** Sends now when a bind can take it, else queues (bounded). Returns false when it was dropped. */
  send (systemId: string, pdu: DeliverSm, now: number, isReceipt: boolean): boolean {
    const b = this.box(systemId)
    if (b.queued === 0) {
      const ls = this.pick(b)
      if (ls !== null) {
        this.out(ls, pdu, isReceipt)
        return true
      }
    }
    if (this.totalQueued >= this.queueLimit) {
      this.stats.overflowed++
      return false
    }
    b.push(pdu, now)
    this.totalQueued++
    this.stats.queued++
    return true
  }

  /**
   * A deliver_sm the ESME refused or never answered (its bind dropped): queued again, as an
   * SMSC does, and retried on the next flush; given up after MAX_REDELIVERIES.
   */
  redeliver (systemId: string, pdu: DeliverSm, now: number): void {
    const n = (this.attempts.get(pdu) ?? 0) + 1
    if (n > MAX_REDELIVERIES) { this.stats.abandoned++; this.attempts.delete(pdu); return }
    this.attempts.set(pdu, n)
    this.stats.redelivered++
    if (this.totalQueued >= this.queueLimit) { this.stats.overflowed++; return }
    this.box(systemId).push(pdu, now)
    this.totalQueued++
  }

  /** Sends queued PDUs of a system_id while its binds can take them (on bind and on drain). */
  flush (systemId: string, now: number): void {
    const b = this.boxes.get(systemId)
    if (b === undefined) return
    this.expire(b, now)
    while (b.queued > 0) {
      const ls = this.pick(b)
      if (ls === null) return
      const pdu = b.shift()
      this.totalQueued--
      this.out(ls, pdu, pdu.esmClass === 0x04 || pdu.esmClass === 0x20)
    }
  }

  /** Periodic: flushes every queue that has a bind and drops queued PDUs past their TTL. */
  tick (now: number): void {
    if (this.totalQueued === 0) return
    for (const [systemId, b] of this.boxes) {
      if (b.queued > 0) this.flush(systemId, now)
    }
  }

  get queued (): number { return this.totalQueued }

  clear (): void {
    for (const b of this.boxes.values()) {
      b.queue = []
      b.times = []
      b.head = 0
    }
    this.totalQueued = 0
  }

  private expire (b: Outbox, now: number): void {
    const cutoff = now - this.queueTtlMs
    while (b.queued > 0 && b.times[b.head] <= cutoff) {
      b.shift()
      this.totalQueued--
      this.stats.expired++
    }
  }

  private pick (b: Outbox): LinkState | null {
    const n = b.links.length
    for (let k = 0; k < n; k++) {
      const i = b.rr++ % n
      const ls = b.links[i]
      if (!ls.closed && ls.link.canSend()) return ls
    }
    return null
  }

  private out (ls: LinkState, pdu: DeliverSm, isReceipt: boolean): void {
    if (isReceipt) ls.receipts++
    else ls.mo++
    this.stats.sent++
    ls.link.deliver(pdu)
  }
}
