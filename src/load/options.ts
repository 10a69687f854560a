// What one load run is told to do, with defaults and checks shared by the CLI and the benchmarks.

import { argError } from './args.js'
import { DEFAULT_MIX, type MessageMix } from './mix.js'

export interface LoadOptions {
  host: string
  port: number
  systemId: string
  password: string
  /** Customer binds (transceivers), each with its own window. */
  binds: number
  /** Unanswered submit_sm per bind. */
  window: number
  /** Offered messages per second over all binds; 0 = closed loop (as fast as the windows allow). */
  rate: number
  /** Stop after this many messages (0 = no count limit). */
  count: number
  /** Stop sending after this many seconds, warm-up included (0 = no time limit). */
  seconds: number
  /** Leading seconds not measured (latencies and throughput count from its end). */
  warmupSeconds: number
  mix: MessageMix
  sourceAddr: string
  destinationAddr: string
  /** After the last response, wait at most this long for the receipts still due. */
  receiptWaitMs: number
  /** A submit unanswered this long counts as INS_ERR_RESPONSE_TIMEOUT. */
  requestTimeoutMs: number
  /** Binds opened at once while connecting (the server's password check is deliberately slow). */
  bindConcurrency: number
}

export const LOAD_DEFAULTS: LoadOptions = {
  host: '127.0.0.1',
  port: 2775,
  systemId: 'demo',
  password: 'demopass',
  binds: 1,
  window: 100,
  rate: 0,
  count: 0,
  seconds: 10,
  warmupSeconds: 0,
  mix: DEFAULT_MIX,
  sourceAddr: 'Instrada',
  destinationAddr: '393471234567',
  receiptWaitMs: 5000,
  requestTimeoutMs: 30_000,
  bindConcurrency: 10
}

/** Fills defaults and refuses what cannot run (no bound at all, non-positive sizes). */
export function loadOptions (partial: Partial<LoadOptions>): LoadOptions {
  const o: LoadOptions = { ...LOAD_DEFAULTS, ...partial }
  const int = (name: keyof LoadOptions, min: number, max: number): void => {
    const v = o[name] as number
    if (!Number.isInteger(v) || v < min || v > max) throw argError(name, `must be an integer from ${min} to ${max}, got ${String(v)}`)
  }
  int('port', 1, 65535)
  int('binds', 1, 10_000)
  int('window', 1, 100_000)
  int('count', 0, Number.MAX_SAFE_INTEGER)
  int('receiptWaitMs', 0, 3_600_000)
  int('requestTimeoutMs', 1, 3_600_000)
  int('bindConcurrency', 1, 1000)
  if (!(o.rate >= 0) || !Number.isFinite(o.rate)) throw argError('rate', `must be ≥ 0 messages/s, got ${o.rate}`)
  if (!(o.seconds >= 0) || !Number.isFinite(o.seconds)) throw argError('seconds', `must be ≥ 0, got ${o.seconds}`)
  if (!(o.warmupSeconds >= 0)) throw argError('warmupSeconds', `must be ≥ 0, got ${o.warmupSeconds}`)
  if (o.count === 0 && o.seconds === 0) throw argError('options', 'give a count or a number of seconds (or both): a run must be bounded')
  if (o.seconds > 0 && o.warmupSeconds >= o.seconds) throw argError('options', 'warmupSeconds must be shorter than seconds')
  return o
}
