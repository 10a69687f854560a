// The pools' prom-client metrics. A labelled prom-client update costs about 1 µs (it hashes the
// label set each time), several per submit, so the hot path only bumps plain numbers in
// PoolStats and the metrics read them at scrape time (collect). Totals of closed pools are kept,
// so a carrier reloaded with a new pool doesn't make its counters jump back.

import { Counter, Gauge } from 'prom-client'
import type { Registry } from '../metrics.js'
import type { FailureClass } from './retry.js'

export const RESULTS = ['ok', 'throttled', 'temporary', 'timeout', 'permanent'] as const
export type SubmitResult = 'ok' | FailureClass
export const RESULT_INDEX: Readonly<Record<SubmitResult, number>> = { ok: 0, throttled: 1, temporary: 2, timeout: 3, permanent: 4 }

/** Plain numbers the pool updates; read at scrape time. */
export class PoolStats {
  /** By RESULT_INDEX. */
  readonly submits = new Float64Array(RESULTS.length)
  inFlight = 0
  tpsLimit = 0
  bindsUp = 0
  reconnects = 0
  bindFailures = 0
  throttles = 0
  delivers = 0
  /** Sum of submit_sm → submit_sm_resp times, seconds (mean = this / answered submits). */
  respSeconds = 0
  responses = 0
}

type CounterKey = 'reconnects' | 'bindFailures' | 'throttles' | 'delivers' | 'respSeconds' | 'responses'
const COUNTERS: Array<[CounterKey, string, string]> = [
  ['reconnects', 'instrada_carrier_reconnects_total', 'Reconnects scheduled after a lost session or a failed connect/bind'],
  ['bindFailures', 'instrada_carrier_bind_failures_total', 'Connect or bind attempts that failed (refused, unreachable, timed out)'],
  ['throttles', 'instrada_carrier_throttles_total', 'Submits the carrier answered with ESME_RTHROTTLED or ESME_RMSGQFUL'],
  ['delivers', 'instrada_carrier_delivers_total', 'deliver_sm and data_sm received from the carrier (receipts and MO)'],
  ['respSeconds', 'instrada_carrier_submit_resp_seconds_total', 'Sum of submit_sm to submit_sm_resp times (divide by instrada_carrier_submit_responses_total for the mean)'],
  ['responses', 'instrada_carrier_submit_responses_total', 'submit_sm_resp (or generic_nack) received']
]
type GaugeKey = 'inFlight' | 'tpsLimit' | 'bindsUp'
const GAUGES: Array<[GaugeKey, string, string]> = [
  ['inFlight', 'instrada_carrier_window_in_use', 'Submits sent to the carrier and not yet answered'],
  ['tpsLimit', 'instrada_carrier_tps_limit', 'Current submit rate limit (0 = unlimited); below the configured one while the carrier throttles'],
  ['bindsUp', 'instrada_carrier_binds_up', 'Sessions bound to the carrier']
]

interface Source { readonly name: string, readonly stats: PoolStats }

class RegistryView {
  readonly live = new Set<Source>()
  /** Closed pools' totals by carrier name. */
  readonly retired = new Map<string, PoolStats>()

  constructor (registry: Registry) {
    const view = this
    new Counter({
      name: 'instrada_carrier_submits_total',
      help: 'Parts submitted to carriers, by result (ok, throttled, temporary, timeout, permanent)',
      labelNames: ['carrier', 'result'],
      registers: [registry],
      collect () {
        this.reset()
        for (const [carrier, s] of view.totals()) {
          for (let i = 0; i < RESULTS.length; i++) this.inc({ carrier, result: RESULTS[i] }, s.submits[i])
        }
      }
    })
    for (const [key, name, help] of COUNTERS) {
      new Counter({
        name,
        help,
        labelNames: ['carrier'],
        registers: [registry],
        collect () {
          this.reset()
          for (const [carrier, s] of view.totals()) this.inc({ carrier }, s[key])
        }
      })
    }
    for (const [key, name, help] of GAUGES) {
      new Gauge({
        name,
        help,
        labelNames: ['carrier'],
        registers: [registry],
        collect () {
          this.reset()
          const sums = new Map<string, number>()
          for (const src of view.live) sums.set(src.name, (sums.get(src.name) ?? 0) + src.stats[key])
          for (const [carrier, v] of sums) this.set({ carrier }, v)
        }
      })
    }
  }

  totals (): Map<string, PoolStats> {
    const out = new Map<string, PoolStats>()
    for (const [name, s] of this.retired) add(out, name, s)
    for (const src of this.live) add(out, src.name, src.stats)
    return out
  }
}

function add (out: Map<string, PoolStats>, name: string, s: PoolStats): void {
  let t = out.get(name)
  if (t === undefined) out.set(name, t = new PoolStats())
  for (let i = 0; i < RESULTS.length; i++) t.submits[i] += s.submits[i]
  for (const [key] of COUNTERS) t[key] += s[key]
}

const views = new WeakMap<Registry, RegistryView>()

/** Makes `src` visible in `registry`'s metrics; the returned function retires it (keeping its totals). */
export function attachStats (registry: Registry, src: Source): () => void {
  let view = views.get(registry)
  if (view === undefined) views.set(registry, view = new RegistryView(registry))
  const v = view
  v.live.add(src)
  return () => {
    if (!v.live.delete(src)) return
    const kept = new Map<string, PoolStats>()
    const prev = v.retired.get(src.name)
    if (prev !== undefined) add(kept, src.name, prev)
    add(kept, src.name, src.stats)
    v.retired.set(src.name, kept.get(src.name) as PoolStats)
  }
}
