// Session benchmark: one bind, window 1000, submit_sm → submit_sm_resp per second over loopback.
// Instrada's client → Instrada's server, side by side in the same run with node-smpp's client →
// node-smpp's server. Each server runs in a worker thread and each client on the main thread, so
// both pairs use the 2 cores the same way. Each server answers every submit OK with a fresh
// message id. Bounded: about 4 × BENCH_SECONDS (default 5) + warm-ups.
// Run: npm run build && node dist/bench/session.js [--json]
// Env: BENCH_SECONDS, BENCH_WINDOW (default 1000), BENCH_FLUSH (immediate|microtask|both),
// BENCH_SKIP_NODE=1 (ours only, for profiling).

import { createRequire } from 'node:module'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { hashPassword } from '../src/smpp/auth.js'
import { connectAndBind } from '../src/smpp/client.js'
import { CommandId, type ResponsePdu, type SubmitSm, type SubmitSmResp } from '../src/smpp/pdu/types.js'
import { SmppServer } from '../src/smpp/server.js'
import type { SmppSession } from '../src/smpp/session.js'
import type { FlushMode } from '../src/smpp/writer.js'

const smpp = createRequire(import.meta.url)('smpp') as any // eslint-disable-line @typescript-eslint/no-explicit-any

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const WINDOW = Number(process.env.BENCH_WINDOW ?? 1000)
const WARMUP_MS = 1000
const TEXT = 'Your verification code is 123456. It expires in 10 minutes.'

type Kind = 'ours' | 'node-smpp'
interface WorkerArgs { kind: Kind, flush: FlushMode }

// ---------------------------------------------------------------- server side (worker thread)

async function serverMain ({ kind, flush }: WorkerArgs): Promise<void> {
  const port = parentPort as NonNullable<typeof parentPort>
  let n = 0
  if (kind === 'ours') {
    const server = new SmppServer({
      config: { port: 0, window: WINDOW, enquireLinkIntervalMs: 0, inactivityTimeoutMs: 0 },
      accounts: [{ systemId: 'bench', passwordHash: await hashPassword('bench'), bindTypes: ['transceiver'], maxBinds: 4, allowedIps: [] }],
      flushMode: flush,
      handler: { onRequest (s, pdu) { s.respond(pdu, 0, { messageId: (++n).toString(16) }) } }
    })
    await server.start()
    port.postMessage({ port: server.port })
    port.once('message', () => { const elu = performance.eventLoopUtilization(); void server.close().then(() => port.postMessage({ elu: elu.utilization })) })
    return
  }
  const server = smpp.createServer((session: any) => {
    session.on('bind_transceiver', (pdu: any) => session.send(pdu.response()))
    session.on('submit_sm', (pdu: any) => session.send(pdu.response({ message_id: (++n).toString(16) })))
    session.on('unbind', (pdu: any) => { session.send(pdu.response()); session.close() })
    session.on('error', () => {})
  })
  server.listen(0, '127.0.0.1', () => port.postMessage({ port: server.address().port }))
  port.once('message', () => {
    const elu = performance.eventLoopUtilization()
    for (const s of server.sessions ?? []) s.destroy()
    server.close(() => port.postMessage({ elu: elu.utilization }))
  })
}

// ---------------------------------------------------------------- latency histogram (1 µs buckets)

class Histogram {
  private readonly counts = new Uint32Array(2_000_000) // up to 2 s
  n = 0
  record (ms: number): void {
    const us = Math.min(this.counts.length - 1, Math.round(ms * 1000))
    this.counts[us]++
    this.n++
  }
  /** Percentile in ms. */
  p (q: number): number {
    const want = Math.ceil(this.n * q)
    let seen = 0
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]
      if (seen >= want) return i / 1000
    }
    return NaN
  }
}

interface Result { name: string, msgs: number, seconds: number, rate: number, p50: number, p99: number, cpuUsPerMsg: number, clientElu: number, serverElu: number }

// ---------------------------------------------------------------- client side (main thread)

/** Drives a client: keep WINDOW submits outstanding; measure for SECONDS after a warm-up. */
class Driver {
  readonly hist = new Histogram()
  readonly sentAt = new Float64Array(1 << 20)
  next = 0
  measuring = false
  stopping = false
  done = 0
  outstanding = 0
  /** Process CPU time (both threads) during the measured phase, µs. */
  cpuUs = 0
  elu = 0
  private resolveIdle: (() => void) | null = null

  settle (slot: number, ok: boolean): void {
    this.outstanding--
    if (this.measuring && ok) {
      this.hist.record(performance.now() - this.sentAt[slot])
      this.done++
    }
    if (this.stopping && this.outstanding === 0 && this.resolveIdle !== null) this.resolveIdle()
  }

  idle (): Promise<void> {
    return this.outstanding === 0 ? Promise.resolve() : new Promise((resolve) => { this.resolveIdle = resolve })
  }
}

async function phase (d: Driver): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS))
  d.measuring = true
  const started = performance.now()
  const elu0 = performance.eventLoopUtilization()
  const cpu0 = process.cpuUsage()
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000))
  d.measuring = false
  d.stopping = true
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpu0)
  d.cpuUs = cpu.user + cpu.system
  d.elu = performance.eventLoopUtilization(elu0).utilization
  await d.idle()
  return seconds
}

async function startWorker (args: WorkerArgs): Promise<{ worker: Worker, port: number }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: args })
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port))
    worker.once('error', reject)
  })
  return { worker, port }
}

async function stopWorker (worker: Worker): Promise<number> {
  worker.postMessage('stop')
  const elu = await new Promise<number>((resolve) => worker.once('message', (m: { elu: number }) => resolve(m.elu)))
  await worker.terminate()
  return elu
}

const submit: SubmitSm = {
  commandId: CommandId.SubmitSm, commandStatus: 0, sequenceNumber: 0, serviceType: '', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Instrada',
  destAddrTon: 1, destAddrNpi: 1, destinationAddr: '393401234567', esmClass: 0, protocolId: 0, priorityFlag: 0, scheduleDeliveryTime: '',
  validityPeriod: '', registeredDelivery: 1, replaceIfPresentFlag: 0, dataCoding: 0, smDefaultMsgId: 0, shortMessage: Buffer.from(TEXT), tlvs: null
}

interface OurCtx { d: Driver, s: SmppSession }
// One shared callback; the token is the slot holding the send time: no closure per request.
let ourCtx: OurCtx
function onOurResponse (err: Error | null, resp: ResponsePdu | null, slot: number): void {
  const { d, s } = ourCtx
  d.settle(slot, err === null && (resp as SubmitSmResp).commandStatus === 0)
  if (!d.stopping) sendOurs(d, s)
}
function sendOurs (d: Driver, s: SmppSession): void {
  const slot = d.next++ & (d.sentAt.length - 1)
  d.sentAt[slot] = performance.now()
  d.outstanding++
  s.request(submit, onOurResponse, slot)
}

async function runOurs (flush: FlushMode): Promise<Result> {
  const { worker, port } = await startWorker({ kind: 'ours', flush })
  const s = await connectAndBind({ port, systemId: 'bench', password: 'bench', window: WINDOW, enquireLinkIntervalMs: 0, inactivityTimeoutMs: 0, flushMode: flush })
  const d = new Driver()
  ourCtx = { d, s }
  for (let i = 0; i < WINDOW; i++) sendOurs(d, s)
  const seconds = await phase(d)
  const perWrite = d.next / s.writes
  await s.unbind()
  const serverElu = await stopWorker(worker)
  if (process.env.BENCH_DEBUG !== undefined) process.stderr.write(`client: ${perWrite.toFixed(1)} submits per socket.write\n`)
  return result(`instrada (flush: ${flush})`, d, seconds, serverElu)
}

async function runNode (): Promise<Result> {
  const { worker, port } = await startWorker({ kind: 'node-smpp', flush: 'immediate' })
  const session = smpp.connect({ url: `smpp://127.0.0.1:${port}` })
  session.on('error', () => {})
  await new Promise<void>((resolve) => session.on('connect', () => resolve()))
  await new Promise<void>((resolve) => session.bind_transceiver({ system_id: 'bench', password: 'bench' }, () => resolve()))
  const d = new Driver()
  const send = (): void => {
    const slot = d.next++ & (d.sentAt.length - 1)
    d.sentAt[slot] = performance.now()
    d.outstanding++
    session.submit_sm({
      source_addr_ton: 5, source_addr: 'Instrada', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '393401234567',
      registered_delivery: 1, data_coding: 0, short_message: TEXT
    }, (pdu: { command_status: number }) => {
      d.settle(slot, pdu.command_status === 0)
      if (!d.stopping) send()
    })
  }
  for (let i = 0; i < WINDOW; i++) send()
  const seconds = await phase(d)
  session.destroy()
  const serverElu = await stopWorker(worker)
  return result('node-smpp 0.5.1', d, seconds, serverElu)
}

function result (name: string, d: Driver, seconds: number, serverElu: number): Result {
  return { name, msgs: d.done, seconds, rate: d.done / seconds, p50: d.hist.p(0.5), p99: d.hist.p(0.99), cpuUsPerMsg: d.cpuUs / d.done, clientElu: d.elu, serverElu }
}

async function main (): Promise<void> {
  const json = process.argv.includes('--json')
  const flushEnv = process.env.BENCH_FLUSH ?? 'both'
  const flushes: FlushMode[] = flushEnv === 'both' ? ['immediate', 'microtask'] : [flushEnv as FlushMode]
  // BENCH_SKIP_NODE=1 leaves node-smpp out (for profiling ours alone); ratios then read 1.0×.
  const results: Result[] = process.env.BENCH_SKIP_NODE === '1' ? [] : [await runNode()]
  for (const f of flushes) results.push(await runOurs(f))
  const base = results[0].rate
  if (json) {
    process.stdout.write(JSON.stringify({ bench: 'session', node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, window: WINDOW, seconds: SECONDS, results: results.map((r) => ({ ...r, ratio: r.rate / base })) }) + '\n')
    return
  }
  process.stdout.write(`session benchmark: one bind, window ${WINDOW}, submit_sm → submit_sm_resp, ${SECONDS} s each; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}\n`)
  process.stdout.write('implementation'.padEnd(30) + 'msgs/s'.padStart(12) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + 'CPU µs/msg'.padStart(12) +
    'client ELU'.padStart(12) + 'server ELU'.padStart(12) + 'ratio'.padStart(8) + '\n')
  for (const r of results) {
    process.stdout.write(r.name.padEnd(30) + Math.round(r.rate).toLocaleString('en-US').padStart(12) + r.p50.toFixed(2).padStart(9) + r.p99.toFixed(2).padStart(9) +
      r.cpuUsPerMsg.toFixed(2).padStart(12) + `${(r.clientElu * 100).toFixed(0)}%`.padStart(12) + `${(r.serverElu * 100).toFixed(0)}%`.padStart(12) +
      `${(r.rate / base).toFixed(1)}×`.padStart(8) + '\n')
  }
  process.stdout.write('CPU µs/msg: user+system time of the whole process (client and server threads) per message; ELU: event-loop utilization of each thread.\n')
}

if (isMainThread) {
  main().catch((err) => { process.stderr.write(String(err?.stack ?? err) + '\n'); process.exitCode = 1 })
} else {
  serverMain(workerData as WorkerArgs).catch((err) => { process.stderr.write(String(err?.stack ?? err) + '\n'); process.exit(1) })
}
