// Correlates carrier receipts to our parts through the store's carrier-id index and records
// final outcomes. One per engine thread.
//
// Early receipts (the carrier's receipt overtakes its own submit_sm_resp, or the submit was
// committed on another thread) are held: released at once by submitted(), and looked up again
// every retryMs by one shared timer, for at most holdMs, at most maxHeld at a time (the oldest is
// dropped first). Held receipts resolve later through the 'late' event. One still held after
// ackAfterMs is reported through 'overdue', for the engine to answer the carrier's deliver_sm:
// a real race resolves well within it, while receipts for ids that were never ours (a carrier
// replaying old receipts) would otherwise hold the carrier's window shut for holdMs.
//
// A receipt for an id whose submit_sm_resp arrived but whose commit is not recorded yet (the
// common case with a fast carrier: its receipt comes before our batched commit is durable) waits
// for that commit and then applies to the part the engine named in accepted(), without a lookup:
// the index may still map that id to an older, finished part, because carriers reuse ids (a
// simulator or SMSC restarting its counter, a counter wrapping).
//
// Exactly one customer receipt per message: a result carries the message only to the call whose
// finish() completed it, which the store decides inside its write transaction (so across threads
// too). Receipts for one message are still applied one after the other on this thread.

import { EventEmitter } from 'node:events'
import type { Counter, Gauge, Registry } from 'prom-client'
import { ClosedError } from '../errors.js'
import type { Logger } from '../log.js'
import { silentLogger } from '../log.js'
import { counter, gauge } from '../metrics.js'
import { canonicalCarrierId, type MessageRecord, type MessageStore, type PartRef } from '../store/index.js'
import type { CarrierReceipt } from './carrier-receipt.js'
import { DEFAULT_RECEIPTS } from './config.js'
import { isFinalState, partError } from './states.js'

export type CorrelationResult =
  /** done: this receipt completed the whole message; message: its record then, when a customer receipt is owed (else not read). */
  | { kind: 'final', ref: PartRef, done: boolean, message: MessageRecord | null, receivedAt?: number }
  | { kind: 'intermediate', ref: PartRef }
  | { kind: 'duplicate', ref: PartRef } // the part was already final: nothing changes
  | { kind: 'held' } // no part known yet for this id: held for a while
  | { kind: 'orphan' } // held too long, or never ours: counted and logged

/**
 * How a carrier writes its message ids: in submit_sm_resp and in receipts (Kannel's msg-id-type).
 * Needed only for a carrier that mixes the two: an id made of digits alone reads as either, so
 * without this the store's exact lookup does not find the part (see docs/receipts.md).
 */
export interface CarrierIdTypes {
  submitResp: 'hex' | 'decimal'
  receipt: 'hex' | 'decimal'
}

export interface DlrCorrelatorOptions {
  /** How long an early receipt waits for its part (ms). 0 = never hold. Default 10000. */
  holdMs?: number
  /** Most early receipts held at once. Default 10000. */
  maxHeld?: number
  /** How often held receipts look their id up again (ms). Default 250. */
  retryMs?: number
  /** A receipt still held after this long is reported 'overdue' (its deliver_sm is answered); it stays held until holdMs. Default 2000. */
  ackAfterMs?: number
  /** Per-carrier id forms, looked up per receipt (so a config reload applies at once); null = as sent. */
  idTypes?: ((carrierId: string) => CarrierIdTypes | null) | null
  logger?: Logger
  registry?: Registry | null
}

export type LateListener = (result: CorrelationResult, carrierId: string, receipt: CarrierReceipt) => void
export type OverdueListener = (carrierId: string, receipt: CarrierReceipt) => void

/** A part whose carrier acceptance is being written; receipts for its id wait for the write. */
class Committing {
  readonly ref: PartRef
  private waiters: Array<(committed: boolean) => void> | null = null
  private outcome: boolean | null = null

  constructor (ref: PartRef) { this.ref = ref }

  /** Resolves true once the commit is recorded, false when it failed. */
  wait (): Promise<boolean> {
    if (this.outcome !== null) return Promise.resolve(this.outcome)
    return new Promise((resolve) => { (this.waiters ??= []).push(resolve) })
  }

  settle (committed: boolean): void {
    this.outcome = committed
    const w = this.waiters
    this.waiters = null
    if (w !== null) for (const resolve of w) resolve(committed)
  }
}

const HELD: CorrelationResult = Object.freeze({ kind: 'held' })
const ORPHAN: CorrelationResult = Object.freeze({ kind: 'orphan' })
const RESULTS = ['final', 'intermediate', 'duplicate', 'held', 'orphan'] as const

class Held {
  readonly carrierId: string
  readonly receipt: CarrierReceipt
  /** The id looked up: the receipt's, rewritten to the submit_sm_resp form when the carrier mixes forms. */
  readonly lookupId: string
  readonly at: number
  readonly keys: string[]
  lastTry: number
  busy = false
  again = false
  done = false
  overdue = false

  constructor (carrierId: string, receipt: CarrierReceipt, lookupId: string, at: number, keys: string[]) {
    this.carrierId = carrierId
    this.receipt = receipt
    this.lookupId = lookupId
    this.at = at
    this.keys = keys
    this.lastTry = at
  }
}

export interface DlrCorrelator {
  on: ((event: 'late', listener: LateListener) => this) & ((event: string | symbol, listener: (...args: any[]) => void) => this)
}

export class DlrCorrelator extends EventEmitter {
  readonly holdMs: number
  readonly maxHeld: number
  readonly retryMs: number
  readonly ackAfterMs: number
  closed = false
  private readonly store: MessageStore
  private readonly logger: Logger
  private readonly idTypes: ((carrierId: string) => CarrierIdTypes | null) | null
  private readonly byResult: Record<CorrelationResult['kind'], Counter.Internal | null>
  private readonly byStat: Counter<'stat'> | null
  private readonly heldGauge: Gauge | null
  /** Held receipts in arrival order (holdMs is the same for all, so the oldest expire first). */
  private held: Held[] = []
  private head = 0
  /** Next held receipt (in arrival order) not yet reported overdue. */
  private overdueHead = 0
  private heldCount = 0
  /** carrierId \0 canonical id → the part accepted by the carrier under it, its commit still being written. */
  private readonly committing = new Map<string, Committing>()
  /** carrierId \0 canonical id (after idTypes conversion) → held receipts. */
  private readonly index = new Map<string, Held[]>()
  /** account \0 id → tail of the receipts being applied to that message. */
  private readonly chains = new Map<string, Promise<void>>()
  private timer: NodeJS.Timeout | null = null
  private pending = 0
  private idle: (() => void) | null = null
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor (store: MessageStore, opts: DlrCorrelatorOptions = {}) {
    super()
    this.store = store
    this.holdMs = opts.holdMs ?? DEFAULT_RECEIPTS.holdMs
    this.maxHeld = opts.maxHeld ?? DEFAULT_RECEIPTS.maxHeld
    this.retryMs = opts.retryMs ?? DEFAULT_RECEIPTS.retryMs
    this.ackAfterMs = opts.ackAfterMs ?? 2000
    if (!(this.holdMs >= 0) || !(this.maxHeld >= 0) || !(this.retryMs > 0) || !(this.ackAfterMs >= 0)) {
      throw new RangeError('holdMs, maxHeld and ackAfterMs must be >= 0 and retryMs > 0')
    }
    this.logger = opts.logger ?? silentLogger
    this.idTypes = opts.idTypes ?? null
    const reg = opts.registry ?? null
    const results = reg !== null ? counter(reg, 'instrada_receipts_correlated_total', 'Carrier receipts by correlation result', ['result']) : null
    this.byResult = { final: null, intermediate: null, duplicate: null, held: null, orphan: null }
    if (results !== null) for (const r of RESULTS) this.byResult[r] = results.labels(r)
    this.byStat = reg !== null ? counter(reg, 'instrada_receipts_carrier_total', 'Carrier receipts received, by stat', ['stat']) : null
    this.heldGauge = reg !== null ? gauge(reg, 'instrada_receipts_held', 'Early carrier receipts waiting for their part') : null
  }

  /** Number of early receipts waiting now. */
  get heldNow (): number { return this.heldCount }

  /** Starts the shared re-lookup/expiry timer. Idempotent. */
  start (): Promise<void> {
    this.starting ??= this.doStart()
    return this.starting
  }

  private async doStart (): Promise<void> {
    if (this.closing !== null) throw new ClosedError('receipt correlator')
    const period = Math.max(10, Math.min(this.retryMs, this.holdMs > 0 ? this.holdMs : this.retryMs))
    this.timer = setInterval(() => { this.tick(Date.now()) }, period)
    this.timer.unref()
  }

  /** Stops the timer and waits for receipts being applied; receipts still held are dropped (logged). Idempotent. */
  close (): Promise<void> {
    this.closing ??= this.doClose()
    return this.closing
  }

  private async doClose (): Promise<void> {
    await this.starting?.catch(() => {})
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    if (this.pending > 0) await new Promise<void>((resolve) => { this.idle = resolve })
    if (this.heldCount > 0) this.logger.warn({ dropped: this.heldCount }, 'receipt correlator closed with early receipts still held')
    for (let i = this.head; i < this.held.length; i++) this.unhold(this.held[i])
    this.held = []
    this.head = 0
    this.overdueHead = 0
    this.closed = true
  }

  /** Correlates and records (store.finish for a final part); resolves after the store committed. */
  async handle (carrierId: string, receipt: CarrierReceipt): Promise<CorrelationResult> {
    if (this.closing !== null) throw new ClosedError('receipt correlator')
    this.byStat?.labels(receipt.stat).inc()
    this.pending++
    try {
      if (receipt.carrierMessageId === '') return this.orphan(carrierId, receipt, 'receipt without a message id')
      const types = this.idTypes !== null ? this.idTypes(carrierId) : null
      const lookupId = types !== null ? convertId(receipt.carrierMessageId, types) : receipt.carrierMessageId
      const pending = this.committing.size > 0 ? this.committing.get(carrierId + '\0' + canonicalCarrierId(lookupId)) : undefined
      if (pending !== undefined && await pending.wait()) return this.count(await this.resolve(pending.ref, receipt))
      const ref = await this.store.byCarrierId(carrierId, lookupId)
      if (ref === null) return this.hold(carrierId, receipt, lookupId)
      return this.count(await this.resolve(ref, receipt))
    } finally {
      if (--this.pending === 0 && this.idle !== null) this.idle()
    }
  }

  /**
   * The carrier accepted `ref` under this id and the engine is writing the commit: a receipt
   * quoting it waits for submitted() and applies to `ref`, instead of trusting what the index
   * holds for the id now.
   */
  accepted (carrierId: string, carrierMessageId: string, ref: PartRef): void {
    this.committing.set(carrierId + '\0' + canonicalCarrierId(carrierMessageId), new Committing(ref))
  }

  /**
   * The engine calls this when its commit of a carrier's submit_sm_resp ended: `committed`, or
   * failed (then waiting receipts look the index up as any other). Releases receipts for that id.
   */
  submitted (carrierId: string, carrierMessageId: string, committed = true): void {
    const key = carrierId + '\0' + canonicalCarrierId(carrierMessageId)
    const pending = this.committing.get(key)
    if (pending !== undefined) {
      this.committing.delete(key)
      pending.settle(committed)
    }
    if (this.heldCount === 0) return
    const list = this.index.get(key)
    if (list === undefined) return
    for (const h of list.slice()) {
      if (h.busy) h.again = true
      else void this.retry(h, Date.now())
    }
  }

  private hold (carrierId: string, receipt: CarrierReceipt, lookupId: string): CorrelationResult {
    if (this.holdMs === 0 || this.maxHeld === 0) return this.orphan(carrierId, receipt, 'unknown carrier message id')
    if (this.heldCount >= this.maxHeld && !this.evictOldest()) return this.orphan(carrierId, receipt, 'too many held receipts')
    const keys: string[] = [carrierId + '\0' + canonicalCarrierId(lookupId)]
    const h = new Held(carrierId, receipt, lookupId, Date.now(), keys)
    for (const k of keys) {
      const list = this.index.get(k)
      if (list === undefined) this.index.set(k, [h])
      else list.push(h)
    }
    this.held.push(h)
    this.heldCount++
    this.heldGauge?.set(this.heldCount)
    return this.count(HELD)
  }

  private unhold (h: Held): void {
    if (h.done) return
    h.done = true
    for (const k of h.keys) {
      const list = this.index.get(k)
      if (list === undefined) continue
      const i = list.indexOf(h)
      if (i >= 0) list.splice(i, 1)
      if (list.length === 0) this.index.delete(k)
    }
    this.heldCount--
    this.heldGauge?.set(this.heldCount)
  }

  /** Drops the oldest held receipt not being looked up as an orphan; false when none could be. */
  private evictOldest (): boolean {
    for (let i = this.head; i < this.held.length; i++) {
      const h = this.held[i]
      if (h.done || h.busy) continue
      this.unhold(h)
      this.late(this.orphan(h.carrierId, h.receipt, 'held receipt evicted (max_held)'), h)
      return true
    }
    return false
  }

  private tick (now: number): void {
    while (this.head < this.held.length) {
      const h = this.held[this.head]
      if (!h.done) {
        if (now - h.at < this.holdMs || h.busy) break
        this.unhold(h)
        this.late(this.orphan(h.carrierId, h.receipt, 'held receipt expired'), h)
      }
      this.head++
    }
    if (this.overdueHead < this.head) this.overdueHead = this.head
    while (this.overdueHead < this.held.length) {
      const h = this.held[this.overdueHead]
      if (now - h.at < this.ackAfterMs) break
      if (!h.done && !h.overdue) {
        h.overdue = true
        try {
          this.emit('overdue', h.carrierId, h.receipt)
        } catch (err) {
          this.logger.error({ err }, "an 'overdue' receipt listener threw")
        }
      }
      this.overdueHead++
    }
    if (this.head > 256 && this.head * 2 > this.held.length) {
      this.held = this.held.slice(this.head)
      this.overdueHead -= this.head
      this.head = 0
    }
    for (let i = this.head; i < this.held.length; i++) {
      const h = this.held[i]
      if (!h.done && !h.busy && now - h.lastTry >= this.retryMs) void this.retry(h, now)
    }
  }

  /** Looks a held receipt's id up again; resolves it (emitting 'late') when found or expired. */
  private async retry (h: Held, now: number): Promise<void> {
    h.busy = true
    h.lastTry = now
    this.pending++
    let result: CorrelationResult | null = null
    try {
      do {
        h.again = false
        const ref = await this.store.byCarrierId(h.carrierId, h.lookupId)
        if (ref !== null) {
          this.unhold(h)
          result = this.count(await this.resolve(ref, h.receipt))
          break
        }
      } while (h.again)
      if (result === null && Date.now() - h.at >= this.holdMs) {
        this.unhold(h)
        result = this.orphan(h.carrierId, h.receipt, 'held receipt expired')
      }
    } catch (err) {
      // A store failure: a still-held receipt is tried again next tick; one already released is lost.
      this.logger.error({ err, carrierId: h.carrierId, carrierMessageId: h.receipt.carrierMessageId, held: !h.done }, 'held receipt lookup failed')
    } finally {
      h.busy = false
      if (--this.pending === 0 && this.idle !== null) this.idle()
    }
    if (result !== null) this.late(result, h)
  }

  private late (result: CorrelationResult, h: Held): void {
    try {
      this.emit('late', result, h.carrierId, h.receipt)
    } catch (err) {
      this.logger.error({ err }, "a 'late' receipt listener threw")
    }
  }

  /** Applies receipts for one message one after another, so exactly one sees it complete. */
  private resolve (ref: PartRef, receipt: CarrierReceipt): Promise<CorrelationResult> {
    const key = ref.account + '\0' + ref.id
    const prev = this.chains.get(key)
    const run = prev === undefined ? this.apply(ref, receipt) : prev.then(async () => await this.apply(ref, receipt))
    const tail = run.then(noop, noop)
    this.chains.set(key, tail)
    void tail.then(() => { if (this.chains.get(key) === tail) this.chains.delete(key) })
    return run
  }

  private async apply (ref: PartRef, receipt: CarrierReceipt): Promise<CorrelationResult> {
    if (!receipt.final || receipt.state === null) {
      const rec = await this.store.get(ref.account, ref.id)
      const part = rec?.parts[ref.part]
      if (part === undefined) return this.orphanRef(ref, receipt) // pruned meanwhile, or a bad index entry
      return isFinalState(part.state) ? { kind: 'duplicate', ref } : { kind: 'intermediate', ref }
    }
    // One write decides it: finish() says inside its transaction whether it changed the part
    // and whether it completed the message, so exactly one caller (on any thread) gets the
    // message, and the common path reads nothing before it.
    const r = await this.store.finish(ref, receipt.state, partError(receipt.stat, receipt.err, receipt.networkErrorCode))
    if (!r.changed) {
      const rec = await this.store.get(ref.account, ref.id)
      return rec?.parts[ref.part] === undefined ? this.orphanRef(ref, receipt) : { kind: 'duplicate', ref }
    }
    if (!r.messageDone) return { kind: 'final', ref, done: false, message: null }
    // Only a message owing a customer receipt is read back: building that receipt needs it.
    if (r.receiptOwed === false) return { kind: 'final', ref, done: true, message: null, receivedAt: r.receivedAt }
    return { kind: 'final', ref, done: true, message: await this.store.get(ref.account, ref.id) }
  }

  private count (r: CorrelationResult): CorrelationResult {
    this.byResult[r.kind]?.inc()
    return r
  }

  private orphan (carrierId: string, receipt: CarrierReceipt, why: string): CorrelationResult {
    this.logger.debug({ carrierId, carrierMessageId: receipt.carrierMessageId, stat: receipt.stat }, why)
    return this.count(ORPHAN)
  }

  private orphanRef (ref: PartRef, receipt: CarrierReceipt): CorrelationResult {
    this.logger.warn({ account: ref.account, id: ref.id, part: ref.part, carrierMessageId: receipt.carrierMessageId }, 'receipt points at a message no longer stored')
    return ORPHAN
  }
}

const HEX = /^[0-9a-fA-F]{1,40}$/
const DEC = /^[0-9]{1,48}$/

/** The receipt's id in the carrier's submit_sm_resp form; unchanged when it does not parse in the receipt's form. */
export function convertId (id: string, types: CarrierIdTypes): string {
  if (types.receipt === types.submitResp) return id
  if (types.receipt === 'hex') return HEX.test(id) ? BigInt('0x' + id).toString(10) : id
  return DEC.test(id) ? BigInt(id).toString(16) : id
}


function noop (): void {}
