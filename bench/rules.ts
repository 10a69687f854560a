// Segmentation + policy throughput of the rules domain, one core, next to sms-segments-calculator
// (counting only, a much smaller job) on the same texts in the same run.
// Run: npm run build && node dist/bench/rules.js   (RULES_BENCH_MS=1500 per scenario by default)

import { SegmentedMessage } from 'sms-segments-calculator'
import { ConfigNode } from '../src/config/node.js'
import { AccountPolicy, Accepted, parseAccountRules, parseRulesConfig, splitMessage, createRefState, nextRef, type SendRequest, type SubmitContent } from '../src/rules/index.js'

const MS = Number(process.env.RULES_BENCH_MS ?? 1500)
const BATCH = 1000

const rules = parseRulesConfig(ConfigNode.empty())
const account = parseAccountRules(ConfigNode.parse(`
italian_vat: true
senders:
  - { addr: ACME, state: active }
  - { addr: '393201234567', state: active, verified: true }
`, 'bench.yaml'), rules)
const policy = new AccountPolicy(rules, account)
const req: SendRequest = { type: 'pro', from: 'ACME', fromTon: 5, to: '393471234567', toTon: 1 }

const sentence = 'Gentile cliente, il suo ordine 4711 è in consegna domani tra le 9:00 e le 13:00. '
const cyr = 'Здравствуйте! Ваш заказ 4711 будет доставлен завтра с 9:00 до 13:00. '
// Flat strings, as JSON.parse or a Buffer decode produce them (a .repeat().slice() rope is slower to index).
const flat = (s: string): string => Buffer.from(s, 'utf8').toString('utf8')
const texts = {
  'short GSM (82 chars)': flat(sentence),
  '4-part GSM (600 chars)': flat(sentence.repeat(8).slice(0, 600)),
  'short UCS-2 (70 chars)': flat(cyr.slice(0, 70)),
  '4-part UCS-2 (260 chars)': flat(cyr.repeat(4).slice(0, 260))
}

/** opsPerSec is per second of this process's CPU time: robust on a shared, noisy machine. */
interface Result { opsPerSec: number, wallOpsPerSec: number, p50: number, p99: number }

/** Runs `fn(i)` in batches for MS milliseconds; per-op latency percentiles from batch times (ns). */
function run (fn: (i: number) => unknown, batch = BATCH): Result {
  const warm = Date.now() + 200
  for (let i = 0; Date.now() < warm; i++) fn(i)
  const BATCH = batch
  const batches: number[] = []
  let ops = 0
  const cpu0 = process.cpuUsage()
  const start = process.hrtime.bigint()
  const deadline = start + BigInt(MS) * 1_000_000n
  let sink = 0
  for (;;) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < BATCH; i++) if (fn(ops + i) !== null) sink++
    const t1 = process.hrtime.bigint()
    batches.push(Number(t1 - t0) / BATCH)
    ops += BATCH
    if (t1 > deadline) break
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9
  const cpu = process.cpuUsage(cpu0)
  const cpuSecs = (cpu.user + cpu.system) / 1e6
  batches.sort((a, b) => a - b)
  if (sink < 0) console.log(sink)
  return { opsPerSec: ops / cpuSecs, wallOpsPerSec: ops / secs, p50: batches[Math.floor(batches.length * 0.5)], p99: batches[Math.floor(batches.length * 0.99)] }
}

const fmt = (n: number): string => n >= 1e6 ? (n / 1e6).toFixed(2) + 'M' : n >= 1e4 ? (n / 1e3).toFixed(0) + 'k' : n.toFixed(0)
const rows: string[][] = []
const refs = createRefState()

for (const [name, text] of Object.entries(texts)) {
  const first = policy.accept(req, text)
  if (!(first instanceof Accepted)) throw new Error(`bench text refused: ${JSON.stringify(first)}`)
  const ours = run(() => policy.accept(req, text))
  const split = run(() => {
    const a = policy.accept(req, text) as Accepted
    return splitMessage(a.message, 'udh8', a.message.parts > 1 ? nextRef(refs, a.dest.addr) : 0)
  })
  const base = run(() => new SegmentedMessage(text), 1)
  rows.push([name, `${fmt(ours.opsPerSec)} (${fmt(ours.wallOpsPerSec)})`, `${ours.p50.toFixed(0)}/${ours.p99.toFixed(0)}`, fmt(split.opsPerSec), fmt(base.opsPerSec), `${base.p50.toFixed(0)}/${base.p99.toFixed(0)}`, (ours.opsPerSec / base.opsPerSec).toFixed(1) + '×'])
}

// The SMPP path: short_message bytes (GSM-7 unpacked, data_coding 0) instead of a JS string.
const smBytes = Buffer.from(sentence.replace('è', 'e'), 'latin1')
const submit: SubmitContent = { shortMessage: smBytes, dataCoding: 0, esmClass: 0, messagePayload: null }
const smpp = run(() => policy.accept(req, submit))
rows.push(['SMPP submit, short GSM bytes', `${fmt(smpp.opsPerSec)} (${fmt(smpp.wallOpsPerSec)})`, `${smpp.p50.toFixed(0)}/${smpp.p99.toFixed(0)}`, '', '', '', ''])

const header = ['text', 'accept/s', 'p50/p99 ns', 'accept+split/s', 'baseline/s', 'baseline p50/p99 ns', 'ratio']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i])).join('  ')
console.log(`rules bench — node ${process.version}, ${MS} ms per scenario, one thread; rates per CPU-second (wall-clock rate in brackets); latency = per-op mean of 1000-op batches (baseline: single ops); baseline = sms-segments-calculator (counting only)`)
console.log(line(header))
for (const r of rows) console.log(line(r))
