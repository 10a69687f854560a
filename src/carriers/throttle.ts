// AIMD for a carrier that answers "throttled" (0x58) or "queue full" (0x14): halve the send rate
// (at most once per cut interval, since a burst of in-flight submits is refused together), then
// add back a small step each second without throttling. Pure: time is passed in.

export interface AdaptiveRateOptions {
  /** Cuts closer together than this count once. Default 250 ms. */
  cutIntervalMs?: number
  /** Each restore step adds this share of the target rate. Default 0.05 (half → full in ~10 s). */
  restoreShare?: number
  /** The rate never goes below this (submits/s). Default 1. */
  minRate?: number
}

export class AdaptiveRate {
  /** Configured rate; 0 = unlimited. */
  readonly configured: number
  /** Current limit; 0 = unlimited (only while not reduced and configured is 0). */
  limit: number
  cuts = 0
  private lastCut = -Infinity
  /** Where restoring stops: the configured rate, or (unlimited) the rate we ran at when first cut. */
  private target: number
  private readonly cutIntervalMs: number
  private readonly restoreShare: number
  private readonly minRate: number

  constructor (configured: number, opts: AdaptiveRateOptions = {}) {
    this.configured = configured
    this.limit = configured
    this.target = configured
    this.cutIntervalMs = opts.cutIntervalMs ?? 250
    this.restoreShare = opts.restoreShare ?? 0.05
    this.minRate = opts.minRate ?? 1
  }

  get reduced (): boolean {
    return this.limit !== this.configured
  }

  /**
   * The carrier throttled us while we sent at `observedRate` per second. Returns true when the
   * limit changed.
   */
  cut (now: number, observedRate: number): boolean {
    if (now - this.lastCut < this.cutIntervalMs) return false
    this.lastCut = now
    const observed = Math.max(this.minRate, observedRate)
    if (this.limit === 0) this.target = observed
    const base = this.limit === 0 ? observed : Math.min(this.limit, observed)
    const next = Math.max(this.minRate, base / 2)
    this.cuts++
    if (next === this.limit) return false
    this.limit = next
    return true
  }

  /** Called about once a second: one additive step when the last cut is at least `quietMs` ago. */
  restore (now: number, quietMs = 1000): boolean {
    if (!this.reduced || now - this.lastCut < quietMs) return false
    const step = Math.max(this.minRate, this.target * this.restoreShare)
    const next = this.limit + step
    this.limit = next >= this.target ? this.configured : next
    return true
  }
}

/** Submits per second over roughly the last second. */
export class RateMeter {
  private start = 0
  private count = 0
  private previous = 0

  mark (now: number): void {
    const elapsed = now - this.start
    if (elapsed >= 1000) {
      this.previous = elapsed < 2000 ? (this.count * 1000) / elapsed : 0
      this.start = now
      this.count = 0
    }
    this.count++
  }

  rate (now: number): number {
    const elapsed = now - this.start
    if (elapsed >= 2000) return 0
    const current = (this.count * 1000) / Math.max(100, elapsed)
    return Math.max(this.previous, current)
  }
}
