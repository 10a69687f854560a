// A carrier profile as the engine uses it: every option parsed, checked and compiled (latencies to
// samplers, outcome weights to a cumulative table, patterns to RegExps). config.ts builds these from
// YAML; defaultProfile() is what `instrada sim` runs with no arguments.

import { Latency } from './random.js'
import { BUILTIN_OVERRIDES, OutcomeMix, type Override } from './outcomes.js'

export type IdFormat = 'hex' | 'decimal'
export type LongMoMode = 'udh8' | 'udh16' | 'sar' | 'payload'

export interface SimAccount {
  systemId: string
  /** Plain-text password (a test tool may keep it in the file) or null when passwordHash is set. */
  password: string | null
  /** `scrypt$N$r$p$salt$hash` (src/smpp/auth.ts, `instrada hash-password`), or null. */
  passwordHash: string | null
  maxBinds: number
}

export interface RefuseBinds {
  /** Start refusing this long after the carrier starts. */
  afterMs: number
  forMs: number
  /** Repeat the window with this period (0 = once). */
  everyMs: number
  status: number
}

export interface KeywordRule {
  /** Tested against the text of each MT message the carrier accepts. */
  pattern: RegExp
  reply: string
  rate: number
  delay: Latency
}

export interface ScheduledMo {
  from: string
  to: string
  text: string
  /** Deliver to this system_id's receivers; null = every account of the carrier. */
  systemId: string | null
  afterMs: number
  /** Repeat period (0 = once). */
  everyMs: number
  /** Stop after this many (0 = no limit while everyMs > 0). */
  count: number
}

export interface HandsetProfile {
  /** Share of recipients that answer an accepted MT (REPLY-type traffic). */
  replyRate: number
  replyDelay: Latency
  /** Template; `{to}`, `{from}` and `{id}` are replaced with the MT's fields. */
  replyText: string
  keywords: KeywordRule[]
  scheduled: ScheduledMo[]
  /** How an MO longer than one SMS is sent. */
  longMo: LongMoMode
}

export interface HlrNetwork {
  mcc: string
  mnc: string
  operator: string
}

export interface HlrRange extends HlrNetwork {
  prefix: string
  /** Share of numbers in the range that are ported, to `portedTo`. */
  portedRate: number
  portedTo: HlrNetwork | null
  reachableRate: number
}

export interface HlrProfile {
  ranges: HlrRange[]
  /** Failed outcome for MT to an unreachable number (UNDELIV / EXPIRED), or null to ignore the HLR. */
  unreachableStat: number | null
}

export interface CarrierProfile {
  name: string
  host: string
  port: number
  seed: number
  accounts: SimAccount[]
  /** Outstanding deliver_sm per bind before receipts wait in the queue. */
  window: number
  idFormat: IdFormat
  receiptIdFormat: IdFormat
  idStart: number

  latency: Latency
  enrouteLatency: Latency
  receiptQueueLimit: number
  receiptQueueTtlMs: number
  retainMs: number
  maxMessages: number

  outcomes: OutcomeMix
  overrides: Override[]

  tpsLimit: number
  tpsScope: 'bind' | 'carrier'
  maxPending: number
  queueFullRate: number
  systemErrorRate: number
  rejectRate: number
  rejectStatus: number

  slowResponseRate: number
  slowResponse: Latency
  noResponseRate: number
  dropEvery: number
  dropRate: number
  refuseBinds: RefuseBinds | null
  duplicateReceiptRate: number
  receiptBeforeResponseRate: number

  handsets: HandsetProfile
  hlr: HlrProfile
}

export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 2776

export function defaultHandsets (): HandsetProfile {
  return { replyRate: 0, replyDelay: Latency.fixed(1000), replyText: 'Reply from {to}', keywords: [], scheduled: [], longMo: 'udh8' }
}

/** The zero-config carrier: sim/simpass on 127.0.0.1:2776, every message DELIVRD in ~5 ms. */
export function defaultProfile (over: Partial<CarrierProfile> = {}): CarrierProfile {
  return {
    name: 'sim',
    host: DEFAULT_HOST,
    port: DEFAULT_PORT,
    seed: 1,
    accounts: [{ systemId: 'sim', password: 'simpass', passwordHash: null, maxBinds: 16 }],
    window: 1000,
    idFormat: 'hex',
    receiptIdFormat: 'hex',
    idStart: 1,
    latency: Latency.fixed(5),
    enrouteLatency: Latency.fixed(1),
    receiptQueueLimit: 100_000,
    receiptQueueTtlMs: 600_000,
    retainMs: 60_000,
    maxMessages: 500_000,
    outcomes: OutcomeMix.allDelivered(),
    overrides: [...BUILTIN_OVERRIDES],
    tpsLimit: 0,
    tpsScope: 'bind',
    maxPending: 1_500_000,
    queueFullRate: 0,
    systemErrorRate: 0,
    rejectRate: 0,
    rejectStatus: 0x45,
    slowResponseRate: 0,
    slowResponse: Latency.fixed(5000),
    noResponseRate: 0,
    dropEvery: 0,
    dropRate: 0,
    refuseBinds: null,
    duplicateReceiptRate: 0,
    receiptBeforeResponseRate: 0,
    handsets: defaultHandsets(),
    hlr: { ranges: [], unreachableStat: null },
    ...over
  }
}
