// A token bucket for TPS limits (per account, per carrier). Time is passed in, so the bucket is
// pure and a test can drive it; refill is computed lazily on each take, no timer.

export class TokenBucket {
  /** Tokens added per second; 0 means unlimited. */
  private rate: number
  private burst: number
  private tokens: number
  private last: number

  constructor (ratePerSecond: number, burst = Math.max(1, ratePerSecond), now = Date.now()) {
    this.rate = ratePerSecond
    this.burst = burst
    this.tokens = burst
    this.last = now
  }

  get unlimited (): boolean { return this.rate === 0 }
  get ratePerSecond (): number { return this.rate }

  /** Takes `n` tokens if all are available; otherwise takes none and returns false. */
  tryTake (n: number, now = Date.now()): boolean {
    if (this.rate === 0) return true
    this.refill(now)
    if (this.tokens < n) return false
    this.tokens -= n
    return true
  }

  /** Whole tokens available now (Infinity when unlimited). */
  available (now = Date.now()): number {
    if (this.rate === 0) return Infinity
    this.refill(now)
    return Math.floor(this.tokens)
  }

  /** Milliseconds until `n` tokens will be available (0 when they are now). */
  waitMs (n: number, now = Date.now()): number {
    if (this.rate === 0) return 0
    this.refill(now)
    if (this.tokens >= n) return 0
    return Math.ceil(((n - this.tokens) / this.rate) * 1000)
  }

  /** Changes the rate (a carrier that throttles us gets slowed down), keeping earned tokens. */
  setRate (ratePerSecond: number, burst = Math.max(1, ratePerSecond), now = Date.now()): void {
    this.refill(now)
    this.rate = ratePerSecond
    this.burst = burst
    if (this.tokens > burst) this.tokens = burst
  }

  private refill (now: number): void {
    const elapsed = now - this.last
    if (elapsed <= 0) return
    this.last = now
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000)
  }
}
