// Latency histograms for the load generator: HDR (hdr-histogram-js), values kept in microseconds
// so sub-millisecond responses on loopback are resolved, reported in milliseconds.

import { build, type Histogram } from 'hdr-histogram-js'

export interface LatencySummary {
  count: number
  min: number
  mean: number
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
}

export class LatencyHistogram {
  private readonly h: Histogram

  constructor () {
    // 3 significant digits, auto-resizing: a stalled run (minutes) is recorded, not clipped.
    this.h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true })
  }

  get count (): number { return this.h.totalCount }

  /** Records one latency given in milliseconds (negative values, from clock skew, count as 0). */
  record (ms: number): void {
    const us = ms <= 0 ? 0 : Math.round(ms * 1000)
    this.h.recordValue(us)
  }

  /** Value at `percentile` (0–100) in milliseconds; NaN when empty. */
  percentile (percentile: number): number {
    if (this.h.totalCount === 0) return NaN
    return this.h.getValueAtPercentile(percentile) / 1000
  }

  summary (): LatencySummary {
    if (this.h.totalCount === 0) return { count: 0, min: NaN, mean: NaN, p50: NaN, p90: NaN, p99: NaN, p999: NaN, max: NaN }
    return {
      count: this.h.totalCount,
      min: this.percentile(0),
      mean: this.h.mean / 1000,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.h.maxValue / 1000
    }
  }

  reset (): void { this.h.reset() }
}
