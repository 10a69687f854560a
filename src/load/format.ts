// The load result as a human-readable table (the JSON is the LoadResult itself).

import type { LatencySummary } from './histogram.js'
import type { LoadResult } from './core.js'

export function formatResult (r: LoadResult): string {
  const lines: string[] = []
  const mode = r.mode === 'open' ? `open loop at ${fmt(r.offeredRate)} msg/s offered` : 'closed loop'
  const lanes = r.protocol === 'http' ? `${r.binds} connection(s), one request each` : `${r.binds} bind(s) × window ${r.window}`
  lines.push(`${r.target}: ${lanes}, ${mode}, mix ${r.mix}, ${r.measuredSeconds.toFixed(1)} s measured after ${r.warmupSeconds} s warm-up`)
  lines.push(`sent ${fmt(r.sent)}, answered ${fmt(r.responses)}, accepted ${fmt(r.accepted)} (${fmt(r.acceptedParts)} parts)`)
  lines.push(`throughput: ${fmt(r.acceptedPerS)} accepted/s, ${fmt(r.responsesPerS)} answered/s, ${fmt(r.partsPerS)} parts/s, ${fmt(r.receiptsPerS)} receipts/s; generator CPU ${(r.clientCpu * 100).toFixed(0)}%`)
  lines.push('')
  lines.push('latency (ms)            count       p50       p90       p99     p99.9       max')
  lines.push(row('submit → resp (ok)', r.submitResp))
  if (r.refusedResp.count > 0) lines.push(row('submit → resp (refused)', r.refusedResp))
  lines.push(row('submit → receipt', r.receipt))
  const c = r.receipts
  lines.push('')
  lines.push(`receipts: expected ${fmt(c.expected)}, matched ${fmt(c.matched)}, missing ${fmt(c.missing)}, unmatched ${fmt(c.unmatched)}, before their response ${fmt(c.early)}` +
    (Object.keys(c.byStat).length > 0 ? `; ${Object.entries(c.byStat).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}` : ''))
  if (c.unmatchedIds.length > 0) lines.push(`unmatched receipt ids (first ${c.unmatchedIds.length}): ${c.unmatchedIds.join(' ')}`)
  if (r.mode === 'open') lines.push(`schedule: most messages behind schedule ${fmt(r.maxBacklog)}, due but never sent ${fmt(r.unsent)}`)
  const errs = Object.entries(r.errors)
  lines.push(errs.length === 0 ? 'errors: none' : `errors: ${errs.map(([k, v]) => `${k} × ${fmt(v)}`).join(', ')}`)
  return lines.join('\n') + '\n'
}

function row (name: string, s: LatencySummary): string {
  const n = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(2)).padStart(10)
  return name.padEnd(22) + String(s.count).padStart(8) + n(s.p50) + n(s.p90) + n(s.p99) + n(s.p999) + n(s.max)
}

function fmt (n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-'
}
