// Simulator benchmark: submit_sm + delivery receipts per second through one transceiver bind, at
// windows 10 and 1000, for Instrada's simulator and, side by side in the same run, a trivial
// node-smpp SMSC (answers every submit_sm and sends a receipt at once). The load client is ours
// (SmppSession) in a separate process, the same for both servers; the server runs in this process,
// so its RSS and CPU are what is reported. A last run repeats window 1000 with a million receipts
// pending in the simulator (due in 10 minutes), to show the rate does not depend on the backlog.
// Run with --expose-gc (as below) so each run starts from a collected heap.
// The machine is shared: besides messages per second, each run reports messages per second of
// server CPU, which holds up better when other processes take the cores.
// Receipt latency is sampled (one message in 8), from sending the submit_sm to reading its receipt.
// Memory is sampled every 100 ms: peak RSS, peak V8 heap in use and peak external memory (Buffers).
// BENCH_SIM_ONLY=1 leaves out the node-smpp runs, so the RSS is the simulator's alone.
// Run: npm run build && node --expose-gc dist/bench/sim.js [--json]
// Env: BENCH_SECONDS (default 5 per run), BENCH_BACKLOG (default 1000000; 0 skips that run), BENCH_SIM_ONLY.

import { fork } from 'node:child_process'
import { createRequire } from 'node:module'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { ConfigNode } from '../src/config/node.js'
import { parseSimulatorConfig, Simulator, type SimLink } from '../src/sim/index.js'
import { connectAndBind, CommandId, type DeliverSm, type RequestPdu, type ResponsePdu, type SubmitSm, type SubmitSmResp, type SmppSession } from '../src/smpp/index.js'

const smpp = createRequire(import.meta.url)('smpp') as any // eslint-disable-line @typescript-eslint/no-explicit-any

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 1_000_000)
const WARMUP_MS = 1000

interface ClientResult { submits: number, receipts: number, seconds: number, p50: number, p99: number, p999: number, errors: number, clientCpu: number }
/** Memory: peaks over the run of RSS, of V8's heap in use, and of memory outside it (Buffers' ArrayBuffers and the like). */
interface RunResult extends ClientResult { server: string, window: number, backlog: number, rssMb: number, heapMb: number, externalMb: number, serverCpu: number }

// ---------------------------------------------------------------- load client (child process)

async function clientMain (port: number, window: number, seconds: number): Promise<void> {
  const sent = new Map<string, number>()
  const lat: number[] = []
  let submits = 0
  let seen = 0
  let receipts = 0
  let errors = 0
  let measuring = false
  let stop = false
  let session: SmppSession | null = null
  const onReceipt = (s: SmppSession, pdu: RequestPdu): void => {
    s.respond(pdu)
    if (pdu.commandId !== CommandId.DeliverSm) return
    if (measuring) receipts++
    if (sent.size === 0) return
    const id = (pdu as DeliverSm).tlvs?.receiptedMessageId
    if (id === undefined) return
    const t0 = sent.get(id)
    if (t0 !== undefined) {
      sent.delete(id)
      if (measuring) lat.push(performance.now() - t0)
    }
  }
  session = await connectAndBind({ port, systemId: 'bench', password: 'bench', bindType: 'transceiver', window, enquireLinkIntervalMs: 0, inactivityTimeoutMs: 0, handler: { onRequest: onReceipt } })
  process.send!({ start: true }) // the server measures its CPU from here (warm-up included: it runs at full load too)
  const pdu: SubmitSm = {
    commandId: CommandId.SubmitSm, commandStatus: 0, sequenceNumber: 0, serviceType: '', sourceAddrTon: 5, sourceAddrNpi: 0,
    sourceAddr: 'Bench', destAddrTon: 1, destAddrNpi: 1, destinationAddr: '393331234567', esmClass: 0, protocolId: 0, priorityFlag: 0,
    scheduleDeliveryTime: '', validityPeriod: '', registeredDelivery: 1, replaceIfPresentFlag: 0, dataCoding: 0, smDefaultMsgId: 0,
    shortMessage: Buffer.from('Your verification code is 123456. It expires in 10 minutes.'), tlvs: null
  }
  const s = session
  const onResp = (err: Error | null, resp: ResponsePdu | null, t0: number): void => {
    if (err !== null || resp === null || resp.commandStatus !== 0) errors++
    else {
      // Latency of one message in 8: keeps the client's own bookkeeping small.
      if ((++seen & 7) === 0) sent.set((resp as SubmitSmResp).messageId, t0)
      if (measuring) submits++
    }
    if (!stop) s.request(pdu, onResp, performance.now())
  }
  for (let i = 0; i < window; i++) s.request(pdu, onResp, performance.now())
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS))
  measuring = true
  const start = performance.now()
  const cpu0 = process.cpuUsage()
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  measuring = false
  const cpu = process.cpuUsage(cpu0)
  const elapsed = (performance.now() - start) / 1000
  stop = true
  lat.sort((a, b) => a - b)
  const q = (p: number): number => lat.length === 0 ? NaN : lat[Math.min(lat.length - 1, Math.floor(lat.length * p))]
  process.send!({ submits, receipts, seconds: elapsed, p50: q(0.5), p99: q(0.99), p999: q(0.999), errors, clientCpu: (cpu.user + cpu.system) / 1e6 / elapsed } satisfies ClientResult)
  await new Promise((resolve) => setTimeout(resolve, 200))
  s.destroy('bench over')
  process.exit(0)
}

// ---------------------------------------------------------------- servers (this process)

interface Server { port: number, close: () => Promise<void> }

async function startOurs (backlog: number): Promise<Server> {
  const yaml = 'carriers:\n  - name: bench\n    port: 0\n    window: 1000\n    accounts: [{ system_id: bench, password: bench }]\n' +
    '    receipts: { latency: 0 }\n    overrides: [{ prefix: \'000\', stat: DELIVRD, latency: 600000 }]\n'
  const sim = new Simulator(parseSimulatorConfig(ConfigNode.parse(yaml, 'bench.yaml')))
  await sim.start()
  if (backlog > 0) {
    // A million messages due in 10 minutes, submitted through the engine directly (fast to set up).
    const c = sim.carrier()
    const link: SimLink = { systemId: 'bench', receives: false, peer: 'prefill', canSend: () => false, deliver () {}, respond () {}, drop () {} }
    const ls = c.attach(link)
    for (let i = 0; i < backlog; i++) {
      c.handle(ls, {
        commandId: CommandId.SubmitSm, commandStatus: 0, sequenceNumber: 0, serviceType: '', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Bench',
        destAddrTon: 1, destAddrNpi: 1, destinationAddr: '000' + String(i), esmClass: 0, protocolId: 0, priorityFlag: 0, scheduleDeliveryTime: '',
        validityPeriod: '', registeredDelivery: 1, replaceIfPresentFlag: 0, dataCoding: 0, smDefaultMsgId: 0, shortMessage: Buffer.from('prefill'), tlvs: null
      })
    }
    c.detach(ls)
    if (c.pendingReceipts < backlog) throw new RangeError(`backlog not filled: ${c.pendingReceipts}`)
    // Filling a million in a tight loop leaves the old generation full of set-up garbage until V8's
    // next full collection; collect it now, so the memory reported is the backlog's, not the loop's.
    global.gc?.()
  }
  return { port: sim.port(), close: async () => await sim.close() }
}

async function startNodeSmpp (): Promise<Server> {
  let n = 0
  const server = smpp.createServer((session: any) => {
    session.on('bind_transceiver', (pdu: any) => session.send(pdu.response()))
    session.on('submit_sm', (pdu: any) => {
      const id = (++n).toString(16)
      session.send(pdu.response({ message_id: id }))
      session.deliver_sm({
        source_addr: pdu.destination_addr,
        destination_addr: pdu.source_addr,
        esm_class: 4,
        short_message: `id:${id} sub:001 dlvrd:001 submit date:2601010000 done date:2601010000 stat:DELIVRD err:000 text:`,
        receipted_message_id: id,
        message_state: 2
      })
    })
    session.on('enquire_link', (pdu: any) => session.send(pdu.response()))
    session.on('unbind', (pdu: any) => { session.send(pdu.response()); session.close() })
    session.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    close: async () => await new Promise<void>((resolve) => { for (const s of server.sessions ?? []) s.destroy(); server.close(() => resolve()) })
  }
}

async function run (name: string, window: number, backlog: number, start: () => Promise<Server>): Promise<RunResult> {
  global.gc?.()
  const server = await start()
  const child = fork(fileURLToPath(import.meta.url), ['--client', String(server.port), String(window), String(SECONDS)], { stdio: 'inherit' })
  const peak = { rss: 0, heap: 0, external: 0 }
  const sample = (): void => {
    const m = process.memoryUsage()
    peak.rss = Math.max(peak.rss, m.rss)
    peak.heap = Math.max(peak.heap, m.heapUsed)
    peak.external = Math.max(peak.external, m.external)
  }
  const sampler = setInterval(sample, 100)
  // Server CPU from the client's bind (the server is idle then, so the message is read at once) to the result.
  let cpu0 = process.cpuUsage()
  let t0 = performance.now()
  const result = await new Promise<ClientResult>((resolve, reject) => {
    child.on('message', (m: { start?: boolean }) => {
      if (m.start === true) { cpu0 = process.cpuUsage(); t0 = performance.now() } else resolve(m as ClientResult)
    })
    child.once('exit', (code) => reject(new RangeError(`load client exited with ${String(code)}`)))
  })
  const cpu = process.cpuUsage(cpu0)
  const wall = (performance.now() - t0) * 1000
  clearInterval(sampler)
  sample()
  await server.close()
  child.kill()
  const mb = (n: number): number => Math.round(n / 1e6)
  return { ...result, server: name, window, backlog, rssMb: mb(peak.rss), heapMb: mb(peak.heap), externalMb: mb(peak.external), serverCpu: (cpu.user + cpu.system) / wall }
}

const SIM_ONLY = process.env.BENCH_SIM_ONLY === '1'

async function main (): Promise<void> {
  const results: RunResult[] = []
  for (const window of [10, 1000]) {
    results.push(await run('instrada sim', window, 0, async () => await startOurs(0)))
    // BENCH_SIM_ONLY=1 leaves the baseline out, so the process's RSS is the simulator's alone.
    if (!SIM_ONLY) results.push(await run('node-smpp SMSC', window, 0, startNodeSmpp))
  }
  if (BACKLOG > 0) results.push(await run('instrada sim', 1000, BACKLOG, async () => await startOurs(BACKLOG)))
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, seconds: SECONDS, results }, null, 2) + '\n')
    return
  }
  process.stdout.write(`simulator benchmark: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${SECONDS} s per run, one transceiver bind, load client in a separate process\n\n`)
  process.stdout.write('server           window  backlog   submits/s  receipts/s  per server CPU-s  receipt p50/p99/p99.9 ms   server CPU  client CPU  RSS MB  heap MB  ext MB  errors\n')
  for (const r of results) {
    process.stdout.write(`${r.server.padEnd(16)} ${String(r.window).padStart(6)} ${String(r.backlog).padStart(8)} ${fmt(r.submits / r.seconds).padStart(11)} ${fmt(r.receipts / r.seconds).padStart(11)} ${fmt(perCpu(r)).padStart(17)}` +
      `   ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} / ${r.p999.toFixed(1)}`.padEnd(28) + `${(r.serverCpu * 100).toFixed(0)}%`.padStart(9) + `${(r.clientCpu * 100).toFixed(0)}%`.padStart(12) + String(r.rssMb).padStart(8) +
      String(r.heapMb).padStart(9) + String(r.externalMb).padStart(8) + String(r.errors).padStart(8) + '\n')
  }
  for (const window of SIM_ONLY ? [] : [10, 1000]) {
    const a = results.find((r) => r.server === 'instrada sim' && r.window === window && r.backlog === 0)!
    const b = results.find((r) => r.server === 'node-smpp SMSC' && r.window === window)!
    process.stdout.write(`\nwindow ${window}: instrada sim / node-smpp SMSC = ${((a.submits / a.seconds) / (b.submits / b.seconds)).toFixed(1)}× submits/s, ${(perCpu(a) / perCpu(b)).toFixed(1)}× per server CPU-second`)
  }
  const flat = results.find((r) => r.backlog > 0)
  const base = results.find((r) => r.server === 'instrada sim' && r.window === 1000 && r.backlog === 0)!
  if (flat !== undefined) process.stdout.write(`\nwith ${flat.backlog} receipts pending: ${((flat.submits / flat.seconds) / (base.submits / base.seconds) * 100).toFixed(0)}% of the rate without, ${(perCpu(flat) / perCpu(base) * 100).toFixed(0)}% per server CPU-second`)
  process.stdout.write('\n')
}

/** submit_sm (each with its receipt) per second of server CPU: comparable on a busy machine. */
function perCpu (r: RunResult): number {
  return r.submits / r.seconds / Math.max(r.serverCpu, 0.01)
}

function fmt (n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

if (process.argv[2] === '--client') {
  clientMain(Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])).catch((err) => { process.stderr.write(String(err?.stack ?? err) + '\n'); process.exit(1) })
} else {
  main().then(() => process.exit(0), (err) => { process.stderr.write(String(err?.stack ?? err) + '\n'); process.exit(1) })
}
