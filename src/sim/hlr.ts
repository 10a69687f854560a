// HLR lookups from a number-range table: the longest matching prefix gives the home network; whether
// a number is ported or reachable is drawn from a hash of the number and the carrier's seed, so the
// same number always gets the same answer (and the configured shares hold over many numbers).

import { hash32 } from './random.js'
import type { HlrProfile, HlrRange } from './profile.js'

export interface HlrAnswer {
  msisdn: string
  /** False when no range matches the number. */
  known: boolean
  mcc: string | null
  mnc: string | null
  operator: string | null
  ported: boolean
  /** The network the number belongs to before porting (null when not ported). */
  originalOperator: string | null
  reachable: boolean
}

export class Hlr {
  private readonly byPrefix = new Map<string, HlrRange>()
  private readonly lengths: number[]
  private readonly seed: number
  readonly profile: HlrProfile

  constructor (profile: HlrProfile, seed: number) {
    this.profile = profile
    this.seed = seed
    for (const r of profile.ranges) if (!this.byPrefix.has(r.prefix)) this.byPrefix.set(r.prefix, r)
    this.lengths = [...new Set(profile.ranges.map((r) => r.prefix.length))].sort((a, b) => b - a)
  }

  get empty (): boolean { return this.byPrefix.size === 0 }

  range (digits: string): HlrRange | null {
    for (const len of this.lengths) {
      if (len > digits.length) continue
      const r = this.byPrefix.get(digits.slice(0, len))
      if (r !== undefined) return r
    }
    return null
  }

  lookup (msisdn: string): HlrAnswer {
    const digits = msisdn.replace(/^\+|^00/, '')
    const r = /^\d{1,20}$/.test(digits) ? this.range(digits) : null
    if (r === null) return { msisdn: digits, known: false, mcc: null, mnc: null, operator: null, ported: false, originalOperator: null, reachable: false }
    const h = hash32(digits, this.seed)
    // Two independent fractions from one hash: low 16 bits for porting, high 16 for reachability.
    const ported = r.portedTo !== null && (h & 0xffff) / 65536 < r.portedRate
    const reachable = (h >>> 16) / 65536 < r.reachableRate
    const net = ported ? r.portedTo! : r
    return { msisdn: digits, known: true, mcc: net.mcc, mnc: net.mnc, operator: net.operator, ported, originalOperator: ported ? r.operator : null, reachable }
  }

  /** Hot-path check used when the profile maps unreachable numbers to a failed outcome. */
  unreachable (dest: string): boolean {
    const digits = dest.charCodeAt(0) === 43 ? dest.slice(1) : dest
    const r = this.range(digits)
    if (r === null) return false
    return (hash32(digits, this.seed) >>> 16) / 65536 >= r.reachableRate
  }
}
