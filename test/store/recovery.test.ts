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

t.test('open sets: unfinished work is found after a restart whatever batch it came in, and charged batches leave nothing behind', async (t) => {
  const dir = tempDir(t)
  const store = await openStore(t, dir)
  await store.ledger.ensureAccount('acme', { initialCredit: 10_000_000, alerts: [] })
  await store.ledger.ensureAccount('beta', { initialCredit: 10_000_000, alerts: [] })
  const openSets = (): number => store.open().open.getKeysCount()
  // One batch bigger than a set, two accounts interleaved.
  const big = Array.from({ length: 700 }, (_, i) => message(i % 7 === 0 ? 'beta' : 'acme'))
  t.ok((await store.acceptBatch(big)).every((r) => r.ok))
  t.ok(openSets() >= 4, 'the batch is listed in several sets (per account, bounded size)')
  // Charge all but every 10th; finish some of those as failed; the rest stays open.
  const ref = (m: { account: string, id: string }): { account: string, id: string, part: number } => ({ account: m.account, id: m.id, part: 0 })
  await store.commitBatch(big.filter((_, i) => i % 10 !== 0).map((m) => ({ ...ref(m), carrierId: 'c', carrierMessageId: `k${m.id}` })))
  const stillOpen = big.filter((_, i) => i % 10 === 0)
  for (const m of stillOpen.filter((_, i) => i % 3 === 0)) await store.finish(ref(m), 'failed', 'no route')
  const expectOpen = stillOpen.filter((_, i) => i % 3 !== 0).map((m) => m.id).sort()
  t.same((await store.ledger.reconcile()).map((r) => r.problems), [[], []], 'books balance with partly drained sets')
  // A fully charged batch: its sets are deleted in the charging transaction.
  const before = openSets()
  const small = Array.from({ length: 50 }, () => message('acme'))
  await store.acceptBatch(small)
  t.equal(openSets(), before + 1)
  await store.commitBatch(small.map((m) => ({ ...ref(m), carrierId: 'c', carrierMessageId: `s${m.id}` })))
  t.equal(openSets(), before, 'charging every member deletes the set')
  await store.close()

  const again = await openStore(t, dir)
  const rep = again.recovery
  t.equal(rep?.scanned, expectOpen.length, 'recovery reads the unfinished messages only')
  t.same(rep?.requeue.map((r) => r.id).sort(), expectOpen, 'every unfinished message is queued again')
  t.same((await again.ledger.reconcile()).map((r) => r.problems), [[], []])
  const acme = await again.ledger.balance('acme')
  const held = expectOpen.filter((id) => big.find((m) => m.id === id)?.account === 'acme').length * 1000
  t.equal(acme?.held, held, 'held = the open messages\' price')
  // Finishing the rest empties every set.
  for (const id of expectOpen) {
    const m = big.find((x) => x.id === id)
    if (m !== undefined) await again.finish(ref(m), 'expired', null)
  }
  t.equal(again.open().open.getKeysCount(), 0, 'no open set is left once nothing is unfinished')
  t.same((await again.ledger.reconcile()).map((r) => [r.ok, r.held]), [[true, 0], [true, 0]])
})

t.test('a message whose status changed before it was charged is still found by recovery', async (t) => {
  const dir = tempDir(t)
  const store = await openStore(t, dir)
  await store.ledger.ensureAccount('acme', { initialCredit: 100_000, alerts: [] })
  const now = Date.now()
  const retried = message('acme')
  const multi = message('acme', { payloads: [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')] })
  await store.acceptBatch([retried, multi])
  await store.retry({ account: 'acme', id: retried.id, part: 0 }, now - 1, 'throttled')
  await store.commit({ account: 'acme', id: multi.id, part: 0 }, 'c', 'm0')
  await store.dispatch({ account: 'acme', id: multi.id, part: 1 }, 'c')
  await store.close()
  const again = await openStore(t, dir)
  const key = (r: { id: string, part: number }): string => `${r.id}.${r.part}`
  t.same(again.recovery?.requeue.map(key).sort(), [`${retried.id}.0`, `${multi.id}.2`].sort())
  t.same(again.recovery?.inFlight.map(key), [`${multi.id}.1`])
  t.same(await again.ledger.balance('acme'), { account: 'acme', balance: 99_000, held: 3000, available: 96_000 })
  t.ok((await again.ledger.reconcile()).every((r) => r.ok))
})
