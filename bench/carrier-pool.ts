// Carrier pool benchmark: parts/s and submit→resp latency through CarrierPool.dispatch() to the
// simulator, next to a baseline measured in the same run: a bare SmppSession sending a prebuilt
// submit_sm with the same window (what the pool costs on top of the session: picking a bind, the
// TPS bucket, building the submit_sm per part, one outcome object per response). The simulator
// runs in a child process (receipts off), the client side in this one.
// Run: npm run build && node dist/bench/carrier-pool.js [--json]
// Env: BENCH_SECONDS (default 5 per run), BENCH_WINDOW (default 1000).

import { fork, type ChildProcess } from 'node:child_process'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { CarrierPool, type CarrierConfig, type OutboundPart, type SubmitOutcome } from '../src/carriers/index.js'
import { SUBMIT_DEFAULTS } from '../src/carriers/config.js'
import { buildSubmit } from '../src/carriers/submit.js'
import { ConfigNode } from '../src/config/node.js'
import { parseSimulatorConfig, Simulator } from '../src/sim/index.js'
import { connectAndBind } from '../src/smpp/client.js'
import type { ResponsePdu } from '../src/smpp/pdu/types.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const WINDOW = Number(process.env.BENCH_WINDOW ?? 1000)
const WARMUP_MS = 1000

interface Result { name: string, binds: number, perSecond: number, p50: number, p99: number, errors: number, cpu: number }

function part (): OutboundPart {
  return {
    messageId: 'bench', part: 0, total: 1, ref: 0, sender: 'Bench', senderKind: 'alpha', destination: '393331234567',
    dataCoding: 0, esmClass: 0, body: Buffer.from('Your verification code is 123456. It expires in 10 minutes.'),
    validityPeriod: '', priorityFlag: 0, protocolId: 0
  }
}

class Recorder {
  measuring = false
  count = 0
  errors = 0
  readonly lat: number[] = []
  record (ok: boolean, t0: number): void {
    if (!this.measuring) return
    if (!ok) { this.errors++; return }
    this.count++
    if ((this.count & 7) === 0) this.lat.push(performance.now() - t0)
  }

  async measure (): Promise<{ perSecond: number, p50: number, p99: number, errors: number, cpu: number }> {
    await sleep(WARMUP_MS)
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    this.measuring = true
    await sleep(SECONDS * 1000)
    this.measuring = false
    const wall = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    this.lat.sort((a, b) => a - b)
    const q = (p: number): number => this.lat.length === 0 ? NaN : this.lat[Math.min(this.lat.length - 1, Math.floor(this.lat.length * p))]
    return { perSecond: this.count / (wall / 1000), p50: q(0.5), p99: q(0.99), errors: this.errors, cpu: (cpu.user + cpu.system) / 1000 / wall }
  }
}

async function baseline (port: number): Promise<Result> {
  const rec = new Recorder()
  const session = await connectAndBind({ port, systemId: 'bench', password: 'bench', window: WINDOW, enquireLinkIntervalMs: 0, inactivityTimeoutMs: 0 })
  const pdu = buildSubmit(part(), { ...SUBMIT_DEFAULTS, registeredDelivery: 0 })
  let stop = false
  const onResp = (err: Error | null, resp: ResponsePdu | null, t0: number): void => {
    rec.record(err === null && resp !== null && resp.commandStatus === 0, t0)
    if (!stop) session.request(pdu, onResp, performance.now())
  }
  for (let i = 0; i < WINDOW; i++) session.request(pdu, onResp, performance.now())
  const r = await rec.measure()
  stop = true
  await sleep(200)
  await session.close()
  return { name: 'SmppSession (baseline)', binds: 1, ...r }
}

async function pool (port: number, binds: number): Promise<Result> {
  const rec = new Recorder()
  const cfg: CarrierConfig = {
    name: 'bench', host: '127.0.0.1', port, tls: false, systemId: 'bench', password: 'bench', systemType: '', bindMode: 'transceiver',
    binds, window: WINDOW, tps: 0, requestTimeoutMs: 30_000, enquireLinkIntervalMs: 0, bindTimeoutMs: 5000, messageIds: null,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, submit: { ...SUBMIT_DEFAULTS, registeredDelivery: 0 }
  }
  const p = new CarrierPool(cfg)
  await p.start()
  const msg = part()
  let stop = false
  const onOutcome = (o: SubmitOutcome, t0: number): void => {
    rec.record(o.ok, t0)
    if (!stop) pump()
  }
  const pump = (): void => {
    while (!stop && p.dispatch(msg, onOutcome, performance.now())) { /* fill */ }
  }
  p.on('drain', pump)
  pump()
  const r = await rec.measure()
  stop = true
  await p.close()
  return { name: 'CarrierPool', binds, ...r }
}

function simMain (): void {
  const yaml = 'carriers:\n  - name: bench\n    port: 0\n    window: 1000\n    accounts: [{ system_id: bench, password: bench, max_binds: 16 }]\n'
  const sim = new Simulator(parseSimulatorConfig(ConfigNode.parse(yaml, 'bench.yaml')))
  sim.start().then(() => process.send!({ port: sim.port() }), (err) => { process.stderr.write(String(err) + '\n'); process.exit(1) })
  process.on('message', () => { sim.close().then(() => process.exit(0), () => process.exit(1)) })
}

async function main (): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--sim'], { stdio: 'inherit' })
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve((m as { port: number }).port)))
  const results: Result[] = []
  try {
    results.push(await baseline(port))
    results.push(await pool(port, 1))
    results.push(await pool(port, 2))
  } finally {
    child.send('stop')
  }
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, window: WINDOW, seconds: SECONDS, results }, null, 2) + '\n')
    return
  }
  process.stdout.write(`carrier pool benchmark: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, window ${WINDOW} per bind, ${SECONDS} s per run, simulator in a child process\n\n`)
  process.stdout.write('client                   binds   submits/s   resp p50/p99 ms   client CPU  errors\n')
  for (const r of results) {
    process.stdout.write(`${r.name.padEnd(24)} ${String(r.binds).padStart(5)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(11)}   ${(r.p50.toFixed(1) + ' / ' + r.p99.toFixed(1)).padEnd(15)} ${(r.cpu * 100).toFixed(0).padStart(9)}% ${String(r.errors).padStart(7)}\n`)
  }
  const base = results[0]
  for (const r of results.slice(1)) {
    process.stdout.write(`\nCarrierPool (${r.binds} bind${r.binds > 1 ? 's' : ''}) / baseline = ${(r.perSecond / base.perSecond).toFixed(2)}× submits/s, ` +
      `${((r.cpu / r.perSecond) / (base.cpu / base.perSecond)).toFixed(2)}× client CPU per submit`)
  }
  process.stdout.write('\n')
}

function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

if (process.argv[2] === '--sim') simMain()
else main().then(() => process.exit(0), (err) => { process.stderr.write(String(err?.stack ?? err) + '\n'); process.exit(1) })
