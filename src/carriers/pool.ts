// A carrier pool: N binds to one upstream SMSC, round-robin over the sessions that can send now,
// a TPS bucket that AIMD lowers when the carrier throttles, and exactly one outcome per dispatched
// part. dispatch() never queues: it returns false when the pool is full (window, TPS) or down,
// and 'drain' (or 'up') says when to try again, so the engine keeps its own queue and its
// own retry policy.

import { EventEmitter } from 'node:events'
import { ClosedError, PduEncodeError } from '../errors.js'
import { silentLogger, type Logger } from '../log.js'
import { Registry } from '../metrics.js'
import { CommandStatus, statusName } from '../smpp/pdu/status.js'
import { CommandId, type DataSm, type DeliverSm, type RequestPdu, type ResponsePdu, type SubmitSmResp } from '../smpp/pdu/types.js'
import type { SmppSession } from '../smpp/session.js'
import type { BindType } from '../smpp/states.js'
import { TokenBucket } from '../util/token-bucket.js'
import type { CarrierConfig } from './config.js'
import { CarrierBind, describeBindError, type BindOwner } from './connection.js'
import { attachStats, PoolStats, RESULT_INDEX } from './pool-metrics.js'
import { classifyStatus, FailureClass } from './retry.js'
import { buildSubmit } from './submit.js'
import { AdaptiveRate, RateMeter } from './throttle.js'
import type { OutboundPart, SubmitCallback, SubmitOutcome } from './types.js'

export interface PoolShare {
  /** 0-based index of this pool among the `of` pools (worker threads) serving the same carrier. */
  index: number
  of: number
}

export interface CarrierPoolOptions {
  logger?: Logger
  registry?: Registry
  share?: PoolShare
  /** For tests: the jitter source. */
  random?: () => number
  /** How long close() waits for outstanding submits to be answered before unbinding. Default min(request timeout, 10 s). */
  closeDrainMs?: number
}

/** The carrier's deliver_sm / data_sm and the function that answers it (once; later calls do nothing). */
export type DeliverAck = (status: number) => void

/** A part on its way: the request token (one object per submit, no closure). */
class InFlight<T> {
  constructor (
    readonly pool: CarrierPool,
    readonly part: OutboundPart,
    readonly cb: SubmitCallback<T>,
    readonly token: T,
    readonly sentAt: number
  ) {}
}

function onSubmitResp (err: Error | null, resp: ResponsePdu | null, f: InFlight<unknown>): void {
  f.pool.settle(err, resp, f)
}

export class CarrierPool extends EventEmitter implements BindOwner {
  readonly name: string
  readonly config: CarrierConfig
  readonly closed: Promise<void>
  private readonly binds: CarrierBind[] = []
  /** Bound binds that transmit, in bind order: the round-robin ring. */
  private readonly tx: CarrierBind[] = []
  private rr = 0
  private needDrain = false
  private readonly bucket: TokenBucket
  private readonly rate: AdaptiveRate
  private readonly meter = new RateMeter()
  private tpsTimer: NodeJS.Timeout | null = null
  private restoreTimer: NodeJS.Timeout | null = null
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private resolveClosed!: () => void
  private readonly log: Logger
  private readonly debug: boolean
  /** Plain numbers the metrics read at scrape time. */
  readonly stats = new PoolStats()
  private readonly detachStats: () => void
  private readonly closeDrainMs: number

  constructor (config: CarrierConfig, opts: CarrierPoolOptions = {}) {
    super()
    const share = opts.share ?? { index: 0, of: 1 }
    if (!Number.isInteger(share.of) || share.of < 1 || !Number.isInteger(share.index) || share.index < 0 || share.index >= share.of) {
      throw new RangeError(`share must have 0 <= index < of (got ${share.index} of ${share.of})`)
    }
    this.name = config.name
    this.config = config
    this.log = (opts.logger ?? silentLogger).child({ component: 'carrier', carrier: config.name })
    this.debug = this.log.isLevelEnabled('debug')
    this.detachStats = attachStats(opts.registry ?? new Registry(), this)
    this.closeDrainMs = opts.closeDrainMs ?? Math.min(config.requestTimeoutMs, 10_000)
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve })
    const tps = config.tps / share.of
    this.rate = new AdaptiveRate(tps, { minRate: Math.min(1, tps > 0 ? tps : 1) })
    this.bucket = new TokenBucket(tps)
    this.stats.tpsLimit = tps
    // Spread binds over the pools sharing the carrier; each pool needs one to be of any use.
    const n = Math.max(1, Math.floor(config.binds / share.of) + (share.index < config.binds % share.of ? 1 : 0))
    const random = opts.random ?? Math.random
    const types: BindType[] = config.bindMode === 'transceiver' ? ['transceiver'] : ['transmitter', 'receiver']
    for (let i = 0; i < n; i++) {
      for (const type of types) this.binds.push(new CarrierBind(config, type, this.binds.length, this, this.log, random))
    }
  }

  /** At least one session bound and able to transmit. */
  get up (): boolean { return this.tx.length > 0 }
  get bindsUp (): number { let n = 0; for (const b of this.binds) if (b.bound) n++; return n }
  get bindCount (): number { return this.binds.length }
  /** Submits sent and not yet answered. */
  get inFlight (): number { return this.stats.inFlight }
  /** This pool's current TPS limit (0 = unlimited); below the configured one while the carrier throttles. */
  get tpsLimit (): number { return this.rate.limit }

  /** Starts every bind; resolves when each has made its first attempt (binds that failed keep retrying). */
  start (): Promise<void> {
    if (this.closing !== null) return Promise.reject(new ClosedError(`carrier pool ${this.name}`))
    if (this.starting === null) this.starting = Promise.all(this.binds.map(async (b) => await b.start())).then(() => {})
    return this.starting
  }

  /** Graceful and idempotent: no new dispatches, outstanding submits get their answer (or fail), then unbind. */
  close (): Promise<void> {
    if (this.closing === null) this.closing = this.shutdown()
    return this.closing
  }

  private async shutdown (): Promise<void> {
    this.clearTimers()
    await Promise.all(this.binds.map(async (b) => await b.close(this.closeDrainMs)))
    this.detachStats()
    this.resolveClosed()
  }

  /** A window slot and a TPS token are available now. */
  canDispatch (): boolean {
    return this.capacity() > 0
  }

  /**
   * How many parts dispatch() would send now: free window slots across the binds, capped by the
   * TPS tokens. At 0 (the pool up), a 'drain' follows once there is room, so a caller holding a
   * backlog needs no other event to carry on.
   */
  capacity (): number {
    if (this.closing !== null || this.tx.length === 0) return 0
    const now = Date.now()
    const tokens = this.bucket.available(now)
    if (tokens < 1) {
      this.needDrain = true
      this.armTpsTimer(now)
      return 0
    }
    let slots = 0
    for (const b of this.tx) if (b.session !== null) slots += b.session.sendable()
    if (slots === 0) this.needDrain = true
    return Math.min(slots, tokens)
  }

  /**
   * Sends one part. false = not sent (down, closing, window full or over the TPS limit): `cb` is
   * not called; wait for 'drain' (or 'up'). true = sent: `cb(outcome, token)` runs exactly once.
   */
  dispatch<T> (part: OutboundPart, cb: SubmitCallback<T>, token: T): boolean {
    if (this.closing !== null) return false
    const b = this.pick()
    if (b === null) {
      this.needDrain = true
      return false
    }
    const now = Date.now()
    if (!this.bucket.tryTake(1, now)) {
      this.needDrain = true
      this.armTpsTimer(now)
      return false
    }
    const session = b.session as SmppSession
    const f = new InFlight<T>(this, part, cb, token, now)
    this.stats.inFlight++
    this.meter.mark(now)
    session.request(buildSubmit(part, this.config.submit), onSubmitResp, f as InFlight<unknown>)
    return true
  }

  private pick (): CarrierBind | null {
    const ring = this.tx
    const n = ring.length
    for (let i = 0; i < n; i++) {
      const idx = (this.rr + i) % n
      const s = ring[idx].session
      if (s !== null && s.canSend()) {
        this.rr = idx + 1
        return ring[idx]
      }
    }
    return null
  }

  /** @internal The response (or transport failure) for one submit. */
  settle (err: Error | null, resp: ResponsePdu | null, f: InFlight<unknown>): void {
    const st = this.stats
    st.inFlight--
    const now = Date.now()
    let outcome: SubmitOutcome
    if (err !== null) {
      // An encode error means the part can never be sent as is; anything else is a transport
      // failure after which the carrier may or may not have the part.
      const failure = err instanceof PduEncodeError ? FailureClass.Permanent : FailureClass.Timeout
      outcome = { ok: false, status: null, failure, error: err.message }
      st.submits[RESULT_INDEX[failure]]++
    } else {
      const r = resp as ResponsePdu
      st.responses++
      st.respSeconds += (now - f.sentAt) / 1000
      if (r.commandStatus === CommandStatus.ESME_ROK && r.commandId === CommandId.SubmitSmResp) {
        outcome = { ok: true, carrierMessageId: (r as SubmitSmResp).messageId }
        st.submits[RESULT_INDEX.ok]++
      } else {
        const status = r.commandStatus === 0 ? CommandStatus.ESME_RUNKNOWNERR : r.commandStatus
        const failure = classifyStatus(status)
        outcome = { ok: false, status, failure, error: `${r.commandId === CommandId.GenericNack ? 'generic_nack' : 'submit_sm_resp'} ${statusName(status)}` }
        st.submits[RESULT_INDEX[failure]]++
        if (failure === FailureClass.Throttled) this.throttled(now)
      }
    }
    if (this.debug) this.log.debug({ messageId: f.part.messageId, part: f.part.part, ok: outcome.ok, carrierMessageId: outcome.ok ? outcome.carrierMessageId : undefined, status: outcome.ok ? 0 : outcome.status }, 'submit outcome')
    f.cb(outcome, f.token)
    // A response timeout frees a window slot without the session emitting 'drain'.
    if (err !== null && this.needDrain) this.maybeDrain()
  }

  private throttled (now: number): void {
    this.stats.throttles++
    if (!this.rate.cut(now, this.meter.rate(now))) return
    this.bucket.setRate(this.rate.limit, Math.max(1, this.rate.limit), now)
    this.stats.tpsLimit = this.rate.limit
    this.log.info({ tps: Math.round(this.rate.limit * 10) / 10 }, 'carrier throttles: send rate lowered')
    if (this.restoreTimer === null && this.closing === null) {
      this.restoreTimer = setInterval(() => this.restoreTick(), 1000)
      this.restoreTimer.unref()
    }
  }

  private restoreTick (): void {
    const now = Date.now()
    if (this.rate.restore(now)) {
      this.bucket.setRate(this.rate.limit, Math.max(1, this.rate.limit), now)
      this.stats.tpsLimit = this.rate.limit
      if (!this.rate.reduced) this.log.info({ tps: this.rate.limit }, 'send rate restored')
      this.maybeDrain()
    }
    if (!this.rate.reduced && this.restoreTimer !== null) {
      clearInterval(this.restoreTimer)
      this.restoreTimer = null
    }
  }

  private armTpsTimer (now: number): void {
    if (this.tpsTimer !== null) return
    this.tpsTimer = setTimeout(() => {
      this.tpsTimer = null
      this.maybeDrain()
    }, Math.max(1, this.bucket.waitMs(1, now)))
  }

  private maybeDrain (): void {
    if (!this.needDrain || this.closing !== null) return
    if (this.canDispatch()) {
      this.needDrain = false
      this.emit('drain')
    } else if (this.tx.length > 0 && this.bucket.waitMs(1) > 0) {
      this.armTpsTimer(Date.now())
    }
  }

  private clearTimers (): void {
    if (this.tpsTimer !== null) clearTimeout(this.tpsTimer)
    if (this.restoreTimer !== null) clearInterval(this.restoreTimer)
    this.tpsTimer = this.restoreTimer = null
  }

  // ---- BindOwner ----

  bindUp (b: CarrierBind): void {
    this.stats.bindsUp++
    this.log.info({ bind: b.index, type: b.bindType, peer: this.config.host + ':' + this.config.port }, 'bound')
    if (!b.transmits) return
    // Keep bind order so the rotation is stable whatever order binds come up in.
    let i = 0
    while (i < this.tx.length && this.tx[i].index < b.index) i++
    this.tx.splice(i, 0, b)
    if (this.tx.length === 1) this.emit('up')
    this.maybeDrain()
  }

  bindDown (b: CarrierBind, reason: string): void {
    this.stats.bindsUp--
    if (this.closing === null) this.stats.reconnects++
    const closing = this.closing !== null
    if (closing) this.log.debug({ bind: b.index, reason }, 'unbound')
    else this.log.warn({ bind: b.index, type: b.bindType, reason }, 'bind lost: reconnecting')
    const i = this.tx.indexOf(b)
    if (i < 0) return
    this.tx.splice(i, 1)
    if (this.tx.length === 0) this.emit('down', reason)
  }

  bindFailed (b: CarrierBind, err: Error, delayMs: number): void {
    this.stats.reconnects++
    this.stats.bindFailures++
    this.log.warn({ bind: b.index, type: b.bindType, attempt: b.failures, retryInMs: delayMs, error: describeBindError(err) }, 'bind failed')
  }

  bindDrain (_b: CarrierBind): void {
    this.maybeDrain()
  }

  carrierRequest (_b: CarrierBind, session: SmppSession, pdu: RequestPdu): void {
    if (pdu.commandId === CommandId.DeliverSm || pdu.commandId === CommandId.DataSm) {
      this.stats.delivers++
      if (this.listenerCount('deliver') === 0) {
        // Nobody can store it: ask the carrier to try again later rather than lose it.
        session.respond(pdu, CommandStatus.ESME_RX_T_APPN)
        return
      }
      this.emit('deliver', pdu, makeAck(session, pdu))
      return
    }
    if (pdu.commandId === CommandId.AlertNotification) return
    session.respond(pdu, CommandStatus.ESME_RINVCMDID)
  }
}

function makeAck (session: SmppSession, pdu: DeliverSm | DataSm): DeliverAck {
  let done = false
  return (status: number) => {
    if (done) return
    done = true
    session.respond(pdu, status)
  }
}

export interface CarrierPool {
  on(event: 'up', listener: () => void): this
  on(event: 'down', listener: (reason: string) => void): this
  on(event: 'drain', listener: () => void): this
  on(event: 'deliver', listener: (pdu: DeliverSm | DataSm, ack: DeliverAck) => void): this
}
