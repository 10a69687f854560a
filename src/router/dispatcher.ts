// Hands stored parts to carrier pools, in order, with failover and retries. A part is marked
// in the store as handed over (`dispatch`) before its submit_sm is written, so after a crash
// the router knows which parts a carrier may already have (never sent twice) and which it
// surely doesn't (sent again). Queues are per carrier; a full pool pushes back with 'drain'.

import type { Logger } from '../log.js'
import { counter, gauge, type Registry } from '../metrics.js'
import { FailureClass, nextRetryAt, type RetryPolicy } from '../carriers/retry.js'
import type { CarrierPool, OutboundPart, SubmitOutcome } from '../carriers/index.js'
import type { RoutingTable, SenderKind, SmsType } from '../routing/index.js'
import { statusName } from '../smpp/pdu/status.js'
import { relativeTimeFromSeconds } from '../smpp/time.js'
import type { FinalState, MessageStore, PartRef } from '../store/types.js'
import { Fifo } from '../util/fifo.js'

/** What the dispatcher needs of a message; built from an AcceptJob or a stored record. */
export class OutMessage {
  /** Parts not yet settled (accepted by a carrier, or finished). */
  remaining: number
  cancelled = false
  plan: string[] | null = null
  /** Parts whose hand-off to a carrier has begun: replace_sm is refused from the first one. */
  handedOver = 0
  /** Counted in the engine's queue limits (messages from accept, not reloaded retries). */
  counted = false

  constructor (
    readonly account: string,
    readonly id: string,
    readonly type: SmsType,
    readonly sender: string,
    readonly senderKind: SenderKind,
    readonly destination: string,
    readonly country: string,
    readonly dataCoding: number,
    readonly esmClass: number,
    readonly protocolId: number,
    readonly priorityFlag: number,
    readonly bodies: readonly Uint8Array[],
    readonly concatRef: number,
    /** 'udh16' when the bodies were cut to fit a 16-bit header, else 'udh8' (fits udh8 and SAR). */
    readonly cutFor: 'udh16' | 'udh8',
    readonly validUntil: number
  ) {
    this.remaining = bodies.length
  }
}

/** One part on its way through the dispatcher. */
class OutPart {
  carrier = ''
  constructor (readonly msg: OutMessage, readonly part: number, public attempt: number, public planIndex: number) {}
  get ref (): PartRef { return { account: this.msg.account, id: this.msg.id, part: this.part } }
}

export interface DispatcherEvents {
  /** The router ended the last open part of a message itself (permanent error, expiry, retries exhausted). */
  messageDone: (ref: PartRef) => void
  /** A carrier accepted a part (submit_sm_resp OK); the commit recording its id is being written. */
  partAccepted: (carrier: string, carrierMessageId: string, ref: PartRef) => void
  /** That commit ended (written, or failed): the id now correlates receipts. */
  partSubmitted: (carrier: string, carrierMessageId: string, committed: boolean) => void
  /** A message has no part left in memory (handed over or finished). */
  messageSettled: (msg: OutMessage) => void
}

interface CarrierQueue {
  pool: CarrierPool
  queue: Fifo<OutPart>
  /** Parts being marked in the store before their submit is written. */
  marking: number
}

export class Dispatcher {
  private readonly carriers = new Map<string, CarrierQueue>()
  private stopping = false
  /** Parts whose every carrier is down: retried when one comes up. */
  private parked: OutPart[] = []
  private readonly onOutcome = (o: SubmitOutcome, p: OutPart): void => this.outcome(o, p)
  private readonly metrics

  constructor (
    pools: ReadonlyMap<string, CarrierPool>,
    private routes: RoutingTable,
    private policy: RetryPolicy,
    private readonly store: MessageStore,
    private readonly events: DispatcherEvents,
    private readonly log: Logger,
    registry: Registry
  ) {
    for (const [name, pool] of pools) this.addPool(name, pool)
    this.metrics = {
      queued: gauge(registry, 'instrada_dispatch_queue_depth', 'Parts waiting for a carrier, per carrier', ['carrier']),
      retries: counter(registry, 'instrada_retries_total', 'Parts scheduled again, by carrier and failure class', ['carrier', 'class']),
      failovers: counter(registry, 'instrada_failovers_total', 'Parts moved to the next carrier of their plan', ['from']),
      finished: counter(registry, 'instrada_router_finished_parts_total', 'Parts ended by the router itself, by state', ['state'])
    }
  }

  addPool (name: string, pool: CarrierPool): void {
    const q: CarrierQueue = { pool, queue: new Fifo(), marking: 0 }
    this.carriers.set(name, q)
    pool.on('drain', () => this.pump(q))
    pool.on('up', () => { this.unpark(); this.pump(q) })
    pool.on('down', () => this.evacuate(q))
  }

  /**
   * Takes a carrier out (removed or reconfigured by a reload): its queued parts move to the
   * next carrier of their plans; parts already written to it still get their outcome from the
   * pool, which the caller closes gracefully.
   */
  removePool (name: string): void {
    const q = this.carriers.get(name)
    if (q === undefined) return
    this.carriers.delete(name)
    q.pool.removeAllListeners('drain').removeAllListeners('up').removeAllListeners('down')
    this.evacuate(q)
  }

  reload (routes: RoutingTable, policy: RetryPolicy): void {
    this.routes = routes
    this.policy = policy
  }

  get depth (): number {
    let n = this.parked.length
    for (const q of this.carriers.values()) n += q.queue.length + q.marking
    return n
  }

  /** Queues the given parts (all when omitted) of a message. */
  enqueue (msg: OutMessage, parts: readonly number[] | null = null, attempt = 1): void {
    if (parts === null) for (let i = 0; i < msg.bodies.length; i++) this.assign(new OutPart(msg, i, attempt, 0))
    else for (const i of parts) this.assign(new OutPart(msg, i, attempt, 0))
  }

  /** Chooses the carrier for a part: the first in its plan (from planIndex) whose pool is up. */
  private assign (p: OutPart): void {
    const msg = p.msg
    msg.plan ??= this.routes.plan({ account: msg.account, type: msg.type, destination: msg.destination, country: msg.country, senderKind: msg.senderKind })
    const plan = msg.plan
    if (plan.length === 0) { this.finish(p, 'failed', 'no route'); return }
    for (let k = p.planIndex; k < plan.length; k++) {
      const q = this.carriers.get(plan[k])
      if (q !== undefined && q.pool.up) {
        p.planIndex = k
        p.carrier = plan[k]
        q.queue.push(p)
        this.pump(q)
        return
      }
    }
    this.parked.push(p)
  }

  private unpark (): void {
    if (this.parked.length === 0) return
    const parked = this.parked
    this.parked = []
    for (const p of parked) { p.planIndex = 0; p.msg.plan = null; this.assign(p) }
  }

  /** A carrier went down: its queued parts move to the next carrier of their plans. */
  private evacuate (q: CarrierQueue): void {
    const moved: OutPart[] = []
    while (q.queue.length > 0) moved.push(q.queue.shift()!)
    // Planned again: a reload may have changed the routes since the message was planned.
    for (const p of moved) { p.planIndex = 0; p.msg.plan = null; this.assign(p) }
  }

  /**
   * Before the pools close: no part is marked as handed over from now on, and the ones being
   * marked are sent (their pools still open), so none is left marked but never sent — which a
   * restart would have to count as in flight and fail.
   */
  async stop (): Promise<void> {
    this.stopping = true
    const marking = (): number => { let n = 0; for (const q of this.carriers.values()) n += q.marking; return n }
    while (marking() > 0) await new Promise((resolve) => setTimeout(resolve, 2))
  }

  private pump (q: CarrierQueue): void {
    if (this.stopping) return
    const now = Date.now()
    // Only as many parts are marked as the pool can send now (window slots, TPS tokens): a part
    // marked as handed over but still waiting would be failed as in flight after a crash.
    let room = Math.min(1000 - q.marking, q.pool.capacity() - q.marking)
    while (q.queue.length > 0 && room > 0) {
      const p = q.queue.shift()!
      if (p.msg.cancelled) { this.settle(p.msg); continue }
      if (p.msg.validUntil <= now) { this.finish(p, 'expired', 'validity period ended before hand-off'); continue }
      q.marking++
      room--
      p.msg.handedOver++
      this.store.dispatch(p.ref, p.carrier).then((sendable) => {
        q.marking--
        // Cancelled (or otherwise ended) in the store since it was queued: the store said so
        // in the same transaction order as the cancel's answer, so it must not go out.
        if (sendable) this.send(q, p)
        else this.settle(p.msg)
        // The marking cap may have stopped the pump: nothing else restarts it when the pool
        // itself never filled (no 'drain' will come).
        if (q.queue.length > 0) this.pump(q)
      }, (err: unknown) => {
        q.marking--
        this.log.error({ err, id: p.msg.id }, 'could not mark part as dispatched')
        this.retryLater(p, FailureClass.Temporary, 'store error')
      })
    }
    this.metrics.queued.set({ carrier: q.pool.name }, q.queue.length)
  }

  private send (q: CarrierQueue, p: OutPart): void {
    const msg = p.msg
    const now = Date.now()
    const out: OutboundPart = {
      messageId: msg.id,
      part: p.part,
      total: msg.bodies.length,
      ref: msg.concatRef,
      sender: msg.sender,
      senderKind: msg.senderKind,
      destination: msg.destination,
      dataCoding: msg.dataCoding,
      esmClass: msg.esmClass,
      body: msg.bodies[p.part],
      validityPeriod: relativeTimeFromSeconds(Math.max(1, Math.min(99 * 86400, Math.floor((msg.validUntil - now) / 1000)))),
      priorityFlag: msg.priorityFlag,
      protocolId: msg.protocolId
    }
    // Bodies cut for an 8-bit header leave no room for a 16-bit one.
    if (msg.cutFor === 'udh8' && q.pool.config.submit.concat === 'udh16') out.concat = 'udh8'
    if (!q.pool.dispatch(out, this.onOutcome, p)) {
      // Full or down since the check: the part is already marked, so it keeps its place.
      if (q.pool.up) q.queue.unshift(p)
      else { p.planIndex = 0; this.assign(p) }
    }
  }

  private outcome (o: SubmitOutcome, p: OutPart): void {
    if (o.ok) {
      this.events.partAccepted(p.carrier, o.carrierMessageId, p.ref)
      this.store.commit(p.ref, p.carrier, o.carrierMessageId).then(() => {
        this.events.partSubmitted(p.carrier, o.carrierMessageId, true)
      }, (err: unknown) => {
        this.log.error({ err, id: p.msg.id }, 'could not record carrier acceptance')
        this.events.partSubmitted(p.carrier, o.carrierMessageId, false)
      })
      this.settle(p.msg)
      return
    }
    if (o.failure === FailureClass.Permanent) {
      this.finish(p, 'rejected', `${p.carrier}: ${o.status === null ? o.error : statusName(o.status)}`)
      return
    }
    const plan = p.msg.plan ?? []
    // Failover: a retriable error or a lost connection moves the part to the next carrier now;
    // throttling stays with the carrier, which has slowed itself down.
    if (o.failure !== FailureClass.Throttled && p.planIndex + 1 < plan.length) {
      this.metrics.failovers.inc({ from: p.carrier })
      p.planIndex++
      p.attempt++
      this.assign(p)
      return
    }
    this.retryLater(p, o.failure, o.error)
  }

  private retryLater (p: OutPart, failure: FailureClass, error: string): void {
    const now = Date.now()
    const at = nextRetryAt(this.policy, failure, p.attempt, now, p.msg.validUntil)
    if (at === null) {
      const expired = p.msg.validUntil <= now + this.policy.baseDelayMs
      this.finish(p, expired ? 'expired' : 'failed', `${p.carrier}: ${error} (attempt ${p.attempt})`)
      return
    }
    this.metrics.retries.inc({ carrier: p.carrier || 'none', class: failure })
    // The retry lives in the store's due index: durable, and picked up by the due poller.
    this.store.retry(p.ref, at, error).catch((err: unknown) => this.log.error({ err, id: p.msg.id }, 'could not schedule retry'))
    this.settle(p.msg)
  }

  private finish (p: OutPart, state: FinalState, error: string): void {
    this.metrics.finished.inc({ state })
    const ref = p.ref
    this.store.finish(ref, state, error).then((r) => { if (r.messageDone) this.events.messageDone(ref) }, (err: unknown) => {
      this.log.error({ err, id: p.msg.id }, 'could not finish part')
    })
    this.settle(p.msg)
  }

  private settle (msg: OutMessage): void {
    if (--msg.remaining === 0) this.events.messageSettled(msg)
  }
}

