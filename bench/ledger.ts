// Reserve + record + commit per second through the message store, acknowledged after commit,
// with one and with two worker threads on the same LMDB environment, next to a plain `lmdb`
// put loop measured in the same run; then start-up (recovery) time with many stored messages.
//
//   npm run build && node dist/bench/ledger.js
//   env: BENCH_MESSAGES (per scenario, default 100000), BENCH_BATCH (messages per acceptBatch,
//   default 500), BENCH_WINDOW (batches in flight per thread, default 8), BENCH_STORED
//   (messages for the start-up test, default 1000000), BENCH_DURABILITY (flush|commit|none)

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { open } from 'lmdb'
import { LmdbStore } from '../src/store/lmdb-store.js'
import type { Durability } from '../src/store/config.js'
import type { AcceptRequest, CommitRequest } from '../src/store/types.js'

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000)
const BATCH = Number(process.env.BENCH_BATCH ?? 500)
const WINDOW = Number(process.env.BENCH_WINDOW ?? 8)
const STORED = Number(process.env.BENCH_STORED ?? 1_000_000)
const DURABILITY = (process.env.BENCH_DURABILITY ?? 'flush') as Durability
const PAYLOAD = Buffer.alloc(140, 0x41)

interface RunResult { messages: number, ms: number, latencies: number[], batches: number }

function config (path: string): ConstructorParameters<typeof LmdbStore>[0]['config'] {
  return { path, retentionDays: 30, pruneIntervalMs: 60_000, pruneBatch: 1000, mapSizeMb: 8192, durability: DURABILITY }
}

function makeMessage (id: string, account: string): AcceptRequest {
  return {
    id, account, origin: { kind: 'smpp', bindId: 'bench' }, reference: null, sender: 'ACME', destination: '393331234567',
    country: 'IT', type: 'pro', dataCoding: 0, esmClass: 0, registeredDelivery: 1, payloads: [PAYLOAD], validUntil: null, scheduledAt: null
  }
}

/** The router's pattern: a batch of submits accepted (ack after commit), then each part committed. */
async function drive (path: string, count: number, account: string): Promise<RunResult> {
  const store = new LmdbStore({ config: config(path), recover: false, prune: false })
  await store.start()
  const ids = store.idGenerator()
  const latencies: number[] = []
  const inflight = new Set<Promise<void>>()
  const carrier = 'sim'
  const t0 = performance.now()
  for (let sent = 0; sent < count; sent += BATCH) {
    while (inflight.size >= WINDOW) await Promise.race(inflight)
    const msgs: AcceptRequest[] = []
    for (let i = 0; i < BATCH && sent + i < count; i++) msgs.push(makeMessage(ids.next(), account))
    const started = performance.now()
    const p = store.acceptBatch(msgs).then(async (results) => {
      latencies.push(performance.now() - started)
      const commits: CommitRequest[] = []
      for (let i = 0; i < results.length; i++) {
        if (results[i].ok) commits.push({ account, id: msgs[i].id, part: 0, carrierId: carrier, carrierMessageId: msgs[i].id })
      }
      await store.commitBatch(commits)
    })
    const tracked = p.finally(() => inflight.delete(tracked))
    inflight.add(tracked)
  }
  await Promise.all(inflight)
  const ms = performance.now() - t0
  const batches = store.stats.batches
  await store.close()
  return { messages: count, ms, latencies, batches }
}

async function seed (path: string, accounts: string[]): Promise<void> {
  const store = new LmdbStore({ config: config(path), recover: false, prune: false })
  await store.start()
  for (const a of accounts) await store.ledger.ensureAccount(a, { initialCredit: 1e12, alerts: [] })
  await store.close()
}

async function plainPuts (path: string, count: number): Promise<number> {
  const db = open({ path, noSync: DURABILITY === 'none' })
  const t0 = performance.now()
  let last: Promise<boolean> = Promise.resolve(true)
  for (let i = 0; i < count; i++) {
    last = db.put(i, { account: 'acme', to: '393331234567', cost: 1000, p: PAYLOAD })
    if ((i & 1023) === 1023) await last
  }
  await last
  if (DURABILITY === 'flush') await db.flushed
  const ms = performance.now() - t0
  await db.close()
  return count / ms * 1000
}

function pct (sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

async function inWorkers (path: string, threads: number, perThread: number): Promise<RunResult> {
  const t0 = performance.now()
  const results = await Promise.all(Array.from({ length: threads }, async (_, i) => await new Promise<RunResult>((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { path, count: perThread, account: `acct${i}` } })
    w.once('message', resolve)
    w.once('error', reject)
  })))
  const ms = performance.now() - t0
  return { messages: threads * perThread, ms, latencies: results.flatMap((r) => r.latencies), batches: results.reduce((a, r) => a + r.batches, 0) }
}

function line (name: string, r: RunResult, baseline: number): void {
  const rate = r.messages / r.ms * 1000
  const lat = r.latencies.sort((a, b) => a - b)
  console.log(`${name.padEnd(34)} ${Math.round(rate).toString().padStart(8)} msg/s  ack p50 ${pct(lat, 0.5).toFixed(1)} ms p99 ${pct(lat, 0.99).toFixed(1)} ms  ` +
    `(${r.batches} write txns)  ratio to plain puts ${(rate / baseline).toFixed(2)}`)
}

async function startup (dir: string): Promise<void> {
  const path = join(dir, 'startup')
  await seed(path, ['acme'])
  const store = new LmdbStore({ config: { ...config(path), durability: 'none' }, recover: false, prune: false })
  await store.start()
  const ids = store.idGenerator()
  const unfinishedEvery = 100
  let filled = STORED
  const t0 = performance.now()
  for (let sent = 0; sent < STORED; sent += 5000) {
    const msgs: AcceptRequest[] = []
    for (let i = 0; i < 5000 && sent + i < STORED; i++) msgs.push(makeMessage(ids.next(), 'acme'))
    const results = await store.acceptBatch(msgs)
    const commits: CommitRequest[] = []
    for (let i = 0; i < msgs.length; i++) {
      if (results[i].ok && (sent + i) % unfinishedEvery !== 0) commits.push({ account: 'acme', id: msgs[i].id, part: 0, carrierId: 'sim', carrierMessageId: msgs[i].id })
    }
    await store.commitBatch(commits)
    if (performance.now() - t0 > 30_000) { filled = sent + msgs.length; break }
  }
  const fill = performance.now() - t0
  await store.close()
  const t1 = performance.now()
  const again = new LmdbStore({ config: config(path), prune: false })
  await again.start()
  const ms = performance.now() - t1
  const rep = again.recovery
  const ok = (await again.ledger.reconcile()).every((r) => r.ok)
  await again.close()
  const scanned = rep?.scanned ?? 0
  console.log(`start-up with ${filled} stored messages${filled < STORED ? ` (fill stopped at the 30 s budget, asked ${STORED})` : ''}, ` +
    `1 in ${unfinishedEvery} unfinished (filled in ${(fill / 1000).toFixed(1)} s): open + recovery ${ms.toFixed(0)} ms, ` +
    `scanned ${scanned} unfinished (${scanned > 0 ? (ms * 1000 / scanned).toFixed(1) : '-'} µs each), requeue ${rep?.requeue.length ?? 0}, reconcile ${ok ? 'ok' : 'FAILED'}`)
}

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'instrada-bench-'))
  try {
    console.log(`node ${process.version}, ${cpus().length} cpus, durability ${DURABILITY}, ${MESSAGES} messages per scenario, batch ${BATCH}, window ${WINDOW}`)
    const baseline = await plainPuts(join(dir, 'plain'), MESSAGES)
    console.log(`${'plain lmdb put loop (baseline)'.padEnd(34)} ${Math.round(baseline).toString().padStart(8)} puts/s`)
    const p1 = join(dir, 'one')
    await seed(p1, ['acct0'])
    line('reserve+record+commit, 1 thread', await inWorkers(p1, 1, MESSAGES), baseline)
    const p2 = join(dir, 'two')
    await seed(p2, ['acct0', 'acct1'])
    line('reserve+record+commit, 2 threads', await inWorkers(p2, 2, MESSAGES / 2), baseline)
    if (STORED > 0) await startup(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMainThread) {
  main().catch((err) => { console.error(err); process.exitCode = 1 })
} else {
  const { path, count, account } = workerData as { path: string, count: number, account: string }
  drive(path, count, account).then((r) => parentPort?.postMessage(r), (err) => { throw err })
}
