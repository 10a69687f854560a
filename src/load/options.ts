// What one load run is told to do, with defaults and checks shared by the CLI and the benchmarks.
// The SMPP and HTTP generators share the pacing, bounds and mix (CommonLoadOptions); each adds how
// it reaches the server.

import { argError } from './args.js'
import { DEFAULT_MIX, type MessageMix } from './mix.js'

export interface CommonLoadOptions {
  /** Offered messages per second over all binds (connections); 0 = closed loop (as fast as the windows allow). */
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
}

export interface LoadOptions extends CommonLoadOptions {
  host: string
  port: number
  systemId: string
  password: string
  /** Customer binds (transceivers), each with its own window. */
  binds: number
  /** Unanswered submit_sm per bind. */
  window: number
  /** Binds opened at once while connecting (the server's password check is deliberately slow). */
  bindConcurrency: number
}

export interface HttpLoadOptions extends CommonLoadOptions {
  /** The API's base URL (`http://127.0.0.1:8080`); messages go to `<url>/v1/messages`. */
  url: string
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string
  /** Keep-alive connections, each with one request in flight (the HTTP binds × window). */
  connections: number
  /** Where the webhook receiver for receipts listens; the callback_url names this address. */
  webhookHost: string
}

const COMMON_DEFAULTS: CommonLoadOptions = {
  rate: 0,
  count: 0,
  seconds: 10,
  warmupSeconds: 0,
  mix: DEFAULT_MIX,
  sourceAddr: 'Instrada',
  destinationAddr: '393471234567',
  receiptWaitMs: 5000,
  requestTimeoutMs: 30_000
}

export const LOAD_DEFAULTS: LoadOptions = {
  host: '127.0.0.1',
  port: 2775,
  systemId: 'demo',
  password: 'demopass',
  binds: 1,
  window: 100,
  ...COMMON_DEFAULTS,
  bindConcurrency: 10
}

export const HTTP_LOAD_DEFAULTS: HttpLoadOptions = {
  url: 'http://127.0.0.1:8080',
  apiKey: 'demo-api-key',
  connections: 10,
  webhookHost: '127.0.0.1',
  ...COMMON_DEFAULTS
}

type IntCheck = (name: string, min: number, max: number) => void

function intChecker (o: object): IntCheck {
  return (name, min, max) => {
    const v = (o as Record<string, unknown>)[name] as number
    if (!Number.isInteger(v) || v < min || v > max) throw argError(name, `must be an integer from ${min} to ${max}, got ${String(v)}`)
  }
}

/** Fills defaults and refuses what cannot run (no bound at all, non-positive sizes). */
export function loadOptions (partial: Partial<LoadOptions>): LoadOptions {
  const o: LoadOptions = { ...LOAD_DEFAULTS, ...partial }
  const int = intChecker(o)
  int('port', 1, 65535)
  int('binds', 1, 10_000)
  int('window', 1, 100_000)
  checkCommon(int)
  int('bindConcurrency', 1, 1000)
  checkBounds(o)
  return o
}

/** The same for an HTTP run: the URL must be http:// with a host. */
export function httpLoadOptions (partial: Partial<HttpLoadOptions>): HttpLoadOptions {
  const o: HttpLoadOptions = { ...HTTP_LOAD_DEFAULTS, ...partial }
  const int = intChecker(o)
  let url: URL
  try { url = new URL(o.url) } catch { throw argError('url', `'${o.url}' is not a URL (e.g. http://127.0.0.1:8080)`) }
  if (url.protocol !== 'http:') throw argError('url', `only http:// is supported, got ${url.protocol}`)
  if (url.search !== '' || url.hash !== '') throw argError('url', 'give the base URL, without a query or fragment')
  if (o.apiKey === '') throw argError('apiKey', 'an API key is required')
  int('connections', 1, 10_000)
  checkCommon(int)
  checkBounds(o)
  return o
}

function checkCommon (int: IntCheck): void {
  int('count', 0, Number.MAX_SAFE_INTEGER)
  int('receiptWaitMs', 0, 3_600_000)
  int('requestTimeoutMs', 1, 3_600_000)
}

function checkBounds (o: CommonLoadOptions): void {
  if (!(o.rate >= 0) || !Number.isFinite(o.rate)) throw argError('rate', `must be ≥ 0 messages/s, got ${o.rate}`)
  if (!(o.seconds >= 0) || !Number.isFinite(o.seconds)) throw argError('seconds', `must be ≥ 0, got ${o.seconds}`)
  if (!(o.warmupSeconds >= 0)) throw argError('warmupSeconds', `must be ≥ 0, got ${o.warmupSeconds}`)
  if (o.count === 0 && o.seconds === 0) throw argError('options', 'give a count or a number of seconds (or both): a run must be bounded')
  if (o.seconds > 0 && o.warmupSeconds >= o.seconds) throw argError('options', 'warmupSeconds must be shorter than seconds')
}
