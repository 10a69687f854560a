// The `router:` section and the router's own account keys (throughput, queue and window limits).

import type { ConfigNode } from '../config/node.js'
import { defaultRetryPolicy, type RetryPolicy } from '../carriers/retry.js'
import { SMS_TYPES, type SmsType } from '../rules/config.js'

export interface RouterConfig {
  /** Engine worker threads; 0 runs the engine on the main thread. */
  workers: number
  /**
   * Young-generation size of each engine worker's V8 heap (MB); 0 = V8's default. An engine
   * allocates ~20 KB per message, almost all short-lived: a larger nursery means fewer
   * scavenges and less copying (measured in docs/benchmarks.md), at the cost of that much RSS.
   */
  engineYoungMb: number
  /** Messages accepted but not yet handed to a carrier, across all accounts, before 0x14. */
  queueLimit: number
  /**
   * Accepted messages an engine keeps in memory, ready to send; beyond it they wait in the store
   * (as their ids, in order) and are loaded as the memory queue drains. queue_limit bounds both.
   */
  memoryQueue: number
  /** How often the due-time index (retries, scheduled sends) is polled. */
  duePollMs: number
  /** Validity given to messages that don't set one. */
  defaultValidityMs: number
  /** Longest validity a customer may ask for; more gets 0x62. */
  maxValidityMs: number
  /** Furthest a schedule may reach into the future; more gets 0x61. */
  maxScheduleMs: number
  /** Receipts that arrive before their submit_sm_resp is recorded are held this long. */
  receiptHoldMs: number
  /**
   * A held receipt's deliver_sm is answered after this long even if it is still held: receipts
   * that never match (a carrier replaying old ones) must not keep the carrier's window shut.
   * A crash between this answer and the match loses that receipt.
   */
  receiptAckMs: number
  /** Customer receipts waiting in the store for a receiver bind expire after this long. */
  receiptTtlMs: number
  /** A handset's MO to a number goes to the account that sent it a `reply` message this recently. */
  replyWindowMs: number
  /** How long the parts of a concatenated MO wait for the missing ones before what came is handed on. */
  moConcatWaitMs: number
  retry: RetryPolicy
}

export const ROUTER_DEFAULTS: RouterConfig = {
  workers: 1,
  engineYoungMb: 64,
  queueLimit: 200_000,
  memoryQueue: 20_000,
  duePollMs: 100,
  defaultValidityMs: 48 * 3600_000,
  maxValidityMs: 7 * 24 * 3600_000,
  maxScheduleMs: 30 * 24 * 3600_000,
  receiptHoldMs: 30_000,
  receiptAckMs: 2000,
  receiptTtlMs: 72 * 3600_000,
  replyWindowMs: 48 * 3600_000,
  moConcatWaitMs: 600_000,
  retry: defaultRetryPolicy
}

const KEYS = ['workers', 'engine_young_mb', 'queue_limit', 'memory_queue', 'due_poll_ms', 'default_validity_s', 'max_validity_s', 'max_schedule_s',
  'receipt_hold_ms', 'receipt_ack_ms', 'receipt_ttl_s', 'reply_window_s', 'mo_concat_wait_s', 'retry'] as const
const RETRY_KEYS = ['base_delay_ms', 'max_delay_ms', 'max_attempts', 'throttle_delay_ms', 'jitter'] as const

export function parseRouterConfig (node: ConfigNode): RouterConfig {
  const d = ROUTER_DEFAULTS
  node.allowOnly(KEYS)
  const r = node.child('retry').allowOnly(RETRY_KEYS)
  const cfg: RouterConfig = {
    workers: node.int('workers', d.workers, { min: 0, max: 16 }),
    engineYoungMb: node.int('engine_young_mb', d.engineYoungMb, { min: 0, max: 1024 }),
    queueLimit: node.int('queue_limit', d.queueLimit, { min: 1, max: 10_000_000 }),
    memoryQueue: node.int('memory_queue', d.memoryQueue, { min: 1, max: 10_000_000 }),
    duePollMs: node.int('due_poll_ms', d.duePollMs, { min: 5, max: 60_000 }),
    defaultValidityMs: node.int('default_validity_s', d.defaultValidityMs / 1000, { min: 1, max: 365 * 86400 }) * 1000,
    maxValidityMs: node.int('max_validity_s', d.maxValidityMs / 1000, { min: 1, max: 365 * 86400 }) * 1000,
    maxScheduleMs: node.int('max_schedule_s', d.maxScheduleMs / 1000, { min: 0, max: 365 * 86400 }) * 1000,
    receiptHoldMs: node.int('receipt_hold_ms', d.receiptHoldMs, { min: 0, max: 3_600_000 }),
    receiptAckMs: node.int('receipt_ack_ms', d.receiptAckMs, { min: 0, max: 3_600_000 }),
    receiptTtlMs: node.int('receipt_ttl_s', d.receiptTtlMs / 1000, { min: 1, max: 365 * 86400 }) * 1000,
    replyWindowMs: node.int('reply_window_s', d.replyWindowMs / 1000, { min: 0, max: 365 * 86400 }) * 1000,
    moConcatWaitMs: node.int('mo_concat_wait_s', d.moConcatWaitMs / 1000, { min: 1, max: 86400 }) * 1000,
    retry: {
      baseDelayMs: r.int('base_delay_ms', d.retry.baseDelayMs, { min: 1, max: 3_600_000 }),
      maxDelayMs: r.int('max_delay_ms', d.retry.maxDelayMs, { min: 1, max: 86_400_000 }),
      maxAttempts: r.int('max_attempts', d.retry.maxAttempts, { min: 1, max: 1000 }),
      throttleDelayMs: r.int('throttle_delay_ms', d.retry.throttleDelayMs, { min: 1, max: 3_600_000 }),
      jitter: r.number('jitter', d.retry.jitter, { min: 0, max: 1 })
    }
  }
  if (cfg.defaultValidityMs > cfg.maxValidityMs) throw node.fail('default_validity_s', 'must not exceed max_validity_s')
  if (cfg.retry.maxDelayMs < cfg.retry.baseDelayMs) throw r.fail('max_delay_ms', 'must be at least base_delay_ms')
  return cfg
}

/** Per-account traffic limits, read from the account's own mapping. */
export interface AccountLimits {
  /** Parts per second; 0 = unlimited. Above it: ESME_RTHROTTLED (0x58). */
  tps: number
  /** Messages of this account accepted and not yet handed to a carrier; above it: ESME_RMSGQFUL (0x14). */
  maxQueued: number
  /** Submits one bind may have unanswered at once; above it: ESME_RTHROTTLED (0x58). */
  window: number
  /**
   * Suspended by an operator: binds refused (ESME_RBINDFAIL), live binds unbound, submissions
   * refused (INSTRADA_RACCTSUSPENDED 0x401, HTTP 403) and API keys refused (403).
   */
  suspended: boolean
  /**
   * The account's receive code on shared numbers: MO whose first word is this (any case) is
   * the account's. Digits (a numeric receipt code) or an alias of 5–11 letters and digits.
   */
  moKeyword: string | null
  /** The message sent back to a handset whose MO reached this account by its receive code or dedicated number. */
  moAutoReply: MoAutoReply | null
}

export interface MoAutoReply {
  text: string
  /** The SMS type of the answer: `reply` (default: from the shared number, rules.types.reply.sender), `smart` or `pro`. */
  type: SmsType
  /** The sender for type `pro` (one of the account's senders); '' otherwise. */
  from: string
}

export const ROUTER_ACCOUNT_KEYS = ['tps', 'max_queued', 'window', 'suspended', 'mo_keyword', 'mo_auto_reply'] as const
const MO_KEYWORD = /^(?:[0-9]{1,11}|[A-Za-z0-9]{5,11})$/

export function parseAccountLimits (node: ConfigNode): AccountLimits {
  return {
    tps: node.int('tps', 0, { min: 0, max: 10_000_000 }),
    maxQueued: node.int('max_queued', 100_000, { min: 1, max: 10_000_000 }),
    window: node.int('window', 1000, { min: 1, max: 100_000 }),
    suspended: node.bool('suspended', false),
    moKeyword: moKeyword(node),
    moAutoReply: moAutoReply(node)
  }
}

function moAutoReply (node: ConfigNode): MoAutoReply | null {
  if (!node.has('mo_auto_reply')) return null
  const n = node.child('mo_auto_reply').allowOnly(['text', 'type', 'from'])
  const text = n.string('text')
  if (text.length === 0 || text.length > 1000) throw n.fail('text', 'must be 1 to 1000 characters')
  const type = n.string('type', 'reply') as SmsType
  if (!SMS_TYPES.includes(type)) throw n.fail('type', `must be one of ${SMS_TYPES.join(', ')}`)
  const from = n.string('from', '')
  if (type === 'pro' && from === '') throw n.fail('from', "is required for type 'pro' (one of the account's senders)")
  return { text, type, from }
}

function moKeyword (node: ConfigNode): string | null {
  if (!node.has('mo_keyword')) return null
  const k = node.string('mo_keyword', '')
  if (!MO_KEYWORD.test(k)) throw node.fail('mo_keyword', 'must be digits (a receive code) or 5–11 letters and digits (an alias)')
  return k.toUpperCase()
}
