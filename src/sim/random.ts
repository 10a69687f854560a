// Seeded randomness for the simulator: one generator per carrier so a seed replays every choice
// (outcome, latency, fault) in the same order. sfc32 is small, fast and passes PractRand; Math.random
// cannot be seeded. Latency distributions sample in milliseconds and clamp to [min, max].

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare: number
  private hasSpare: boolean

  constructor (seed: number) {
    // splitmix32 spreads a small integer seed over the 128-bit state.
    let s = seed >>> 0
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
    this.spare = 0
    this.hasSpare = false
    for (let i = 0; i < 12; i++) this.u32()
  }

  u32 (): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  next (): number {
    return this.u32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int (n: number): number {
    return Math.floor(this.next() * n)
  }

  /** True with probability p (p <= 0 never draws, so a disabled fault costs no randomness). */
  chance (p: number): boolean {
    if (p <= 0) return false
    if (p >= 1) return true
    return this.next() < p
  }

  /** Standard normal (Box-Muller, the second value kept for the next call). */
  gaussian (): number {
    if (this.hasSpare) {
      this.hasSpare = false
      return this.spare
    }
    let u = 0
    while (u === 0) u = this.next()
    const v = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    this.hasSpare = true
    return r * Math.cos(2 * Math.PI * v)
  }
}

export type LatencySpec =
  | { dist: 'fixed', ms: number, minMs: number, maxMs: number }
  | { dist: 'uniform', lowMs: number, highMs: number, minMs: number, maxMs: number }
  | { dist: 'normal', meanMs: number, stddevMs: number, minMs: number, maxMs: number }
  | { dist: 'lognormal', medianMs: number, sigma: number, minMs: number, maxMs: number }

/** A latency distribution compiled to a sampler; `sample()` returns whole milliseconds. */
export class Latency {
  readonly spec: LatencySpec
  private readonly kind: number
  private readonly p1: number
  private readonly p2: number
  private readonly lo: number
  private readonly hi: number

  constructor (spec: LatencySpec) {
    this.spec = spec
    this.lo = spec.minMs
    this.hi = spec.maxMs
    switch (spec.dist) {
      case 'fixed': this.kind = 0; this.p1 = spec.ms; this.p2 = 0; break
      case 'uniform': this.kind = 1; this.p1 = spec.lowMs; this.p2 = spec.highMs - spec.lowMs; break
      case 'normal': this.kind = 2; this.p1 = spec.meanMs; this.p2 = spec.stddevMs; break
      case 'lognormal': this.kind = 3; this.p1 = Math.log(spec.medianMs); this.p2 = spec.sigma; break
    }
  }

  static fixed (ms: number): Latency {
    return new Latency({ dist: 'fixed', ms, minMs: 0, maxMs: Number.MAX_SAFE_INTEGER })
  }

  sample (rng: Rng): number {
    let v: number
    switch (this.kind) {
      case 0: v = this.p1; break
      case 1: v = this.p1 + rng.next() * this.p2; break
      case 2: v = this.p1 + rng.gaussian() * this.p2; break
      default: v = Math.exp(this.p1 + rng.gaussian() * this.p2)
    }
    if (v < this.lo) v = this.lo
    if (v > this.hi) v = this.hi
    return Math.round(v)
  }

  describe (): string {
    const s = this.spec
    switch (s.dist) {
      case 'fixed': return `fixed ${s.ms} ms`
      case 'uniform': return `uniform ${s.lowMs}-${s.highMs} ms`
      case 'normal': return `normal mean ${s.meanMs} ms sd ${s.stddevMs} ms`
      case 'lognormal': return `log-normal median ${s.medianMs} ms sigma ${s.sigma}`
    }
  }
}

/** A stable 32-bit hash of a string mixed with a seed (FNV-1a + avalanche): same input, same answer. */
export function hash32 (text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h >>> 0
}
