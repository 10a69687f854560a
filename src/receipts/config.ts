// The correlator's defaults. The router sets holdMs and ackAfterMs from its own section
// (`router.receipt_hold_ms`, `router.receipt_ack_ms`); these apply to a DlrCorrelator built alone.

export interface ReceiptsConfig {
  /** How long a receipt that arrives before its part is known waits for it (ms). */
  holdMs: number
  /** At most this many such receipts wait at once (the oldest is dropped first). */
  maxHeld: number
  /** How often waiting receipts look their id up again (commits on other threads), ms. */
  retryMs: number
}

export const DEFAULT_RECEIPTS: Readonly<ReceiptsConfig> = Object.freeze({ holdMs: 10_000, maxHeld: 10_000, retryMs: 250 })
