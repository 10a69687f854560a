// One bind slot of a carrier pool: connects and binds, and when the session is lost (or the bind
// is refused, or the carrier is unreachable) tries again after an exponential backoff with jitter.
// It owns no messages: the pool sends through `session` while it is bound.

import type { Logger } from '../log.js'
import { connectAndBind } from '../smpp/client.js'
import type { RequestPdu } from '../smpp/pdu/types.js'
import type { SessionHandler, SmppSession } from '../smpp/session.js'
import type { BindType } from '../smpp/states.js'
import { BindError } from '../errors.js'
import type { CarrierConfig } from './config.js'

/** What a bind tells its pool. */
export interface BindOwner {
  bindUp (b: CarrierBind): void
  bindDown (b: CarrierBind, reason: string): void
  bindFailed (b: CarrierBind, err: Error, delayMs: number): void
  bindDrain (b: CarrierBind): void
  carrierRequest (b: CarrierBind, session: SmppSession, pdu: RequestPdu): void
}

/** Backoff before reconnect attempt `failures` (0 after a bound session was lost): exponential, jittered into [d/2, d]. */
export function backoffMs (initialMs: number, maxMs: number, failures: number, random: () => number = Math.random): number {
  const d = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 30))
  return Math.max(1, Math.round(d * (0.5 + 0.5 * random())))
}

export class CarrierBind implements SessionHandler {
  readonly bindType: BindType
  readonly transmits: boolean
  readonly index: number
  session: SmppSession | null = null
  /** Consecutive failed attempts (reset by a successful bind). */
  failures = 0
  private readonly cfg: CarrierConfig
  private readonly owner: BindOwner
  private readonly log: Logger
  private readonly random: () => number
  private timer: NodeJS.Timeout | null = null
  private connecting: Promise<void> | null = null
  private closing = false
  private readonly onDrain = (): void => { this.owner.bindDrain(this) }

  constructor (cfg: CarrierConfig, bindType: BindType, index: number, owner: BindOwner, log: Logger, random: () => number) {
    this.cfg = cfg
    this.bindType = bindType
    this.transmits = bindType !== 'receiver'
    this.index = index
    this.owner = owner
    this.log = log
    this.random = random
  }

  /** Bound and not closing. */
  get bound (): boolean {
    return this.session !== null
  }

  /** Starts the first attempt; resolves when it has succeeded or failed (never rejects). */
  start (): Promise<void> {
    if (this.connecting === null && this.session === null && !this.closing) this.connecting = this.attempt()
    return this.connecting ?? Promise.resolve()
  }

  onRequest (session: SmppSession, pdu: RequestPdu): void {
    this.owner.carrierRequest(this, session, pdu)
  }

  private async attempt (): Promise<void> {
    this.timer = null
    const c = this.cfg
    let session: SmppSession
    try {
      session = await connectAndBind({
        host: c.host,
        port: c.port,
        tls: c.tls,
        systemId: c.systemId,
        password: c.password,
        systemType: c.systemType,
        bindType: this.bindType,
        bindTimeoutMs: c.bindTimeoutMs,
        window: c.window,
        requestTimeoutMs: c.requestTimeoutMs,
        enquireLinkIntervalMs: c.enquireLinkIntervalMs,
        // A peer that stops answering enquire_link is caught by its request timeout; this is the backstop.
        inactivityTimeoutMs: c.enquireLinkIntervalMs > 0 ? c.enquireLinkIntervalMs * 4 : 0,
        handler: this,
        logger: this.log
      })
    } catch (err) {
      this.connecting = null
      if (this.closing) return
      const delay = backoffMs(c.reconnect.initialDelayMs, c.reconnect.maxDelayMs, this.failures, this.random)
      this.failures++
      this.owner.bindFailed(this, err as Error, delay)
      this.schedule(delay)
      return
    }
    this.connecting = null
    if (this.closing) {
      await session.close('pool closing')
      return
    }
    this.failures = 0
    this.session = session
    session.on('drain', this.onDrain)
    session.once('close', (reason: string) => this.lost(session, reason))
    this.owner.bindUp(this)
  }

  private lost (session: SmppSession, reason: string): void {
    if (this.session !== session) return
    this.session = null
    session.off('drain', this.onDrain)
    this.owner.bindDown(this, reason)
    if (!this.closing) this.schedule(backoffMs(this.cfg.reconnect.initialDelayMs, this.cfg.reconnect.maxDelayMs, 0, this.random))
  }

  private schedule (delay: number): void {
    if (this.closing) return
    this.timer = setTimeout(() => { this.connecting = this.attempt() }, delay)
  }

  /**
   * Stops reconnecting; waits up to `drainMs` for outstanding requests to be answered, then
   * unbinds. Whatever is still outstanding then fails (as a transport failure) when the session closes.
   */
  async close (drainMs: number): Promise<void> {
    this.closing = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (this.connecting !== null) await this.connecting
    const s = this.session
    if (s === null) return
    const deadline = Date.now() + drainMs
    while (s.window.size > 0 && !s.isClosed && Date.now() < deadline) await sleep(10)
    await s.close('pool closing')
  }
}

function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export function describeBindError (err: Error): string {
  return err instanceof BindError && err.status !== 0 ? `${err.message} (status 0x${err.status.toString(16)})` : err.message
}
