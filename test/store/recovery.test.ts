import t from 'tap'
import { openStore, message, tempDir } from './helpers.js'

t.test('recovery: re-queue acknowledged unsent parts, report in-flight ones, release expired holds', async (t) => {
  const dir = tempDir(t)
  const store = await openStore(t, dir)
  await store.ledger.ensureAccount('acme', { initialCredit: 100_000, alerts: [] })
  const now = Date.now()
  const queued = message('acme')
  const inFlight = message('acme')
  const expiring = message('acme', { validUntil: now + 150, payloads: [Buffer.from('a'), Buffer.from('b')] })
  const sent = message('acme')
  const scheduled = message('acme', { scheduledAt: now + 3_600_000 })
  const half = message('acme', { payloads: [Buffer.from('1'), Buffer.from('2')] })
  const done = message('acme')
  await store.acceptBatch([queued, inFlight, expiring, sent, scheduled, half, done])
  await store.dispatch({ account: 'acme', id: inFlight.id, part: 0 }, 'c1')
  await store.commit({ account: 'acme', id: sent.id, part: 0 }, 'c1', 's1')
  await store.commit({ account: 'acme', id: half.id, part: 0 }, 'c1', 'h1')
  await store.commit({ account: 'acme', id: done.id, part: 0 }, 'c1', 'd1')
  await store.finish({ account: 'acme', id: done.id, part: 0 }, 'delivered', null)
  await store.commit({ account: 'acme', id: expiring.id, part: 1 }, 'c1', 'e1')
  t.same(await store.ledger.balance('acme'), { account: 'acme', balance: 96_000, held: 5000, available: 91_000 })
  await store.close()
  await new Promise((resolve) => setTimeout(resolve, 200))

  const again = await openStore(t, dir)
  const rep = again.recovery
  t.ok(rep !== null)
  if (rep === null) return
  const key = (r: { id: string, part: number }): string => `${r.id}.${r.part}`
  t.same(rep.requeue.map(key).sort(), [`${queued.id}.0`, `${half.id}.1`].sort(), 'acknowledged, never sent: queue again')
  t.same(rep.inFlight.map(key), [`${inFlight.id}.0`], 'handed to a carrier, no answer: reported')
  t.equal(rep.expired, 1, 'the unsent part past its validity')
  t.equal(rep.scanned, 5, 'only unfinished messages were looked at')
  t.match((await again.get('acme', expiring.id))?.parts.map((p) => p.state), ['expired', 'submitted'])
  t.same(await again.ledger.balance('acme'), { account: 'acme', balance: 96_000, held: 4000, available: 92_000 }, 'its hold was released, the sent part stays charged')
  t.same((await again.due(now + 3_600_000, 10)).map((r) => r.id), [scheduled.id], 'scheduled sends stay in the due index')
  t.ok((await again.ledger.reconcile()).every((r) => r.ok))
  await again.close()
  const third = await openStore(t, dir)
  t.equal(third.recovery?.expired, 0, 'recovery is idempotent')
  t.equal(third.recovery?.requeue.length, 2)
})
