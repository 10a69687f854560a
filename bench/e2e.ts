// End-to-end benchmark: customer binds (our load generator, in this process) → the router (a
// child: `instrada start` on a generated config, fresh LMDB store in a temp dir, durability
// `flush` unless BENCH_DURABILITY says otherwise) → the simulated carrier (fixed 5 ms receipt
// latency; inside the router or its own `instrada sim` child) → receipts back to the customer.
// Every scenario is run twice in the same run: against the router, and against the baseline — a
// trivial node-smpp SMSC (bench/baseline-smsc.ts, a child) that answers and receipts every submit
// with no routing and no storage — and reports the ratio.
// Scenarios: simulator placement; router workers 0/1/2; 1, 10, 100 binds; windows 1, 10, 100,
// 1000; 10k msg/s offered (latency targets); offered-load sweep up to overload at 2× capacity
// (refusals 0x58/0x14, p99 and memory bounded); soak at half capacity with memory sampled.
// Run: npm run build && node dist/bench/e2e.js     (≈ 4 min; BENCH_QUICK=1 ≈ 45 s)
// Env: BENCH_QUICK=1, BENCH_SECONDS (measured seconds per run), BENCH_SOAK_SECONDS, BENCH_SIM
// (inproc|child: where the simulator runs, default child; set, it skips comparing the two), BENCH_DURABILITY (flush|commit|none),
// BENCH_PROFILE=1 (--cpu-prof on the router in the workers=1 run, summarized in the report),
// BENCH_E2E_ONLY (comma list of groups), BENCH_RESULTS (output dir, default bench/results).

import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatResult, LoadGenerator, type LoadResult } from '../src/load/index.js'
import { BENCH_ACCOUNT, removeDir, SIM_LATENCY_MS, slopePerMinute, startBaseline, startRouter, type Child, type RouterParams, type SimMode } from './e2e-harness.js'
import { evaluateTargets, machineDescription, summarizeProfile, writeReport, type E2eReport, type ScenarioResult, type ScenarioShape, type SideResult } from './report.js'

const QUICK = process.env.BENCH_QUICK === '1'
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 2 : 4))
const WARMUP = QUICK ? 0.5 : 1
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? (QUICK ? 6 : 30))
const DURABILITY = (process.env.BENCH_DURABILITY ?? 'flush') as RouterParams['durability']
const PROFILE = process.env.BENCH_PROFILE === '1'
const ONLY = process.env.BENCH_E2E_ONLY?.split(',') ?? null
const VERBOSE = process.env.BENCH_VERBOSE === '1'

interface Scenario extends ScenarioShape {
  sim: SimMode
  profile?: boolean
  /** RSS sampled through the run (soak). */
  soak?: boolean
}

const baselines = new Map<string, SideResult>()
const results: ScenarioResult[] = []
let profileDir: string | null = null

function log (s: string): void { process.stdout.write(s) }

async function side (server: Child, sc: Scenario): Promise<SideResult> {
  const gen = new LoadGenerator({
    port: server.port,
    systemId: BENCH_ACCOUNT.systemId,
    password: BENCH_ACCOUNT.password,
    binds: sc.binds,
    window: sc.window,
    rate: sc.rate,
    seconds: sc.seconds + WARMUP,
    warmupSeconds: WARMUP,
    receiptWaitMs: 3000,
    requestTimeoutMs: 15_000
  })
  let load: LoadResult
  let failure: string | null = null
  try {
    await gen.start()
    server.sampler.mark()
    server.extra?.sampler.mark()
    load = await gen.run()
  } catch (err) {
    failure = (err as Error).message
    await gen.close()
    throw new RangeError(`${sc.name}: load failed: ${failure}`)
  }
  const serverCpu = server.sampler.cpu()
  const simCpu = server.extra?.sampler.cpu() ?? null
  const rss = server.sampler.rssMb.slice()
  const anon = server.sampler.anonMb.slice()
  const alive = server.alive()
  const exit = await server.stop()
  if (VERBOSE) log(formatResult(load))
  return {
    load,
    serverCpu,
    simCpu,
    rssMaxMb: rss.length > 0 ? Math.max(...rss) : NaN,
    rssEndMb: rss.length > 0 ? rss[rss.length - 1] : NaN,
    anonMaxMb: anon.length > 0 ? Math.max(...anon) : NaN,
    rssSlopeMbPerMin: sc.soak === true ? slopePerMinute(rss.slice(Math.floor(rss.length / 2)), 250) : NaN,
    anonSlopeMbPerMin: sc.soak === true ? slopePerMinute(anon.slice(Math.floor(anon.length / 2)), 250) : NaN,
    rssSeries: sc.soak === true ? everyNth(rss, 4) : [],
    anonSeries: sc.soak === true ? everyNth(anon, 4) : [],
    crashed: !alive,
    exit: `${String(exit.code)}${exit.signal !== null ? ' ' + exit.signal : ''}`
  }
}

const routerRuns = new Map<string, SideResult>()

async function runScenario (sc: Scenario): Promise<ScenarioResult> {
  // The same configuration in two groups (e.g. 10 binds × w100 with the best worker count) runs once.
  const rkey = `${sc.workers}/${sc.binds}/${sc.window}/${sc.rate}/${sc.accountWindow}/${sc.sim}/${sc.seconds}/${sc.soak === true}`
  const again = routerRuns.get(rkey)
  if (again !== undefined) {
    const b = baselines.get(`${sc.binds}/${sc.window}/${sc.rate}/${sc.seconds}`)!
    const res: ScenarioResult = { ...sc, name: sc.name + ' (same run as above)', router: again, baseline: b, ratio: again.load.acceptedPerS / b.load.acceptedPerS }
    results.push(res)
    log(line(res))
    return res
  }
  const params: RouterParams = { workers: sc.workers, accountWindow: sc.accountWindow, queueLimit: 200_000, durability: DURABILITY, sim: sc.sim, carrierBinds: 4, profile: sc.profile === true }
  const router = await startRouter(params, profileDir)
  let r: SideResult
  try {
    r = await side(router, sc)
  } finally {
    if (router.alive()) await router.stop()
    removeDir(router.dir)
  }
  routerRuns.set(rkey, r)
  const key = `${sc.binds}/${sc.window}/${sc.rate}/${sc.seconds}`
  let b = baselines.get(key) ?? null
  if (b === null) {
    const base = await startBaseline()
    try { b = await side(base, sc) } finally { if (base.alive()) await base.stop() }
    baselines.set(key, b)
  }
  const res: ScenarioResult = { ...sc, router: r, baseline: b, ratio: r.load.acceptedPerS / b.load.acceptedPerS }
  results.push(res)
  log(line(res))
  return res
}

function line (s: ScenarioResult): string {
  const f = (r: SideResult): string => `${Math.round(r.load.acceptedPerS).toLocaleString('en-US').padStart(7)}/s resp p50 ${ms(r.load.submitResp.p50)} p99 ${ms(r.load.submitResp.p99)} rcpt p99 ${ms(r.load.receipt.p99)}` +
    ` cpu ${r.serverCpu.toFixed(2)} rss ${r.rssMaxMb}MB (anon ${r.anonMaxMb})${refusals(r.load) > 0 ? ` refused ${refusals(r.load)}` : ''}${r.load.receipts.missing + r.load.receipts.unmatched > 0 ? ` receipts missing ${r.load.receipts.missing} unmatched ${r.load.receipts.unmatched}` : ''}${r.crashed ? ' CRASHED' : ''}`
  return `${s.name.padEnd(34)} router ${f(s.router)} | baseline ${f(s.baseline!)} | ${s.ratio.toFixed(2)}×\n`
}

function ms (v: number): string { return Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0) }
function refusals (l: LoadResult): number { return Object.values(l.errors).reduce((a, b) => a + b, 0) }
function everyNth (a: number[], n: number): number[] { return a.filter((_v, i) => i % n === 0) }
function want (group: string): boolean { return ONLY === null || ONLY.includes(group) }

async function main (): Promise<void> {
  const started = new Date()
  const machineBefore = machineDescription()
  log(`end-to-end benchmark ${started.toISOString()}${QUICK ? ' (quick)' : ''}: ${machineBefore.summary}\n` +
    `durability ${DURABILITY}, ${SECONDS} s measured per run after ${WARMUP} s warm-up, simulated receipt latency ${SIM_LATENCY_MS} ms\n\n`)
  if (PROFILE) profileDir = mkdtempSync(join(tmpdir(), 'instrada-prof-'))
  const base = { workers: 1, binds: 10, window: 100, rate: 0, accountWindow: 5000, seconds: SECONDS }
  // The simulator runs as its own process by default, so the router's CPU, RSS and profile are
  // the router's alone; the placement pair below shows what putting it inside the router changes.
  const sim: SimMode = (process.env.BENCH_SIM as SimMode | undefined) ?? 'child'
  if (process.env.BENCH_SIM === undefined && !QUICK && want('sim')) {
    await runScenario({ ...base, group: 'sim', name: 'simulator in the router process', sim: 'inproc' })
    await runScenario({ ...base, group: 'sim', name: 'simulator as its own process', sim: 'child' })
  }

  let capacity = 0
  let bestWorkers = 1
  for (const workers of [0, 1, 2]) {
    if (!want('workers')) break
    const r = await runScenario({ ...base, workers, sim, group: 'workers', name: `workers ${workers} (10 binds × w100)`, profile: PROFILE && workers === 1 })
    if (r.router.load.acceptedPerS > capacity) { capacity = r.router.load.acceptedPerS; bestWorkers = workers }
  }
  if (capacity === 0) capacity = 5000
  log(`→ capacity ≈ ${Math.round(capacity)} msg/s with workers ${bestWorkers}; used for the scenarios below\n`)
  const cfg = { ...base, workers: bestWorkers, sim }

  if (!QUICK && want('binds')) {
    for (const binds of [1, 10, 100]) await runScenario({ ...cfg, group: 'binds', binds, name: `${binds} bind(s) × w100` })
  }
  if (!QUICK && want('windows')) {
    for (const window of [1, 10, 100, 1000]) await runScenario({ ...cfg, group: 'windows', binds: 1, window, name: `1 bind × window ${window}` })
  }
  if (want('latency')) {
    await runScenario({ ...cfg, group: 'latency', rate: 10_000, name: 'open loop 10k msg/s offered' })
  }
  if (want('sweep')) {
    // Offered-load curve: client windows (1000) above the account's (100), so an overloaded
    // router refuses with 0x58 rather than the client queueing; the last point is the overload.
    const steps = QUICK ? [2] : [0.25, 0.5, 1, 1.5, 2]
    for (const k of steps) {
      await runScenario({ ...cfg, group: 'sweep', window: 1000, accountWindow: 100, rate: Math.round(capacity * k), name: `offered ${k}× capacity (${Math.round(capacity * k)}/s)` })
    }
  }
  if (want('soak')) {
    await runScenario({ ...cfg, group: 'soak', rate: Math.round(capacity / 2), seconds: SOAK_SECONDS, soak: true, name: `soak ${SOAK_SECONDS} s at ½ capacity` })
  }

  const profile = profileDir === null ? null : summarizeProfile(readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profileDir!, f)))
  const report: E2eReport = {
    date: started.toISOString(),
    quick: QUICK,
    machine: machineBefore,
    loadAfter: machineDescription().load,
    durability: DURABILITY,
    seconds: SECONDS,
    warmupSeconds: WARMUP,
    simLatencyMs: SIM_LATENCY_MS,
    simPlacement: sim,
    capacity,
    workers: bestWorkers,
    scenarios: results,
    targets: [],
    profile
  }
  report.targets = evaluateTargets(report)
  log('\ntargets:\n')
  for (const t of report.targets) log(`  ${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.measured}\n`)
  if (profile !== null) log(`\nrouter profile (workers=1 run; % of each thread's busy time):\n${profile.map((p) => `  ${Number.isFinite(p.pct) ? p.pct.toFixed(1).padStart(5) + '%' : '      '}  ${p.fn}  ${p.where}`).join('\n')}\n`)
  const files = writeReport(report, process.env.BENCH_RESULTS)
  log(`\nwritten: ${files.join(', ')}\n`)
  if (profileDir !== null) log(`router .cpuprofile files kept in ${profileDir} (open in Chrome DevTools)\n`)
  const crashed = results.filter((r) => r.router.crashed)
  if (crashed.length > 0) {
    log(`router crashed in: ${crashed.map((r) => r.name).join(', ')}\n`)
    process.exitCode = 1
  }
}

main().then(() => { process.exit(process.exitCode ?? 0) }, (err) => { process.stderr.write(String(err?.stack ?? err) + '\n'); process.exit(1) })
