// HTTP API benchmark (issue 7): single-recipient POST /v1/messages through the router to the
// in-process simulator (receipts on, 5 ms), next to a bare node:http JSON server in the same run
// (reads the body, parses it, answers 202 with a small JSON) — the ceiling of node:http here.
// Then a fixed 5k requests/s for the latency target, and 1,000-recipient bulk requests.
// autocannon drives both sides from this process; the router's engine runs in a worker thread.
// Run: npm run build && node dist/bench/http.js   (≈ 40 s; BENCH_SECONDS per run, default 8;
// BENCH_DURABILITY flush|commit|none, default flush)

import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashApiKey } from '../src/http/index.js'
import { parseConfigText } from '../src/config/instrada.js'
import { Router } from '../src/router/router.js'

const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<any> // eslint-disable-line @typescript-eslint/no-explicit-any

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const DURABILITY = process.env.BENCH_DURABILITY ?? 'flush'
const KEY = 'bench-api-key'
const SINGLE = JSON.stringify({ to: '393471234567', from: 'Instrada', text: 'Hello from the HTTP benchmark' })

interface Figures { rps: number, p50: number, p99: number, non2xx: number, errors: number }

async function run (url: string, body: string, opts: Record<string, unknown> = {}): Promise<Figures> {
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body,
    connections: 64,
    duration: SECONDS,
    ...opts
  })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors }
}

function line (name: string, f: Figures, extra = ''): string {
  return `${name.padEnd(34)} ${Math.round(f.rps).toString().padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  non-2xx ${f.non2xx}  errors ${f.errors}${extra}`
}

async function echoServer (): Promise<{ port: number, close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { to: string }
      const text = JSON.stringify({ messages: [{ id: '0000000000000000', to: body.to, parts: 1, encoding: 'gsm7', status: 'queued' }] })
      res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as { port: number }).port, close: async () => { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)) } }
}

async function freePort (): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise((resolve) => s.close(resolve))
  return port
}

function config (dir: string, simPort: number): string {
  return `
log: { level: warn }
http: { port: 0 }
smpp: { host: 127.0.0.1, port: 0 }
accounts:
  - system_id: bench
    password_hash: 'scrypt$16384$8$1$QkOGPBRr88/6UneZppbbyg==$23M61r34l53eLw1aPpU319/DvMDmLEyUTHfD12wjXLc='
    initial_credit: 1000000000
    italian_vat: true
    senders: [{ addr: Instrada, kind: alpha, state: active }]
    api_keys: ['${hashApiKey(KEY)}']
    max_queued: 10000000
store: { path: '${join(dir, 'db')}', durability: ${DURABILITY} }
router: { workers: 1, queue_limit: 10000000 }
carriers:
  - { name: sim, port: ${simPort}, system_id: instrada, password: secret, binds: 4, window: 1000 }
routes:
  - { name: all, carrier: sim }
simulator:
  carriers:
    - name: sim
      port: ${simPort}
      accounts: [{ system_id: instrada, password: secret, max_binds: 8 }]
      receipts: { latency: 5 }
      outcomes: { DELIVRD: 1 }
`
}

async function main (): Promise<void> {
  const out: string[] = [`HTTP API, ${SECONDS} s per run, 64 connections, durability ${DURABILITY}`]
  const echo = await echoServer()
  const base = await run(`http://127.0.0.1:${echo.port}/v1/messages`, SINGLE)
  await echo.close()
  out.push(line('baseline: node:http JSON echo', base))

  const dir = mkdtempSync(join(tmpdir(), 'instrada-bench-http-'))
  const router = new Router(parseConfigText(config(dir, await freePort()), 'bench.yaml'))
  try {
    await router.start()
    const url = `http://127.0.0.1:${router.http!.port}/v1/messages`
    const single = await run(url, SINGLE)
    out.push(line('router: POST /v1/messages, 1 rcpt', single, `  ratio ${(single.rps / base.rps).toFixed(2)}×`))
    const paced = await run(url, SINGLE, { overallRate: 5000 })
    out.push(line('router: at 5k req/s offered', paced))
    const recipients = Array.from({ length: 1000 }, (_, i) => `39347${String(1_000_000 + i).padStart(7, '0')}`)
    const bulkBody = JSON.stringify({ to: recipients, from: 'Instrada', text: 'Bulk hello' })
    const bulk = await run(url, bulkBody, { connections: 4 })
    out.push(line('router: 1,000-recipient requests', bulk, `  = ${Math.round(bulk.rps * 1000)} recipients/s`))
  } finally {
    await router.close()
    rmSync(dir, { recursive: true, force: true })
  }
  out.push('targets (issue 7): ≥ 10k msg/s single; p99 ≤ 20 ms at 5k/s; ≥ 100k recipients/s bulk')
  process.stdout.write(out.join('\n') + '\n')
}

main().catch((err: unknown) => { process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`); process.exitCode = 1 })
