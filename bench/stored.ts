// 1M messages stored: fills a store with BENCH_STORED finished messages (a realistic mix of sizes,
// written through LmdbStore.acceptBatch / commitBatch / finish — the writes the router itself
// makes, so the rows and indexes are the real ones), then starts the router on it with a
// default-like config (workers 1, durability flush, retention 30 days) and measures start-up
// time, memory after start and after a short closed-loop load (RSS, RssAnon, RssFile, heap of
// every thread, sampled inside the router by bench/mem-probe.js). The comparison, in the same
// run, is the same router on an empty store under the same load.
//   npm run build && node dist/bench/stored.js                       (≈ 2–5 minutes)
//   BENCH_STORED=200000 node dist/bench/stored.js
// A third run has the router write the messages itself (SMPP, closed loop, same mix, receipts),
// since a router that wrote them keeps the store pages it touched in its RSS (file-backed).
// Env: BENCH_STORED (default 1000000), BENCH_STORED_FILL_S (fill cap, both ways, default 600),
// BENCH_STORED_LOAD_S (default 20), BENCH_STORED_LIMIT_MB (default 400),
// BENCH_STORED_VIA_ROUTER=0 (skip the third run), BENCH_RESULTS.

import { statSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { LoadGenerator, type MessageMix } from '../src/load/index.js'
import { LmdbStore } from '../src/store/lmdb-store.js'
import type { AcceptRequest, CommitRequest } from '../src/store/types.js'
import { BENCH_ACCOUNT, removeDir, type RouterParams } from './e2e-harness.js'
import { readProbe, startProbedRouter, type MemSample } from './mem-harness.js'
import { addSection, machineDescription, type StoredReport, type StoredSide } from './report.js'

const STORED = Number(process.env.BENCH_STORED ?? 1_000_000)
const FILL_CAP_S = Number(process.env.BENCH_STORED_FILL_S ?? 600)
const LOAD_S = Number(process.env.BENCH_STORED_LOAD_S ?? 20)
const LIMIT_MB = Number(process.env.BENCH_STORED_LIMIT_MB ?? 400)
const BINDS = 10
const WINDOW = 100
const BATCH = 5000
const SETTLE_MS = 5000
const PROBE_MS = 1000
const DRAIN_MS = 30_000
const VIA_ROUTER = process.env.BENCH_STORED_VIA_ROUTER !== '0'

if (!Number.isInteger(STORED) || STORED < 1 || !(FILL_CAP_S > 0) || !(LOAD_S >= 2) || !(LIMIT_MB > 0)) {
  process.stderr.write('bench/stored: BENCH_STORED must be a positive integer, BENCH_STORED_FILL_S > 0, BENCH_STORED_LOAD_S ≥ 2, BENCH_STORED_LIMIT_MB > 0\n')
  process.exit(2)
}

// The router's defaults where the bench harness chose otherwise for speed (retention 1 day there).
const params: RouterParams = { workers: 1, accountWindow: 5000, queueLimit: 200_000, durability: 'flush', sim: 'child', carrierBinds: 4, profile: false }
const editConfig = (yaml: string): string => yaml.replace('retention_days: 1', 'retention_days: 30')

function log (s: string): void { process.stdout.write(s) }
const fmt = (n: number): string => Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-'
const mb = (v: number | undefined): string => v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(0)

/**
 * The message mix, in 20ths: 14 short GSM (1 part, 60–160 bytes), 3 long GSM (3 parts of 153
 * bytes with UDH), 2 UCS-2 (1 part, 70–140 bytes), 1 long UCS-2 (3 parts of 140 bytes).
 */
const MIX = 'GSM short 70 %, GSM 3-part 15 %, UCS-2 short 10 %, UCS-2 3-part 5 %'
function payloadsFor (i: number): Uint8Array[] {
  const k = i % 20
  const short = (min: number, max: number): Uint8Array[] => [Buffer.alloc(min + (i * 7919) % (max - min + 1), 0x41 + (i % 26))]
  const parts = (n: number, size: number): Uint8Array[] => Array.from({ length: n }, (_, p) => {
    const b = Buffer.alloc(size, 0x61 + (i % 26))
    b.set([5, 0, 3, i & 0xff, n, p + 1]) // UDH: concatenation, 8-bit reference
    return b
  })
  if (k < 14) return short(60, 160)
  if (k < 17) return parts(3, 153)
  if (k < 19) return short(70, 140)
  return parts(3, 140)
}

function message (id: string, i: number): AcceptRequest {
  const payloads = payloadsFor(i)
  const k = i % 20
  return {
    id,
    account: BENCH_ACCOUNT.systemId,
    origin: { kind: 'smpp', bindId: `bench-${i % 10}` },
    reference: null,
    sender: 'Instrada',
    destination: `39347${String(1_000_000 + (i * 104_729) % 9_000_000).padStart(7, '0')}`,
    country: 'IT',
    type: 'pro',
    dataCoding: k >= 17 ? 8 : 0,
    esmClass: payloads.length > 1 ? 0x40 : 0,
    // Receipts long since delivered: asking for one here would leave a million owed receipts in
    // the outbox, which a router that delivered them would not have.
    registeredDelivery: 0,
    payloads,
    validUntil: null,
    scheduledAt: null,
    concatRef: payloads.length > 1 ? i & 0xff : 0,
    cutFor: 'udh8'
  }
}

interface Fill { filled: number, seconds: number, capped: boolean, parts: number, bytes: number }

/** Accept, carrier acceptance and a DELIVRD outcome for every part: finished messages, as the router leaves them. */
async function fill (path: string): Promise<Fill> {
  const store = new LmdbStore({ config: { path, retentionDays: 30, pruneIntervalMs: 60_000, pruneBatch: 1000, mapSizeMb: 4096, durability: 'none' }, recover: false, prune: false })
  await store.start()
  // Enough credit for the fill; the router's own initial_credit is then a no-op (applied once).
  await store.ledger.ensureAccount(BENCH_ACCOUNT.systemId, { initialCredit: 1e14, alerts: [] })
  const ids = store.idGenerator()
  const t0 = performance.now()
  let filled = 0; let parts = 0; let bytes = 0; let capped = false
  let lastLog = t0
  while (filled < STORED) {
    if (performance.now() - t0 > FILL_CAP_S * 1000) { capped = true; break }
    const msgs: AcceptRequest[] = []
    for (let i = 0; i < BATCH && filled + i < STORED; i++) msgs.push(message(ids.next(), filled + i))
    const results = await store.acceptBatch(msgs)
    const commits: CommitRequest[] = []
    for (let i = 0; i < msgs.length; i++) {
      if (!results[i].ok) throw new RangeError(`fill: message ${filled + i} refused: ${JSON.stringify(results[i])}`)
      for (let p = 0; p < msgs[i].payloads.length; p++) {
        commits.push({ account: msgs[i].account, id: msgs[i].id, part: p, carrierId: 'sim-it', carrierMessageId: `${msgs[i].id}${p}` })
        bytes += msgs[i].payloads[p].length
      }
    }
    await store.commitBatch(commits)
    // Queued together, so the writer applies them in one transaction.
    await Promise.all(commits.map(async (c) => await store.finish(c, 'delivered', null)))
    parts += commits.length
    filled += msgs.length
    if (performance.now() - lastLog > 10_000) { lastLog = performance.now(); log(`  filled ${fmt(filled)} (${fmt(filled / (lastLog - t0) * 1000)}/s)\n`) }
  }
  await store.close()
  return { filled, seconds: (performance.now() - t0) / 1000, capped, parts, bytes }
}

function dirMb (dir: string): number {
  try { return readdirSync(dir).reduce((a, f) => a + statSync(join(dir, f)).size, 0) / 2 ** 20 } catch { return NaN }
}

const latest = (samples: MemSample[]): MemSample | null => samples.length > 0 ? samples[samples.length - 1] : null

// The fill's mix, as the load generator's kinds; every message asks for a receipt (delivered).
const WRITE_MIX: MessageMix = { weights: { short: 14, long: 3, ucs2: 2, ucs2long: 1 }, receipts: 1 }

/**
 * The load each side gets: the short closed loop, or (`write`) the router writing the messages
 * itself — closed loop until BENCH_STORED accepted or the fill cap, whichever comes first.
 */
interface SideLoad { write: boolean }

async function side (label: string, prepare: ((path: string) => Promise<void>) | undefined, stored: number, how: SideLoad = { write: false }): Promise<StoredSide> {
  const router = await startProbedRouter(params, { probeMs: PROBE_MS, editConfig, ...(prepare !== undefined ? { prepare } : {}) })
  try {
    log(`${label}: router listening after ${fmt(router.startMs)} ms\n`)
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    const afterStart = latest(readProbe(router.probeFile, 0))
    router.sampler.mark()
    const load = await new LoadGenerator({
      port: router.port,
      systemId: BENCH_ACCOUNT.systemId,
      password: BENCH_ACCOUNT.password,
      binds: BINDS,
      window: WINDOW,
      ...(how.write ? { count: STORED, seconds: FILL_CAP_S, mix: WRITE_MIX } : { seconds: LOAD_S + 1, warmupSeconds: 1 }),
      receiptWaitMs: 3000,
      requestTimeoutMs: 15_000
    }).run()
    const maxRssMb = router.sampler.rssMb.length > 0 ? Math.max(...router.sampler.rssMb) : NaN
    const maxAnonMb = router.sampler.anonMb.length > 0 ? Math.max(...router.sampler.anonMb) : NaN
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS * 2))
    const afterLoad = latest(readProbe(router.probeFile, 0))
    // Idle a while: what stays is held, what goes was work in flight (receipts still trailing).
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS))
    const afterIdle = latest(readProbe(router.probeFile, 0))
    const crashed = !router.alive()
    const errors = Object.values(load.errors).reduce((a, b) => a + b, 0)
    log(`${label}: after start RSS ${mb(afterStart?.rss)} MB (anon ${mb(afterStart?.rssAnon)}, file ${mb(afterStart?.rssFile)}, heap ${mb(afterStart?.heapUsed)}); ` +
      `load ${how.write ? `(writing: ${fmt(load.accepted)} accepted in ${load.measuredSeconds.toFixed(0)} s) ` : ''}${fmt(load.acceptedPerS)}/s resp p99 ${load.submitResp.p99.toFixed(0)} ms, errors ${errors}, receipts missing ${load.receipts.missing}; ` +
      `max RSS ${mb(maxRssMb)} MB (anon ${mb(maxAnonMb)}); after load RSS ${mb(afterLoad?.rss)} MB (anon ${mb(afterLoad?.rssAnon)}, file ${mb(afterLoad?.rssFile)}, heap ${mb(afterLoad?.heapUsed)}); ${DRAIN_MS / 1000} s idle later RSS ${mb(afterIdle?.rss)} MB (anon ${mb(afterIdle?.rssAnon)}, heap ${mb(afterIdle?.heapUsed)})\n`)
    return {
      label,
      stored: how.write ? load.accepted : stored,
      startMs: router.startMs,
      afterStart,
      afterLoad,
      afterIdle,
      maxRssMb,
      maxAnonMb,
      acceptedPerS: load.acceptedPerS,
      respP99: load.submitResp.p99,
      receiptP99: load.receipt.p99,
      errors,
      receiptsMissing: load.receipts.missing,
      crashed
    }
  } finally {
    await router.stop()
    removeDir(router.dir)
  }
}

async function main (): Promise<void> {
  const started = new Date()
  const machine = machineDescription()
  log(`stored ${started.toISOString()}: ${machine.summary}\n${fmt(STORED)} finished messages (fill capped at ${FILL_CAP_S} s), then the router on them, ${LOAD_S} s closed loop ${BINDS} binds × w${WINDOW}\n`)
  const empty = await side('empty store', undefined, 0)
  let f: Fill = { filled: 0, seconds: 0, capped: false, parts: 0, bytes: 0 }
  let storeMb = NaN
  const stored = await side('filled store', async (path) => {
    f = await fill(path)
    storeMb = dirMb(path)
    log(`filled ${fmt(f.filled)} messages (${fmt(f.parts)} parts) in ${f.seconds.toFixed(1)} s${f.capped ? ` — stopped at the ${FILL_CAP_S} s cap` : ''}; store ${fmt(storeMb)} MB on disk\n`)
  }, STORED)
  stored.stored = f.filled
  const viaRouter = VIA_ROUTER ? await side('written by the router', undefined, 0, { write: true }) : null
  const report: StoredReport = {
    date: started.toISOString(),
    machine,
    loadAfter: machineDescription().load,
    asked: STORED,
    filled: f.filled,
    fillSeconds: f.seconds,
    fillCapSeconds: FILL_CAP_S,
    fillCapped: f.capped,
    mix: MIX,
    avgPayloadBytes: f.filled > 0 ? f.bytes / f.filled : NaN,
    partsPerMessage: f.filled > 0 ? f.parts / f.filled : NaN,
    storeMb,
    workers: params.workers,
    durability: params.durability,
    loadSeconds: LOAD_S,
    binds: BINDS,
    window: WINDOW,
    limitMb: LIMIT_MB,
    stored,
    empty,
    ...(viaRouter !== null ? { viaRouter } : {})
  }
  const files = addSection({ stored: report }, process.env.BENCH_RESULTS)
  log(`written: ${files.join(', ')}\n`)
  if (stored.crashed || empty.crashed || viaRouter?.crashed === true) process.exitCode = 1
}

main().then(() => { process.exit(process.exitCode ?? 0) }, (err) => { process.stderr.write(String(err?.stack ?? err) + '\n'); process.exit(1) })
