// Sends the stored webhook events: one per node, on the main thread, over the Router's store
// handle. Every `pollMs` it takes the due events (up to the free in-flight slots), POSTs each one
// signed, and records the outcome: a 2xx deletes the event; anything else (status, timeout,
// network error) schedules a retry with exponential backoff and jitter until the event is
// `expireAfterMs` old, when it is expired (kept, listed, counted, logged, not retried).
// At least once: an event is deleted only after its 2xx, so a crash between the two sends it
// again, with the same Instrada-Event-Id for the receiver to deduplicate.

import type { Registry } from 'prom-client'
import { Gauge } from 'prom-client'
import { silentLogger, type Logger } from '../log.js'
import { counter } from '../metrics.js'
import type { MessageStore, WebhookEvent } from '../store/index.js'
import { eventBody, lowCreditData, statusData } from './body.js'
import type { AccountWebhook, WebhooksConfig } from './config.js'
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from './sign.js'

export type WebhookStore = Pick<MessageStore, 'get' | 'dueEvents' | 'eventDelivered' | 'eventRetry' | 'eventExpired' | 'eventCounts'>

/** The account's current webhook settings (looked up at send time: a reload may rotate a secret). */
export type WebhookLookup = (account: string) => AccountWebhook | null

export interface WebhookSenderOptions {
  store: WebhookStore
  config: WebhooksConfig
  accounts: WebhookLookup
  logger?: Logger
  registry?: Registry | null
  /** Clock, for tests of expiry; default Date.now. */
  now?: () => number
}

type AttemptResult = 'ok' | 'http_error' | 'timeout' | 'network' | 'undeliverable'

/** Where and how one event goes, or why it can't go anywhere. */
type Target = { url: string, secret: string, data: Record<string, unknown> } | { problem: string }

export class WebhookSender {
  private config: WebhooksConfig
  private accounts: WebhookLookup
  private readonly store: WebhookStore
  private readonly log: Logger
  private readonly now: () => number
  private readonly inFlight = new Map<string, AbortController>()
  private readonly attempts: Set<Promise<void>> = new Set()
  private timer: NodeJS.Timeout | null = null
  private polling = false
  private closing: Promise<void> | null = null
  private readonly metrics
  closed = false

  constructor (opts: WebhookSenderOptions) {
    this.store = opts.store
    this.config = opts.config
    this.accounts = opts.accounts
    this.log = (opts.logger ?? silentLogger).child({ component: 'webhooks' })
    this.now = opts.now ?? Date.now
    const reg = opts.registry ?? null
    const store = this.store
    this.metrics = reg === null
      ? null
      : {
          attempts: counter(reg, 'instrada_webhook_attempts_total', 'Webhook POST attempts by result', ['result']),
          delivered: counter(reg, 'instrada_webhook_delivered_total', 'Webhook events delivered (2xx)', ['type']),
          expired: counter(reg, 'instrada_webhook_expired_total', 'Webhook events expired without a 2xx', ['type']),
          depth: reg.getSingleMetric('instrada_webhook_queue_depth') ?? new Gauge({
            name: 'instrada_webhook_queue_depth',
            help: 'Webhook events stored and not yet delivered or expired',
            registers: [reg],
            async collect () {
              try { this.set((await store.eventCounts()).pending) } catch { /* store closed: keep the last value */ }
            }
          })
        }
  }

  /** Starts polling. Events stored before a restart are picked up on the first poll. */
  start (): void {
    if (this.timer !== null || this.closing !== null) return
    this.timer = setInterval(() => { void this.poll() }, this.config.pollMs)
    this.timer.unref()
    void this.poll()
  }

  /** New settings (timeouts, backoff, accounts' URLs and secrets) for the attempts that follow. */
  reload (config: WebhooksConfig, accounts: WebhookLookup): void {
    if (config.pollMs !== this.config.pollMs && this.timer !== null) {
      clearInterval(this.timer)
      this.timer = setInterval(() => { void this.poll() }, config.pollMs)
      this.timer.unref()
    }
    this.config = config
    this.accounts = accounts
  }

  /**
   * Stops polling and aborts the attempts in flight; their events stay stored as they were and
   * are sent again after a restart (a receiver may see one twice: deduplicate on the event id).
   */
  close (): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer !== null) clearInterval(this.timer)
      for (const c of this.inFlight.values()) c.abort()
      while (this.polling || this.attempts.size > 0) {
        await Promise.allSettled([...this.attempts])
        if (this.polling) await new Promise((resolve) => setTimeout(resolve, 5))
      }
      this.closed = true
    })()
    return this.closing
  }

  /** One poll: take as many due events as there are free slots and start them. */
  async poll (): Promise<void> {
    if (this.polling || this.closing !== null) return
    const free = this.config.maxInFlight - this.inFlight.size
    if (free <= 0) return
    this.polling = true
    try {
      // Ask for more than the free slots: events already in flight are still due in the store.
      const due = await this.store.dueEvents(this.now(), free + this.inFlight.size)
      for (const e of due) {
        if (this.closing !== null || this.inFlight.size >= this.config.maxInFlight) break
        if (this.inFlight.has(e.id)) continue
        const ctl = new AbortController()
        this.inFlight.set(e.id, ctl)
        const p = this.attempt(e, ctl).catch((err: unknown) => {
          this.log.error({ err, event: e.id }, 'webhook attempt not recorded')
        }).finally(() => {
          this.inFlight.delete(e.id)
          this.attempts.delete(p)
        })
        this.attempts.add(p)
      }
    } catch (err) {
      if (this.closing === null) this.log.error({ err }, 'webhook poll failed')
    } finally {
      this.polling = false
    }
  }

  private async attempt (e: WebhookEvent, ctl: AbortController): Promise<void> {
    const target = await this.target(e)
    if ('problem' in target) {
      // Nowhere to send it (no URL or secret any more, message pruned): retrying can't help.
      this.count('undeliverable')
      await this.expire(e, target.problem)
      return
    }
    const body = eventBody(e, target.data)
    const timer = setTimeout(() => ctl.abort(TIMEOUT), this.config.timeoutMs)
    let result: AttemptResult
    let error: string | null = null
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Instrada-Webhooks/1',
          [EVENT_ID_HEADER]: e.id,
          [SIGNATURE_HEADER]: signWebhook(body, target.secret, this.now())
        },
        body,
        redirect: 'manual',
        signal: ctl.signal
      })
      // The body is not read: only the status counts. Cancelling frees the connection.
      await res.body?.cancel().catch(() => {})
      if (res.status >= 200 && res.status < 300) {
        result = 'ok'
      } else {
        result = 'http_error'
        error = `HTTP ${res.status}`
      }
    } catch (err) {
      if (this.closing !== null && ctl.signal.reason !== TIMEOUT) return // shutting down: the event stays as it was
      result = ctl.signal.reason === TIMEOUT ? 'timeout' : 'network'
      error = result === 'timeout' ? `no answer within ${this.config.timeoutMs} ms` : networkError(err)
    } finally {
      clearTimeout(timer)
    }
    this.count(result)
    if (result === 'ok') {
      await this.store.eventDelivered(e)
      this.metrics?.delivered.inc({ type: e.type })
      this.log.debug({ event: e.id, type: e.type, account: e.account, attempts: e.attempts + 1 }, 'webhook delivered')
      return
    }
    const now = this.now()
    const deadline = e.createdAt + this.config.expireAfterMs
    if (now >= deadline) { await this.expire(e, error); return }
    const dueAt = Math.min(now + this.backoff(e.attempts + 1), deadline)
    await this.store.eventRetry(e, dueAt, error)
    this.log.debug({ event: e.id, account: e.account, attempts: e.attempts + 1, error, retryInMs: dueAt - now }, 'webhook attempt failed')
  }

  /** Delay before attempt n+1 after n failures: base·2^(n−1), capped, then "equal jitter" (½ to 1×). */
  backoff (failures: number): number {
    const { backoffBaseMs: base, backoffMaxMs: max } = this.config
    const d = Math.min(max, base * 2 ** Math.min(failures - 1, 40))
    return Math.round(d / 2 + Math.random() * d / 2)
  }

  private async expire (e: WebhookEvent, error: string | null): Promise<void> {
    await this.store.eventExpired(e, error, this.now())
    this.metrics?.expired.inc({ type: e.type })
    // The account and the event say which; the URL is the account's business, the secret never.
    this.log.warn({ event: e.id, type: e.type, account: e.account, attempts: e.attempts + 1, error }, 'webhook event expired')
  }

  private async target (e: WebhookEvent): Promise<Target> {
    const wh = this.accounts(e.account)
    if (wh === null) return { problem: 'the account has no webhook configured' }
    if (e.type === 'message.status') {
      if (e.messageId === null) return { problem: 'no message id' }
      const rec = await this.store.get(e.account, e.messageId)
      if (rec === null) return { problem: 'message no longer stored' }
      const url = rec.callbackUrl ?? null
      if (url === null) return { problem: 'the message has no callback url' }
      return { url, secret: wh.secret, data: statusData(rec) }
    }
    if (wh.url === null) return { problem: 'the account webhook has no url' }
    if (!wh.events.includes(e.type)) return { problem: `the account webhook no longer asks for ${e.type}` }
    const data = e.type === 'credit.low' ? lowCreditData(e.data ?? {}) : (e.data ?? {})
    return { url: wh.url, secret: wh.secret, data }
  }

  private count (result: AttemptResult): void {
    this.metrics?.attempts.inc({ result })
  }
}

const TIMEOUT = Symbol('webhook timeout')

/** A short reason for a failed connection (undici wraps the socket error in `cause`). */
function networkError (err: unknown): string {
  const cause = (err as { cause?: { code?: string, message?: string } }).cause
  if (cause?.code !== undefined) return cause.code
  return (cause?.message ?? (err as Error).message ?? 'network error').slice(0, 200)
}
