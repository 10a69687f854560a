import t from 'tap'
import { fork } from 'node:child_process'
import { openStore, tempDir } from './helpers.js'

const CHILD = new URL('./fixtures/crash-child.ts', import.meta.url).pathname
const tsLoader = process.execArgv.filter((a) => a.includes('typescript') || a.includes('enable-source-maps'))

interface Acks { accepted: Map<string, [number, number]>, committed: Set<string>, error: string | null }

/** Runs the child until a SIGKILL after `ms` of writing; returns what it acknowledged. */
async function runAndKill (path: string, seed: number, ms: number, acks: Acks): Promise<void> {
  const child = fork(CHILD, [path, String(seed)], { execArgv: tsLoader, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let ready: () => void = () => {}
  const isReady = new Promise<void>((resolve) => { ready = resolve })
  child.on('message', (m: { ready?: boolean, accepted?: Array<[string, number, number]>, committed?: Array<[string, number]>, error?: string }) => {
    if (m.ready === true) ready()
    for (const [id, parts, cost] of m.accepted ?? []) acks.accepted.set(id, [parts, cost])
    for (const [id, part] of m.committed ?? []) acks.committed.add(`${id}.${part}`)
    if (m.error !== undefined) acks.error = m.error
  })
  await Promise.race([isReady, exited])
  await new Promise((resolve) => setTimeout(resolve, ms))
  child.kill('SIGKILL')
  await exited
}

t.test('SIGKILL under load loses no acknowledged message, reservation or charge', async (t) => {
  const dir = tempDir(t)
  const initial = 1_000_000_000
  const setup = await openStore(t, dir)
  await setup.ledger.ensureAccount('acme', { initialCredit: initial, alerts: [] })
  await setup.close()
  const acks: Acks = { accepted: new Map(), committed: new Set(), error: null }
  const rounds = 4
  for (let round = 0; round < rounds; round++) {
    await runAndKill(dir, 1000 + round, 150 + Math.floor(Math.random() * 500), acks)
    t.equal(acks.error, null, `round ${round}: child ran without error`)
    const store = await openStore(t, dir)
    let missing = 0
    let uncharged = 0
    for (const [id] of acks.accepted) {
      const rec = await store.get('acme', id)
      if (rec === null) { missing++; continue }
      for (const p of rec.parts) if (acks.committed.has(`${id}.${p.part}`) && p.charged === 0) uncharged++
    }
    t.equal(missing, 0, `round ${round}: all ${acks.accepted.size} acknowledged messages present`)
    t.equal(uncharged, 0, `round ${round}: all ${acks.committed.size} acknowledged commits charged`)
    // Independent of the ledger's own sums: rebuild charges and holds from the message records.
    let charged = 0
    let held = 0
    let page = await store.list('acme', { limit: 1000 })
    for (;;) {
      for (const m of page.items) {
        for (const p of m.parts) {
          charged += p.charged
          if (p.charged === 0 && (p.state === 'queued' || p.state === 'submitting')) held += m.partCost
        }
      }
      if (page.next === null) break
      page = await store.list('acme', { limit: 1000, after: page.next })
    }
    const b = await store.ledger.balance('acme')
    t.equal(b?.balance, initial - charged, `round ${round}: balance = initial - charges recorded on messages`)
    t.equal(b?.held, held, `round ${round}: held = open parts × price (no reservation lost or doubled)`)
    const [r] = await store.ledger.reconcile('acme')
    t.same(r.problems, [], `round ${round}: reconcile passes`)
    await store.close()
  }
  t.ok(acks.accepted.size > 100, `the child wrote under load (${acks.accepted.size} messages acknowledged)`)
})
