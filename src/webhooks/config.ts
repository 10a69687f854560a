// Webhook configuration: the per-account `webhook:` block (where and how an account's events are
// signed and sent) and the node-wide `webhooks:` section (how the sender behaves). The secret is
// kept as given (it is the HMAC key, so it cannot be hashed) and never logged.

import type { ConfigNode } from '../config/node.js'

export const WEBHOOK_EVENTS = ['message.status', 'message.inbound', 'credit.low'] as const
export type WebhookEventType = typeof WEBHOOK_EVENTS[number]

export const WEBHOOK_ACCOUNT_KEYS = ['webhook'] as const

export interface AccountWebhook {
  /** The account's endpoint; null = only messages with their own callback_url get webhooks. */
  url: string | null
  /** The HMAC-SHA256 key. */
  secret: string
  events: WebhookEventType[]
}

export interface WebhooksConfig {
  /** Per-attempt timeout (connect to end of response headers). */
  timeoutMs: number
  /** Attempts in flight at once, node-wide. */
  maxInFlight: number
  /** First retry delay; each later one doubles, up to backoffMaxMs (with jitter). */
  backoffBaseMs: number
  backoffMaxMs: number
  /** An event not delivered this long after it was created is expired (no more attempts). */
  expireAfterMs: number
  /** How often the store is asked for due events. */
  pollMs: number
}

export const WEBHOOKS_DEFAULTS: WebhooksConfig = {
  timeoutMs: 10_000,
  maxInFlight: 64,
  backoffBaseMs: 1_000,
  backoffMaxMs: 600_000,
  expireAfterMs: 86_400_000,
  pollMs: 200
}

/** The node-wide `webhooks:` section (defaults when absent). */
export function parseWebhooksConfig (node: ConfigNode): WebhooksConfig {
  if (!node.exists) return WEBHOOKS_DEFAULTS
  node.allowOnly(['timeout_ms', 'max_in_flight', 'backoff', 'expire_after_s', 'poll_ms'])
  const b = node.child('backoff').allowOnly(['base_ms', 'max_ms'])
  const base = b.int('base_ms', WEBHOOKS_DEFAULTS.backoffBaseMs, { min: 1, max: 3_600_000 })
  const max = b.int('max_ms', WEBHOOKS_DEFAULTS.backoffMaxMs, { min: 1, max: 86_400_000 })
  if (max < base) throw b.fail('max_ms', `must be at least backoff.base_ms (${base})`)
  return {
    timeoutMs: node.int('timeout_ms', WEBHOOKS_DEFAULTS.timeoutMs, { min: 10, max: 300_000 }),
    maxInFlight: node.int('max_in_flight', WEBHOOKS_DEFAULTS.maxInFlight, { min: 1, max: 10_000 }),
    backoffBaseMs: base,
    backoffMaxMs: max,
    expireAfterMs: node.number('expire_after_s', WEBHOOKS_DEFAULTS.expireAfterMs / 1000, { min: 0.001, max: 30 * 86_400 }) * 1000,
    pollMs: node.int('poll_ms', WEBHOOKS_DEFAULTS.pollMs, { min: 5, max: 60_000 })
  }
}

/** An account's `webhook:` block, or null when it has none. */
export function parseAccountWebhook (account: ConfigNode, env: NodeJS.ProcessEnv = process.env): AccountWebhook | null {
  const node = account.child('webhook')
  if (!node.exists) return null
  if (!node.isMap()) throw account.fail('webhook', 'must be a mapping')
  node.allowOnly(['url', 'secret', 'secret_env', 'events'])
  const url = node.optionalString('url')
  if (url !== null) {
    const problem = callbackUrlProblem(url)
    if (problem !== null) throw node.fail('url', problem)
  }
  const literal = node.optionalString('secret')
  const envName = node.optionalString('secret_env')
  if (literal !== null && envName !== null) throw node.fail('secret_env', 'give secret or secret_env, not both')
  let secret: string
  if (literal !== null) {
    secret = literal
  } else if (envName !== null) {
    const v = env[envName]
    // The message names the variable, never a value.
    if (v === undefined || v === '') throw node.fail('secret_env', `environment variable ${envName} is not set`)
    secret = v
  } else {
    throw node.fail('secret', 'is required (or secret_env: the name of an environment variable holding it)')
  }
  if (secret.length < 8) throw node.fail(literal !== null ? 'secret' : 'secret_env', 'must be at least 8 characters')
  const events = node.strings('events', [...WEBHOOK_EVENTS])
  events.forEach((e, i) => {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(e)) throw node.fail('events', `item ${i}: must be one of ${WEBHOOK_EVENTS.join(', ')} (got '${e}')`)
  })
  return { url, secret, events: [...new Set(events)] as WebhookEventType[] }
}

/** Why `url` cannot be a webhook target, or null when it can (absolute http or https, ≤ 2048 chars). */
export function callbackUrlProblem (url: string): string | null {
  if (url.length > 2048) return 'must be at most 2048 characters'
  let u: URL
  try { u = new URL(url) } catch { return 'must be an absolute http:// or https:// URL' }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an absolute http:// or https:// URL'
  if (u.username !== '' || u.password !== '') return 'must not carry credentials (the signature authenticates us)'
  return null
}

/**
 * Whether an account's events of this type become webhooks. Inbound and low-credit events need
 * the account's URL (without one, MO keeps going to the SMPP binds); status events may instead
 * go to each message's own callback_url.
 */
export function wantsEvent (wh: AccountWebhook | null | undefined, type: WebhookEventType): boolean {
  return wh != null && wh.events.includes(type) && (type === 'message.status' || wh.url !== null)
}
