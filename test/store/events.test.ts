import t from 'tap'
import { message, openStore, tempDir } from './helpers.js'

t.test('a message with a callback url owes a status event when it completes, in the same transaction; one without does not', async (t) => {
  const dir = tempDir(t)
  const store = await openStore(t, dir)
  await store.ledger.ensureAccount('acme', { initialCredit: 10_000, alerts: [] })
  const withUrl = message('acme', { origin: { kind: 'http' }, callbackUrl: 'https://hooks.example.com/a', payloads: [Buffer.from('a'), Buffer.from('b')] })
  const plain = message('acme', { origin: { kind: 'http' } })
  t.match(await store.accept(withUrl), { ok: true })
  t.match(await store.accept(plain), { ok: true })
  t.equal((await store.get('acme', withUrl.id))?.callbackUrl, 'https://hooks.example.com/a', 'the url is kept with the message')
  t.equal((await store.get('acme', plain.id))?.callbackUrl, null)

  await store.finish({ account: 'acme', id: withUrl.id, part: 0 }, 'delivered', null)
  t.same(await store.dueEvents(Date.now() + 1000, 10), [], 'not before the last part is final')
  await store.finish({ account: 'acme', id: plain.id, part: 0 }, 'delivered', null)
  const r = await store.finish({ account: 'acme', id: withUrl.id, part: 1 }, 'undeliverable', '0x0b')
  t.equal(r.messageDone, true)
  const due = await store.dueEvents(Date.now() + 1000, 10)
  t.equal(due.length, 1, 'one event, for the message with a url only')
  t.match(due[0], { type: 'message.status', account: 'acme', messageId: withUrl.id, attempts: 0, lastError: null, expiredAt: null })
  t.match(due[0].id, /^evt_[0-9a-f]{16}$/)
  t.same(await store.finish({ account: 'acme', id: withUrl.id, part: 1 }, 'delivered', null), { changed: false, messageDone: false })
  t.equal((await store.dueEvents(Date.now() + 1000, 10)).length, 1, 'a duplicate receipt writes no second event')
  t.same(await store.eventCounts(), { pending: 1, expired: 0 })
})

t.test('events: due order, retry moves and counts, delivered deletes, expired is kept and listed; all survive a reopen', async (t) => {
  const dir = tempDir(t)
  let store = await openStore(t, dir)
  const now = Date.now()
  const a = await store.enqueueEvent({ type: 'message.inbound', account: 'acme', data: { from: '39347', text: 'hi €' }, at: now - 10 })
  const b = await store.enqueueEvent({ type: 'credit.low', account: 'acme', data: { threshold: 100_000, available: 99_000 }, at: now - 5 })
  const c = await store.enqueueEvent({ type: 'message.inbound', account: 'beta', data: { n: 3 }, at: now + 60_000 })
  t.not(a, b)
  let due = await store.dueEvents(now, 10)
  t.same(due.map((e) => e.id), [a, b], 'only events due by now, soonest first')
  t.same(due[0].data, { from: '39347', text: 'hi €' })
  t.same((await store.dueEvents(now, 1)).map((e) => e.id), [a], 'limit honoured')

  await store.eventRetry(due[0], now + 30_000, 'HTTP 500')
  await store.eventRetry(due[0], now + 99_000, 'stale ref: ignored')
  due = await store.dueEvents(now, 10)
  t.same(due.map((e) => e.id), [b], 'a retried event waits for its new due time')
  const later = await store.dueEvents(now + 30_000, 10)
  t.same(later.map((e) => [e.id, e.attempts, e.lastError, e.dueAt]), [[b, 0, null, now - 5], [a, 1, 'HTTP 500', now + 30_000]])

  await store.eventDelivered(due[0])
  await store.eventDelivered(due[0])
  t.same((await store.dueEvents(now + 60_000, 10)).map((e) => e.id), [a, c], 'delivered is gone (twice is harmless)')

  await store.eventExpired(later[1], 'HTTP 503', now + 31_000)
  t.same((await store.dueEvents(now + 60_000, 10)).map((e) => e.id), [c])
  t.same(await store.eventCounts(), { pending: 1, expired: 1 })

  await store.close()
  store = await openStore(t, dir)
  const expired = await store.expiredEvents()
  t.equal(expired.length, 1)
  t.match(expired[0], { id: a, type: 'message.inbound', attempts: 2, lastError: 'HTTP 503', expiredAt: now + 31_000 })
  t.same(await store.expiredEvents({ after: a }), [], 'paged after the last')
  t.same((await store.dueEvents(now + 60_000, 10)).map((e) => e.id), [c], 'pending events survive a reopen')

  // Retention removes expired events with the messages' retention; pending ones stay.
  t.equal(await store.prune(now + 31 * 86_400_000 + 32_000, 100), 0)
  t.same(await store.eventCounts(), { pending: 1, expired: 0 })
})

t.test('credit.low: written in the transaction that crossed the threshold, only for accounts that asked', async (t) => {
  const dir = tempDir(t)
  const store = await openStore(t, dir)
  store.setLowCreditEvents(['acme'])
  await store.ledger.ensureAccount('acme', { initialCredit: 2500, alerts: [2000, 500] })
  await store.ledger.ensureAccount('beta', { initialCredit: 2500, alerts: [2000] })
  const alerts: string[] = []
  store.ledger.onLowCredit((a) => alerts.push(`${a.account}:${a.threshold}`))
  t.match(await store.accept(message('acme', { payloads: [Buffer.from('x')] })), { ok: true }) // 1000 held: 1500 left
  t.match(await store.accept(message('beta', { payloads: [Buffer.from('x')] })), { ok: true })
  const due = await store.dueEvents(Date.now() + 1000, 10)
  t.same(due.map((e) => [e.type, e.account, e.data]), [['credit.low', 'acme', { threshold: 2000, available: 1500 }]])
  t.same(alerts.sort(), ['acme:2000', 'beta:2000'], 'the ledger listeners still hear every alert')
  t.match(await store.accept(message('acme', { payloads: [Buffer.from('x')] })), { ok: true }) // 500 left: not below 500
  t.equal((await store.dueEvents(Date.now() + 1000, 10)).length, 1, 'a threshold not crossed writes nothing')
  await store.ledger.adjust('acme', -1, 'test')
  const after = await store.dueEvents(Date.now() + 1000, 10)
  t.same(after.map((e) => e.data), [{ threshold: 2000, available: 1500 }, { threshold: 500, available: 499 }], 'a debit outside traffic crosses too')
})
