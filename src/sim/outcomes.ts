// Final outcomes a simulated carrier reports, their SMPP message_state values, and the weighted mix
// each profile draws from. Per-destination overrides force an outcome (or a submit error) for numbers
// matching a prefix or a pattern; a built-in set under the 999 prefix is documented in
// docs/simulator.md so tests and demos can ask for a given result by number.

import type { Latency, Rng } from './random.js'

export const STATS = ['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED', 'UNKNOWN', 'ACCEPTD', 'ENROUTE'] as const
export type Stat = (typeof STATS)[number]
/** Index of a stat in STATS: the hot path carries small integers, not strings. */
export const S_DELIVRD = 0
export const S_UNDELIV = 1
export const S_EXPIRED = 2
export const S_REJECTD = 3
export const S_DELETED = 4
export const S_UNKNOWN = 5
export const S_ACCEPTD = 6
export const S_ENROUTE = 7
export const FINAL_STATS: readonly Stat[] = STATS.slice(0, 7)

/** SMPP message_state (TLV 0x0427 and query_sm_resp) for each stat index. */
export const MESSAGE_STATE: readonly number[] = [2, 5, 3, 8, 4, 7, 6, 1]

export function statIndex (name: string): number {
  return (STATS as readonly string[]).indexOf(name)
}

export interface OutcomeEntry {
  stat: number
  weight: number
  /** Codes for the receipt's err: field and network_error_code; one is drawn uniformly. */
  errors: number[]
}

/** Default error code per stat when a profile gives none. */
export const DEFAULT_ERR: readonly number[] = [0, 1, 27, 11, 6, 255, 0, 0]

export class OutcomeMix {
  readonly entries: readonly OutcomeEntry[]
  private readonly cumulative: Float64Array
  private readonly total: number

  constructor (entries: OutcomeEntry[]) {
    this.entries = entries.filter((e) => e.weight > 0)
    this.cumulative = new Float64Array(this.entries.length)
    let sum = 0
    for (let i = 0; i < this.entries.length; i++) {
      sum += this.entries[i].weight
      this.cumulative[i] = sum
    }
    this.total = sum
  }

  static allDelivered (): OutcomeMix {
    return new OutcomeMix([{ stat: S_DELIVRD, weight: 1, errors: [0] }])
  }

  /** Probability of one stat in this mix (for documentation and statistical tests). */
  share (stat: number): number {
    let w = 0
    for (const e of this.entries) if (e.stat === stat) w += e.weight
    return this.total === 0 ? 0 : w / this.total
  }

  /** Draws an entry index; a mix of one entry draws nothing, keeping the seed's sequence for others. */
  pick (rng: Rng): number {
    const n = this.entries.length
    if (n <= 1) return 0
    const x = rng.next() * this.total
    const c = this.cumulative
    for (let i = 0; i < n - 1; i++) if (x < c[i]) return i
    return n - 1
  }

  entry (i: number): OutcomeEntry {
    return this.entries[i]
  }
}

export function pickError (errors: readonly number[], rng: Rng): number {
  if (errors.length === 1) return errors[0]
  return errors[rng.int(errors.length)]
}

/** What a destination override forces. null fields leave the profile's own behaviour. */
export interface Override {
  /** Matched against destination_addr with a leading '+' removed. */
  prefix: string | null
  /**
   * Also matched at the end of the number (the built-in test numbers): a valid mobile number
   * such as 393471299901 then passes a router's number checks and still forces the outcome.
   */
  suffix: string | null
  pattern: RegExp | null
  stat: number | null
  err: number | null
  /** A non-zero command_status answered to the submit (no message is created). */
  submitStatus: number | null
  /** Never answer the submit. */
  noResponse: boolean
  latency: Latency | null
  describe: string
}

function builtin (prefix: string, describe: string, fields: Partial<Override>): Override {
  return { prefix, suffix: prefix, pattern: null, stat: null, err: null, submitStatus: null, noResponse: false, latency: null, describe, ...fields }
}

/** The documented test numbers (docs/simulator.md, "Test numbers"); on unless builtin_overrides: false. */
export const BUILTIN_OVERRIDES: readonly Override[] = [
  builtin('99900', 'DELIVRD', { stat: S_DELIVRD, err: 0 }),
  builtin('99901', 'UNDELIV err 1', { stat: S_UNDELIV, err: 1 }),
  builtin('99902', 'EXPIRED err 27', { stat: S_EXPIRED, err: 27 }),
  builtin('99903', 'REJECTD err 11', { stat: S_REJECTD, err: 11 }),
  builtin('99904', 'DELETED err 6', { stat: S_DELETED, err: 6 }),
  builtin('99905', 'UNKNOWN err 255', { stat: S_UNKNOWN, err: 255 }),
  builtin('99906', 'ACCEPTD', { stat: S_ACCEPTD, err: 0 }),
  builtin('99908', 'submit_sm_resp 0x08 (system error)', { submitStatus: 0x08 }),
  builtin('99911', 'submit_sm_resp 0x0B (invalid destination)', { submitStatus: 0x0b }),
  builtin('99914', 'submit_sm_resp 0x14 (queue full)', { submitStatus: 0x14 }),
  builtin('99945', 'submit_sm_resp 0x45 (submit failed)', { submitStatus: 0x45 }),
  builtin('99958', 'submit_sm_resp 0x58 (throttled)', { submitStatus: 0x58 }),
  builtin('99999', 'no submit_sm_resp at all', { noResponse: true })
]

/** The first override matching `dest`, or null. Called only when the profile has any. */
export function matchOverride (list: readonly Override[], dest: string): Override | null {
  const d = dest.charCodeAt(0) === 43 /* + */ ? dest.slice(1) : dest
  const c0 = d.charCodeAt(0)
  for (let i = 0; i < list.length; i++) {
    const o = list[i]
    if (o.prefix !== null) {
      // First character before startsWith: most numbers fail there (the built-ins all start with 9).
      if (o.prefix.charCodeAt(0) === c0 && d.startsWith(o.prefix)) return o
      if (o.suffix !== null && d.endsWith(o.suffix)) return o
    } else if (o.pattern!.test(d)) {
      return o
    }
  }
  return null
}
