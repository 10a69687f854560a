// The `receipts:` section.
//
// receipts:
//   hold_ms: 10000     # how long a receipt that arrives before its submit_sm_resp was recorded waits
//   max_held: 10000    # at most this many such receipts wait at once (the oldest is dropped first)
//   retry_ms: 250      # how often waiting receipts look their id up again (commits on other threads)

import type { ConfigNode } from '../config/node.js'

export interface ReceiptsConfig {
  holdMs: number
  maxHeld: number
  retryMs: number
}

export const RECEIPTS_KEYS = ['hold_ms', 'max_held', 'retry_ms'] as const

export const DEFAULT_RECEIPTS: Readonly<ReceiptsConfig> = Object.freeze({ holdMs: 10_000, maxHeld: 10_000, retryMs: 250 })

export function parseReceiptsConfig (node: ConfigNode): ReceiptsConfig {
  node.allowOnly(RECEIPTS_KEYS)
  return {
    holdMs: node.int('hold_ms', DEFAULT_RECEIPTS.holdMs, { min: 0, max: 600_000 }),
    maxHeld: node.int('max_held', DEFAULT_RECEIPTS.maxHeld, { min: 0, max: 10_000_000 }),
    retryMs: node.int('retry_ms', DEFAULT_RECEIPTS.retryMs, { min: 10, max: 60_000 })
  }
}
