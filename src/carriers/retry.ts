// What to do when a carrier did not accept a part: which class of failure it is, and when (if
// ever) to try again. Pure functions over a policy object, so the rules are tested directly.

import { CommandStatus, isThrottling } from '../smpp/pdu/status.js'

export const FailureClass = {
  /** The carrier asked us to slow down (0x58, 0x14): retry soon and lower its send rate. */
  Throttled: 'throttled',
  /** A transient error (system error, submit failed, …): back off exponentially. */
  Temporary: 'temporary',
  /** No submit_sm_resp within the timeout, or the connection dropped before one came. */
  Timeout: 'timeout',
  /** Retrying cannot help (bad address, rejected content, …): fail the message. */
  Permanent: 'permanent'
} as const
export type FailureClass = (typeof FailureClass)[keyof typeof FailureClass]

const TEMPORARY = new Set<number>([
  CommandStatus.ESME_RSYSERR,
  CommandStatus.ESME_RSUBMITFAIL,
  CommandStatus.ESME_RX_T_APPN,
  CommandStatus.ESME_RUNKNOWNERR,
  CommandStatus.ESME_RDELIVERYFAILURE
])

export function classifyStatus (status: number): FailureClass {
  if (isThrottling(status)) return FailureClass.Throttled
  if (TEMPORARY.has(status)) return FailureClass.Temporary
  return FailureClass.Permanent
}

export interface RetryPolicy {
  /** First backoff for temporary errors and timeouts. */
  baseDelayMs: number
  /** Cap on any single backoff. */
  maxDelayMs: number
  /** Attempts in all (the first send included) before giving up. */
  maxAttempts: number
  /** Delay before retrying a throttled part. */
  throttleDelayMs: number
  /** 0..1: a backoff is drawn from [d·(1−jitter), d]. Spreads retries so they don't stampede. */
  jitter: number
}

export const defaultRetryPolicy: RetryPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  maxAttempts: 8,
  throttleDelayMs: 200,
  jitter: 0.5
}

/**
 * When to retry a part that failed its `attempt`-th send (1-based), or null to give up: the
 * failure is permanent, attempts are exhausted, or the retry would fall after `expiresAt`
 * (the message's validity period; 0 = no limit). Throttling doesn't count against attempts,
 * since the carrier told us exactly what to do.
 */
export function nextRetryAt (
  policy: RetryPolicy, failure: FailureClass, attempt: number, now: number, expiresAt: number,
  random: () => number = Math.random
): number | null {
  if (failure === FailureClass.Permanent) return null
  let delay: number
  if (failure === FailureClass.Throttled) {
    delay = policy.throttleDelayMs
  } else {
    if (attempt >= policy.maxAttempts) return null
    delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  }
  delay = Math.round(delay * (1 - policy.jitter * random()))
  const at = now + delay
  if (expiresAt > 0 && at >= expiresAt) return null
  return at
}
