import t from 'tap'
import { Worker } from 'node:worker_threads'
import { openStore, tempDir } from '../store/helpers.js'

interface Totals { accepted: number, refused: number, charged: number, released: number, toppedUp: number, minAvailable: number, error?: string }

const WORKER = new URL('./fixtures/binds-worker.ts', import.meta.url)

function runWorker (data: object): Promise<Totals> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: data, execArgv: process.execArgv })
    w.once('message', (m: Totals) => { m.error !== undefined ? reject(new Error(m.error)) : resolve(m) })
    w.once('error', reject)
  })
}

for (const seed of [1, 7, 42]) {
  t.test(`seed ${seed}: two threads of binds on one account never overspend and always reconcile`, async (t) => {
    const dir = tempDir(t)
    const initial = 20_000
    const setup = await openStore(t, dir)
    await setup.ledger.ensureAccount('shared', { initialCredit: initial, alerts: [5000, 1000] })
    await setup.close()

    const results = await Promise.all([1, 2].map(async (n) => await runWorker({ path: dir, seed: seed * 100 + n, binds: 5, ops: 30, account: 'shared' })))
    const sum = (k: keyof Totals): number => results.reduce((a, r) => a + (r[k] as number), 0)
    t.ok(sum('refused') > 0, 'credit ran out at some point (the test exercised refusals)')
    t.ok(results.every((r) => r.minAvailable >= 0), 'available credit never seen below zero')

    const store = await openStore(t, dir)
    const b = await store.ledger.balance('shared')
    t.equal(b?.balance, initial + sum('toppedUp') - sum('charged'), 'balance = initial + top-ups - charges')
    t.equal(b?.held, sum('accepted') - sum('charged') - sum('released'), 'held = accepted - charged - released')
    t.ok((b?.available ?? -1) >= 0)
    const [r] = await store.ledger.reconcile('shared')
    t.same(r.problems, [])
    t.ok(r.ok)
  })
}
