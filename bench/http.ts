// HTTP API benchmark (issue 7): single-recipient POST /v1/messages through the router to the
// simulator (receipts on, 5 ms), next to a bare node:http JSON server in the same run (reads the
// body, parses it, answers 202 with a small JSON) — the ceiling of node:http here. Then a fixed
// 5k requests/s for the latency target, and 1,000-recipient bulk requests. Closed-loop runs at
// two connection counts (BENCH_CONNECTIONS, BENCH_BULK_CONNECTIONS): the rate is latency-bound
// (connections ÷ the durable ack's latency) until the engine's core is full. The router
// (`instrada start`, one engine thread), the simulator and the echo server each run as their own
// process, as a user runs them; autocannon drives them from this one.
// Run: npm run build && node dist/bench/http.js   (≈ 40 s; BENCH_SECONDS per run, default 8;
// BENCH_DURABILITY flush|commit|none, default flush; BENCH_PROFILE=1 keeps the router's .cpuprofile files;
// BENCH_CONNECTIONS / BENCH_BULK_CONNECTIONS: comma lists, empty skips the group; BENCH_NODE_ARGS: router node flags)

import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { removeDir, startBaseline, startRouter, type Child, type RouterParams } from './e2e-harness.js'

const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<any> // eslint-disable-line @typescript-eslint/no-explicit-any

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const DURABILITY = process.env.BENCH_DURABILITY ?? 'flush'
const KEY = 'bench-api-key'
const PROFILE = process.env.BENCH_PROFILE === '1'
const SINGLE = JSON.stringify({ to: '393471234567', from: 'Instrada', text: 'Hello from the HTTP benchmark' })

interface Figures { rps: number, p50: number, p99: number, non2xx: number, errors: number }

async function run (url: string, body: string, opts: Record<string, unknown> = {}): Promise<Figures> {
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body,
    duration: SECONDS,
    ...opts
  })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors }
}

function line (name: string, f: Figures, extra = ''): string {
  return `${name.padEnd(34)} ${Math.round(f.rps).toString().padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  non-2xx ${f.non2xx}  errors ${f.errors}${extra}`
}

const ECHO = join(fileURLToPath(new URL('.', import.meta.url)), 'http-echo.js')

/** CPU the server process used over the run, in cores. */
function cpuLine (c: Child): string {
  return `  server cpu ${c.sampler.cpu().toFixed(2)}`
}

/** Concurrent connections for the closed-loop runs: a request in flight each, so the rate is capped by connections ÷ latency (a durable ack waits for the fsync) until a core is full. */
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '64,256').split(',').filter((s) => s !== '').map(Number)
const BULK_CONNECTIONS = (process.env.BENCH_BULK_CONNECTIONS ?? '4,16').split(',').filter((s) => s !== '').map(Number)

async function main (): Promise<void> {
  const out: string[] = [`HTTP API, ${SECONDS} s per run, durability ${DURABILITY}`]
  const echo = await startBaseline(ECHO)
  const base = new Map<number, Figures>()
  for (const c of CONNECTIONS) {
    echo.sampler.mark()
    const f = await run(`http://127.0.0.1:${echo.port}/v1/messages`, SINGLE, { connections: c })
    base.set(c, f)
    out.push(line(`baseline: node:http JSON echo, ${c} conn`, f, cpuLine(echo)))
  }
  // The same echo parsing a 1,000-recipient body: what node:http alone does with such requests.
  const bulkBody = JSON.stringify({ to: Array.from({ length: 1000 }, (_, i) => `39347${String(1_000_000 + i).padStart(7, '0')}`), from: 'Instrada', text: 'Bulk hello' })
  const bulkBase = new Map<number, Figures>()
  for (const c of BULK_CONNECTIONS) {
    echo.sampler.mark()
    const f = await run(`http://127.0.0.1:${echo.port}/v1/messages`, bulkBody, { connections: c })
    bulkBase.set(c, f)
    out.push(line(`baseline: echo, 1,000 recipients, ${c} conn`, f, `  = ${Math.round(f.rps * 1000)} recipients/s${cpuLine(echo)}`))
  }
  await echo.stop()

  const params: RouterParams = { workers: 1, accountWindow: 5000, queueLimit: 10_000_000, durability: DURABILITY as RouterParams['durability'], sim: 'child', carrierBinds: 4, profile: PROFILE, httpApiKey: KEY }
  const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), 'instrada-http-prof-')) : null
  const router = await startRouter(params, profileDir)
  try {
    const url = `http://127.0.0.1:${String(router.httpPort)}/v1/messages`
    // Warm-up (JIT, pools, LMDB pages), not reported; then the latency target on a router with no
    // backlog (the closed-loop runs below may leave a queue behind them).
    await run(url, SINGLE, { overallRate: 2000, connections: 64, duration: 3 })
    await new Promise((resolve) => setTimeout(resolve, 1000))
    router.sampler.mark()
    const paced = await run(url, SINGLE, { overallRate: 5000, connections: 64 })
    out.push(line('router: at 5k req/s offered', paced, cpuLine(router)))
    for (const c of CONNECTIONS) {
      router.sampler.mark()
      const single = await run(url, SINGLE, { connections: c })
      out.push(line(`router: 1 recipient, ${c} conn`, single, `  ratio ${(single.rps / base.get(c)!.rps).toFixed(2)}×${cpuLine(router)}`))
    }
    for (const c of BULK_CONNECTIONS) {
      router.sampler.mark()
      const bulk = await run(url, bulkBody, { connections: c })
      out.push(line(`router: 1,000 recipients, ${c} conn`, bulk, `  = ${Math.round(bulk.rps * 1000)} recipients/s  ratio ${(bulk.rps / bulkBase.get(c)!.rps).toPrecision(2)}×${cpuLine(router)}`))
    }
  } finally {
    await router.stop()
    removeDir(router.dir)
  }
  if (profileDir !== null) out.push(`router .cpuprofile files kept in ${profileDir}`)
  out.push('targets (issue 7): ≥ 10k msg/s single; p99 ≤ 20 ms at 5k/s; ≥ 100k recipients/s bulk')
  process.stdout.write(out.join('\n') + '\n')
}

main().catch((err: unknown) => { process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`); process.exitCode = 1 })
