// When each message should be sent. Open loop: message i is due at start + i / rate, whatever
// happened to the earlier ones, and its latency is measured from that intended time — a stall in
// the server (or in us) then shows as latency instead of silently lowering the offered rate
// (coordinated omission). Closed loop has no schedule: the intended time is the send time.

export class OpenLoopSchedule {
  readonly rate: number
  readonly startMs: number
  readonly intervalMs: number

  /** `rate` messages per second from `startMs` (a performance.now() value). */
  constructor (rate: number, startMs: number) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`open-loop rate must be a positive number, got ${rate}`)
    this.rate = rate
    this.startMs = startMs
    this.intervalMs = 1000 / rate
  }

  /** Intended send time of message `i` (0-based). */
  intendedTime (i: number): number {
    return this.startMs + i * this.intervalMs
  }

  /** How many messages (0..) are due at `nowMs`: message i is due once intendedTime(i) <= nowMs. */
  dueBy (nowMs: number): number {
    if (nowMs < this.startMs) return 0
    return Math.floor((nowMs - this.startMs) * this.rate / 1000 + 1e-9) + 1
  }
}

/**
 * A deterministic, evenly spread sequence of choices by weight: over any `weights.length`-aware
 * window the shares match the weights as closely as whole counts allow (largest-remainder
 * interleaving), so a short run still gets its mix, and two runs get the same one.
 */
export function spreadByWeight (weights: readonly number[], length: number): Uint16Array {
  const total = weights.reduce((a, b) => a + b, 0)
  if (!(total > 0)) throw new RangeError('weights must add up to more than 0')
  const out = new Uint16Array(length)
  const credit = new Float64Array(weights.length)
  for (let i = 0; i < length; i++) {
    let best = 0
    for (let k = 0; k < weights.length; k++) {
      credit[k] += weights[k] / total
      if (credit[k] > credit[best]) best = k
    }
    credit[best] -= 1
    out[i] = best
  }
  return out
}
