// The end-to-end benchmark's report: bench/results/<date>.json (everything), <date>.md (the
// table, the machine, the targets) and <date>.svg (throughput and p99 against offered load).
// Run alone to rebuild the Markdown and the chart from a JSON: node dist/bench/report.js <file.json>

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem, release } from 'node:os'
import { join, basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadResult } from '../src/load/index.js'

const here = fileURLToPath(new URL('.', import.meta.url))

export interface SideResult {
  load: LoadResult
  /** Server process CPU over the run, in cores (router: all its threads, in-process simulator included). */
  serverCpu: number
  /** The simulator child's CPU, when it runs apart. */
  simCpu: number | null
  rssMaxMb: number
  rssEndMb: number
  /** Max anonymous RSS (heap and native memory; RSS also counts LMDB's mapped file pages). */
  anonMaxMb: number
  /** Soak: RSS trend over the second half of the run. */
  rssSlopeMbPerMin: number
  /** Soak: the same for anonymous RSS. */
  anonSlopeMbPerMin: number
  /** Soak: RSS once a second. */
  rssSeries: number[]
  /** Soak: anonymous RSS once a second. */
  anonSeries: number[]
  crashed: boolean
  exit: string
}

/** What a scenario ran: the same fields in bench/e2e.ts's plan and in its result. */
export interface ScenarioShape {
  group: string
  name: string
  workers: number
  binds: number
  window: number
  /** Offered msg/s (open loop); 0 = closed loop. */
  rate: number
  accountWindow: number
  seconds: number
}

export interface ScenarioResult extends ScenarioShape {
  sim: string
  router: SideResult
  baseline: SideResult | null
  /** router accepted/s ÷ baseline accepted/s. */
  ratio: number
}

export interface Machine { summary: string, cpus: number, cpu: string, memGb: number, node: string, os: string, load: string }
export interface TargetCheck { target: string, measured: string, met: boolean }
export interface ProfileLine { pct: number, fn: string, where: string }

export interface E2eReport {
  date: string
  quick: boolean
  machine: Machine
  loadAfter: string
  durability: string
  seconds: number
  warmupSeconds: number
  simLatencyMs: number
  simPlacement: string
  capacity: number
  workers: number
  scenarios: ScenarioResult[]
  targets: TargetCheck[]
  profile: ProfileLine[] | null
}

export function machineDescription (): Machine {
  const c = cpus()
  const load = loadavg().map((l) => l.toFixed(1)).join('/')
  const m = { cpus: c.length, cpu: c[0]?.model ?? 'cpu', memGb: Math.round(totalmem() / 2 ** 30), node: process.version, os: `${process.platform} ${release()}`, load }
  return { ...m, summary: `${m.cpus} × ${m.cpu}, ${m.memGb} GiB, ${m.os}, Node ${m.node}, load average ${load}` }
}

const fmt = (n: number): string => Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-'
const ms = (v: number): string => !Number.isFinite(v) ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0)
const refusedBy = (l: LoadResult, ...codes: string[]): number => Object.entries(l.errors).filter(([k]) => codes.some((c) => k.startsWith(c))).reduce((a, [, v]) => a + v, 0)
const allErrors = (l: LoadResult): number => Object.values(l.errors).reduce((a, b) => a + b, 0)

/** Each target of issue 8 against what this run measured; a target not measured says so. */
export function evaluateTargets (r: E2eReport): TargetCheck[] {
  const out: TargetCheck[] = []
  // A run whose receipts did not all come back does not count as "with receipts".
  const complete = (s: ScenarioResult): boolean => s.router.load.receipts.missing === 0 && s.router.load.receipts.expected > 0
  const closed = r.scenarios.filter((s) => s.rate === 0 && complete(s))
  const best = closed.reduce<ScenarioResult | null>((a, s) => a === null || s.router.load.acceptedPerS > a.router.load.acceptedPerS ? s : a, null)
  if (best !== null) {
    const v = best.router.load.acceptedPerS
    out.push({ target: '≥ 30,000 msg/s end to end with receipts, durable ack', measured: `${fmt(v)} msg/s (${fmt(best.router.load.receiptsPerS)} receipts/s), best closed-loop run "${best.name}"${v < 30_000 ? `: ${fmt(30_000 - v)} msg/s short (${(v / 300).toFixed(0)}% of target)` : ''}`, met: v >= 30_000 })
    out.push({ target: '≥ 3× the node-smpp baseline in the same run', measured: `${best.ratio.toFixed(2)}× (baseline ${fmt(best.baseline?.load.acceptedPerS ?? NaN)} msg/s) in "${best.name}"`, met: best.ratio >= 3 })
  }
  const bad = r.scenarios.filter((s) => !s.name.endsWith('(same run as above)') && (s.router.load.receipts.missing > 0 || s.router.load.receipts.unmatched > 0))
  out.push({
    target: 'every accepted submit that asked for one gets exactly one receipt (within 3 s of the last response)',
    measured: bad.length === 0 ? `all ${r.scenarios.length} scenarios` : bad.map((s) => `"${s.name}": ${fmt(s.router.load.receipts.missing)} missing, ${fmt(s.router.load.receipts.unmatched)} unmatched of ${fmt(s.router.load.receipts.expected)}`).join('; '),
    met: bad.length === 0
  })
  const lat = r.scenarios.find((s) => s.group === 'latency')
  if (lat !== undefined) {
    const l = lat.router.load
    const behind = l.acceptedPerS < 9_500 ? ` (only ${fmt(l.acceptedPerS)} msg/s accepted: the router is past capacity at this rate)` : ''
    out.push({ target: 'at 10k msg/s offered: submit_sm_resp p50 ≤ 2 ms', measured: `${ms(l.submitResp.p50)} ms${behind}`, met: l.submitResp.p50 <= 2 })
    out.push({ target: 'at 10k msg/s offered: submit_sm_resp p99 ≤ 10 ms', measured: `${ms(l.submitResp.p99)} ms`, met: l.submitResp.p99 <= 10 })
    out.push({ target: `at 10k msg/s offered: submit→receipt p99 ≤ simulated ${r.simLatencyMs} ms + 20 ms`, measured: `${ms(l.receipt.p99)} ms`, met: l.receipt.p99 <= r.simLatencyMs + 20 })
  }
  const sweep = r.scenarios.filter((s) => s.group === 'sweep')
  const over = sweep[sweep.length - 1]
  if (over !== undefined) {
    const l = over.router.load
    const refused = refusedBy(l, '0x58', '0x14')
    const other = allErrors(l) - refused
    out.push({ target: 'overload 2×: excess refused with 0x58/0x14, nothing crashes', measured: `${fmt(refused)} refused with 0x58/0x14, ${fmt(other)} other errors, ${fmt(l.acceptedPerS)} accepted/s, ${over.router.crashed ? 'router CRASHED' : `router alive (exit ${over.router.exit})`}`, met: refused > 0 && other === 0 && !over.router.crashed })
    // Little's law: with at most accountWindow × binds unanswered, a router at capacity answers within this.
    const bound = over.accountWindow * over.binds / Math.max(r.capacity, 1) * 1000 * 2
    out.push({ target: 'overload 2×: accepted p99 bounded (≤ 2 × account window × binds ÷ capacity)', measured: `p99 ${ms(l.submitResp.p99)} ms vs bound ${ms(bound)} ms; receipt p99 ${ms(l.receipt.p99)} ms`, met: l.submitResp.p99 <= bound })
    out.push({ target: 'overload 2×: memory bounded (router RSS ≤ 400 MB)', measured: `max RSS ${fmt(over.router.rssMaxMb)} MB`, met: over.router.rssMaxMb <= 400 })
  }
  const soak = r.scenarios.find((s) => s.group === 'soak')
  if (soak !== undefined) {
    const slope = soak.router.anonSlopeMbPerMin
    const f1 = (v: number | null): string => v !== null && Number.isFinite(v) ? v.toFixed(1) : '-'
    out.push({ target: 'soak: no memory growth trend (anonymous RSS slope over the 2nd half ≤ 2 MB/min)', measured: `${f1(slope)} MB/min anonymous, ${f1(soak.router.rssSlopeMbPerMin)} MB/min total RSS (LMDB's mapped pages included) over ${soak.seconds} s at ${fmt(soak.router.load.acceptedPerS)} msg/s; max RSS ${fmt(soak.router.rssMaxMb)} MB, anonymous ${fmt(soak.router.anonMaxMb)} MB${soak.seconds < 60 ? ' — too short to show a trend (the slope is mostly warm-up); ' : '; '}issue 8 asks for 10 minutes: BENCH_SOAK_SECONDS=600`, met: slope !== null && Number.isFinite(slope) && slope <= 2 })
  }
  return out
}

/** Top functions by self time (idle excluded) in each thread's .cpuprofile, and the busiest modules. */
export function summarizeProfile (files: string[], top = 12): ProfileLine[] {
  const out: ProfileLine[] = []
  for (const f of files) {
    const p = JSON.parse(readFileSync(f, 'utf8')) as { nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number } }>, samples: number[], timeDeltas: number[] }
    const byId = new Map(p.nodes.map((n) => [n.id, n]))
    const self = new Map<string, { fn: string, where: string, us: number }>()
    const modules = new Map<string, number>()
    let busy = 0
    let all = 0
    for (let i = 0; i < p.samples.length; i++) {
      const n = byId.get(p.samples[i])
      const dt = p.timeDeltas[i] ?? 0
      if (n === undefined) continue
      all += dt
      const cf = n.callFrame
      if (cf.functionName === '(idle)') continue
      busy += dt
      const fn = cf.functionName === '' ? '(anonymous)' : cf.functionName
      const where = cf.url === '' ? '' : `${cf.url.replace(/^.*\/(node_modules\/[^/]+|dist\/src\/[^/]+)\//, '$1/')}:${cf.lineNumber + 1}`
      const key = fn + ' ' + where
      const e = self.get(key) ?? { fn, where, us: 0 }
      e.us += dt
      self.set(key, e)
      const mod = cf.url === '' ? fn : (/(node_modules\/[^/]+|dist\/src\/[^/]+|node:[^/]+)/.exec(cf.url)?.[1] ?? cf.url.slice(-40))
      modules.set(mod, (modules.get(mod) ?? 0) + dt)
    }
    if (busy === 0) continue
    const thread = basename(f).replace(/\.cpuprofile$/, '')
    out.push({ pct: busy / all * 100, fn: `thread ${thread}: busy`, where: `${(busy / 1e6).toFixed(1)} s of ${(all / 1e6).toFixed(1)} s` })
    const mods = [...modules.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6)
    out.push({ pct: NaN, fn: 'by module', where: mods.map(([m, us]) => `${m} ${(us / busy * 100).toFixed(0)}%`).join(', ') })
    for (const e of [...self.values()].sort((a, b) => b.us - a.us).slice(0, top)) out.push({ pct: e.us / busy * 100, fn: e.fn, where: e.where })
  }
  return out
}

export function markdown (r: E2eReport, svgName: string): string {
  const L: string[] = []
  L.push(`# Instrada end-to-end benchmark, ${r.date}${r.quick ? ' (quick mode)' : ''}`, '')
  L.push(`Machine: ${r.machine.summary} (load average after: ${r.loadAfter}). Router, simulator, baseline and load generator share these cores.`, '')
  L.push(`Path: customer binds (Instrada's load generator) → router (\`instrada start\`, durability \`${r.durability}\`, LMDB in a temp dir, simulator ${r.simPlacement === 'inproc' ? 'inside the router process' : 'as its own process'}) → simulated carrier (receipt after a fixed ${r.simLatencyMs} ms) → receipt back. Baseline: a node-smpp SMSC that answers and receipts every submit at once (no routing, no storage), same load, same run. ${r.seconds} s measured per run after ${r.warmupSeconds} s warm-up; every message asks for a receipt. Latencies from the intended send time (open loop) in ms; CPU in cores of the server process.`, '')
  L.push('| scenario | offered msg/s | router msg/s | baseline msg/s | ratio | router resp p50 / p99 | baseline resp p50 / p99 | router receipt p50 / p99 | refused (router) | receipts missing / unmatched | router CPU | router RSS max MB (anonymous) |')
  L.push('|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const s of r.scenarios) {
    const a = s.router.load
    const b = s.baseline?.load
    const refused = Object.entries(a.errors).map(([k, v]) => `${k.split(' ')[0]} × ${fmt(v)}`).join(', ')
    L.push(`| ${s.name} | ${s.rate === 0 ? 'closed loop' : fmt(s.rate)} | ${fmt(a.acceptedPerS)} | ${b === undefined ? '-' : fmt(b.acceptedPerS)} | ${s.ratio.toFixed(2)}× | ${ms(a.submitResp.p50)} / ${ms(a.submitResp.p99)} | ${b === undefined ? '-' : `${ms(b.submitResp.p50)} / ${ms(b.submitResp.p99)}`} | ${ms(a.receipt.p50)} / ${ms(a.receipt.p99)} | ${refused === '' ? '0' : refused} | ${fmt(a.receipts.missing)} / ${fmt(a.receipts.unmatched)} | ${s.router.serverCpu.toFixed(2)} | ${fmt(s.router.rssMaxMb)} (${fmt(s.router.anonMaxMb)})${s.router.crashed ? ' CRASHED' : ''} |`)
  }
  L.push('', '## Targets (issue 8)', '', '| target | measured | |', '|---|---|---|')
  for (const t of r.targets) L.push(`| ${t.target} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`)
  if (r.profile !== null) {
    L.push('', '## Router profile (`node --cpu-prof`, workers=1 run; % of each thread\'s busy time, self time)', '', '| % | function | where |', '|---|---|---|')
    for (const p of r.profile) L.push(`| ${Number.isFinite(p.pct) ? p.pct.toFixed(1) : ''} | ${p.fn} | ${p.where} |`)
  }
  L.push('', `![throughput and p99 against offered load](${svgName})`, '', 'Reproduce: `npm run build && node dist/bench/e2e.js` (or `BENCH_QUICK=1`).', '')
  return L.join('\n')
}

/** Accepted msg/s and submit_sm_resp p99 against offered load, router and baseline (open-loop runs). */
export function chart (r: E2eReport): string {
  const pts = r.scenarios.filter((s) => s.rate > 0).sort((a, b) => a.rate - b.rate)
  const W = 720; const H = 400; const m = { l: 70, r: 70, t: 40, b: 50 }
  const pw = W - m.l - m.r; const ph = H - m.t - m.b
  const xmax = Math.max(1, ...pts.map((p) => p.rate)) * 1.05
  const ymax = Math.max(1, ...pts.flatMap((p) => [p.router.load.acceptedPerS, p.baseline?.load.acceptedPerS ?? 0, p.rate])) * 1.1
  const p99s = pts.flatMap((p) => [p.router.load.submitResp.p99, p.baseline?.load.submitResp.p99 ?? NaN]).filter((v) => Number.isFinite(v) && v > 0)
  const lmin = Math.floor(Math.log10(Math.min(0.1, ...p99s))); const lmax = Math.ceil(Math.log10(Math.max(10, ...p99s)))
  const x = (v: number): number => m.l + v / xmax * pw
  const y = (v: number): number => m.t + ph - v / ymax * ph
  const yl = (v: number): number => m.t + ph - (Math.log10(Math.max(v, 10 ** lmin)) - lmin) / (lmax - lmin) * ph
  const line = (vals: Array<[number, number]>, color: string, dash: string): string => vals.length === 0 ? ''
    : `<polyline fill="none" stroke="${color}" stroke-width="2" ${dash === '' ? '' : `stroke-dasharray="${dash}"`} points="${vals.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>` +
      vals.map(([a, b]) => `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3" fill="${color}"/>`).join('')
  const S: string[] = []
  S.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`)
  S.push(`<rect width="${W}" height="${H}" fill="white"/>`)
  S.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Instrada end to end vs node-smpp baseline — ${r.date.slice(0, 10)}, ${r.machine.cpus} cores, Node ${r.machine.node}</text>`)
  S.push(`<line x1="${m.l}" y1="${m.t + ph}" x2="${m.l + pw}" y2="${m.t + ph}" stroke="black"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${m.t + ph}" stroke="black"/><line x1="${m.l + pw}" y1="${m.t}" x2="${m.l + pw}" y2="${m.t + ph}" stroke="black"/>`)
  for (let i = 0; i <= 5; i++) {
    const v = ymax / 5 * i
    S.push(`<text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text><line x1="${m.l}" y1="${y(v)}" x2="${m.l + pw}" y2="${y(v)}" stroke="#eee"/>`)
    const xv = xmax / 5 * i
    S.push(`<text x="${x(xv)}" y="${m.t + ph + 16}" text-anchor="middle">${fmt(xv)}</text>`)
  }
  for (let e = lmin; e <= lmax; e++) S.push(`<text x="${m.l + pw + 6}" y="${yl(10 ** e) + 4}">${10 ** e >= 1 ? fmt(10 ** e) : (10 ** e).toString()} ms</text>`)
  S.push(`<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle">offered load (msg/s)</text>`)
  S.push(`<text x="16" y="${m.t + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${m.t + ph / 2})">accepted msg/s (solid)</text>`)
  S.push(`<text x="${W - 14}" y="${m.t + ph / 2}" text-anchor="middle" transform="rotate(90 ${W - 14} ${m.t + ph / 2})">submit_sm_resp p99, log (dashed)</text>`)
  S.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(Math.min(xmax, ymax))}" y2="${y(Math.min(xmax, ymax))}" stroke="#bbb" stroke-dasharray="2,3"/>`)
  S.push(line(pts.map((p) => [x(p.rate), y(p.router.load.acceptedPerS)]), '#1f6feb', ''))
  S.push(line(pts.filter((p) => p.baseline !== null).map((p) => [x(p.rate), y(p.baseline!.load.acceptedPerS)]), '#888', ''))
  S.push(line(pts.filter((p) => p.router.load.submitResp.p99 > 0).map((p) => [x(p.rate), yl(p.router.load.submitResp.p99)]), '#1f6feb', '6,4'))
  S.push(line(pts.filter((p) => (p.baseline?.load.submitResp.p99 ?? 0) > 0).map((p) => [x(p.rate), yl(p.baseline!.load.submitResp.p99)]), '#888', '6,4'))
  S.push(`<rect x="${m.l + 10}" y="${m.t + 6}" width="12" height="3" fill="#1f6feb"/><text x="${m.l + 28}" y="${m.t + 12}">Instrada router</text>`)
  S.push(`<rect x="${m.l + 10}" y="${m.t + 22}" width="12" height="3" fill="#888"/><text x="${m.l + 28}" y="${m.t + 28}">node-smpp baseline</text>`)
  S.push('</svg>')
  return S.join('\n') + '\n'
}

/** Writes <date>.json, .md and .svg under `dir` (default bench/results); returns the paths. */
export function writeReport (r: E2eReport, dir = join(here, '../../bench/results')): string[] {
  mkdirSync(dir, { recursive: true })
  const stem = join(dir, r.date.slice(0, 10))
  writeFileSync(stem + '.json', JSON.stringify(r, null, 2) + '\n')
  writeFileSync(stem + '.svg', chart(r))
  writeFileSync(stem + '.md', markdown(r, basename(stem) + '.svg'))
  return [stem + '.json', stem + '.md', stem + '.svg']
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2]
  if (file === undefined) {
    process.stderr.write('usage: node dist/bench/report.js bench/results/<date>.json\n')
    process.exit(2)
  }
  const r = JSON.parse(readFileSync(file, 'utf8')) as E2eReport
  r.targets = evaluateTargets(r)
  const out = writeReport(r, join(file, '..'))
  process.stdout.write(`written: ${out.join(', ')}\n`)
}
