import t from 'tap'
import { CommandStatus } from '../../src/smpp/pdu/status.js'
import { InvalidAmountError } from '../../src/errors.js'
import { openStore, message, tempDir } from '../store/helpers.js'

t.test('initial credit is applied once, across restarts', async (t) => {
  const dir = tempDir(t)
  for (let round = 0; round < 3; round++) {
    const store = await openStore(t, dir)
    await store.ledger.ensureAccount('acme', { initialCredit: 10_000, alerts: [] })
    t.same(await store.ledger.balance('acme'), { account: 'acme', balance: 10_000, held: 0, available: 10_000 }, `round ${round}`)
    await store.close()
  }
  const store = await openStore(t, dir)
  const entries = await store.ledger.entries('acme')
  t.same(entries.map((e) => [e.kind, e.amount]), [['initial', 10_000]], 'one ledger entry')
  t.same(await store.ledger.accounts(), ['acme'])
})

t.test('top-up, adjustment, HLR charge, each a ledger entry', async (t) => {
  const store = await openStore(t, tempDir(t))
  await store.ledger.ensureAccount('acme', { initialCredit: 1000, alerts: [] })
  t.match(await store.ledger.topUp('acme', 2500, 'invoice 7'), { ok: true, entry: { kind: 'topup', amount: 2500, note: 'invoice 7' } })
  t.match(await store.ledger.adjust('acme', -500, 'goodwill reversal'), { ok: true, entry: { kind: 'adjust', amount: -500 } })
  t.match(await store.ledger.chargeHlr('acme', 'hlr-1'), { ok: true, entry: { kind: 'hlr', amount: -500 } })
  t.equal((await store.ledger.balance('acme'))?.balance, 2500)
  const refused = await store.ledger.adjust('acme', -2501, 'too much')
  t.match(refused, { ok: false, reason: 'no_credit', required: 2501, available: 2500 }, 'a debit adjustment cannot go below zero')
  t.equal((await store.ledger.balance('acme'))?.balance, 2500, 'and changed nothing')
  await t.rejects(store.ledger.topUp('acme', 1.5), InvalidAmountError, 'fractional milli-credits refused')
  await t.rejects(store.ledger.topUp('acme', -5), InvalidAmountError)
  t.match(await store.ledger.topUp('ghost', 10), { ok: false, reason: 'unknown_account' })
  t.same((await store.ledger.entries('acme')).map((e) => e.seq), [1, 2, 3, 4])
  t.same((await store.ledger.entries('acme', { afterSeq: 2, limit: 1 })).map((e) => e.kind), ['adjust'])
})

t.test('transfer: both sides in one transaction, refused when short', async (t) => {
  const store = await openStore(t, tempDir(t))
  await store.ledger.ensureAccount('a', { initialCredit: 5000, alerts: [] })
  await store.ledger.ensureAccount('b', { initialCredit: 0, alerts: [] })
  const held = await store.accept(message('a', { payloads: [Buffer.from('x'), Buffer.from('y')] }))
  t.ok(held.ok, '2000 held for a message')
  t.match(await store.ledger.transfer('a', 'b', 3000, 'move'), { ok: true, entry: { kind: 'transfer_out', amount: -3000, counterparty: 'b' } })
  const r = await store.ledger.transfer('a', 'b', 1, 'nothing left')
  t.match(r, { ok: false, reason: 'no_credit', smppStatus: CommandStatus.INSTRADA_RNOCREDIT, httpStatus: 402, available: 0 }, 'held credit cannot be moved')
  t.equal((await store.ledger.balance('a'))?.balance, 2000)
  t.equal((await store.ledger.balance('b'))?.balance, 3000)
  t.match(await store.ledger.entries('b'), [{ kind: 'transfer_in', amount: 3000, counterparty: 'a' }])
  t.match(await store.ledger.transfer('a', 'nobody', 1), { ok: false, reason: 'unknown_account' })
  t.ok((await store.ledger.reconcile()).every((x) => x.ok))
})

t.test('insufficient credit refuses the message and changes nothing', async (t) => {
  const store = await openStore(t, tempDir(t))
  await store.ledger.ensureAccount('acme', { initialCredit: 1500, alerts: [] })
  const before = await store.ledger.entries('acme')
  const r = await store.accept(message('acme', { payloads: [Buffer.from('1'), Buffer.from('2')] }))
  t.same(r, { ok: false, reason: 'no_credit', smppStatus: 0x400, httpStatus: 402, required: 2000, available: 1500 })
  const id = message('acme').id
  t.same(await store.ledger.balance('acme'), { account: 'acme', balance: 1500, held: 0, available: 1500 })
  t.same(await store.ledger.entries('acme'), before, 'no ledger entry')
  t.equal((await store.list('acme')).items.length, 0, 'no message stored')
  t.ok(id.length === 16)
  const ok = await store.acceptBatch([message('acme', { type: 'smart' }), message('acme'), message('acme', { type: 'smart' })])
  t.same(ok.map((x) => x.ok ? x.cost : x.reason), [625, 'no_credit', 625], 'in a batch only the message that does not fit is refused')
  t.match(await store.accept(message('acme', { type: 'gold' })), { ok: false, reason: 'no_price' })
  t.match(await store.accept(message('nobody')), { ok: false, reason: 'unknown_account' })
})

t.test('generic holds: reserve, partial commit, release the rest', async (t) => {
  const store = await openStore(t, tempDir(t))
  await store.ledger.ensureAccount('acme', { initialCredit: 3000, alerts: [] })
  t.same(await store.ledger.reserve('acme', 'job-1', 2000), { ok: true })
  t.match(await store.ledger.reserve('acme', 'job-1', 10), { ok: false, reason: 'duplicate' })
  t.match(await store.ledger.reserve('acme', 'job-2', 1001), { ok: false, reason: 'no_credit', available: 1000 })
  await store.ledger.commit('acme', 'job-1', 500)
  t.same(await store.ledger.balance('acme'), { account: 'acme', balance: 2500, held: 1500, available: 1000 })
  t.ok((await store.ledger.reconcile('acme'))[0].ok, 'reconciles with a hold open')
  await store.ledger.release('acme', 'job-1')
  t.same(await store.ledger.balance('acme'), { account: 'acme', balance: 2500, held: 0, available: 2500 })
  const [r] = await store.ledger.reconcile('acme')
  t.match(r, { ok: true, balance: 2500, held: 0, openReservations: 0, movements: 2500 })
})

t.test('reconcile finds books that do not balance', async (t) => {
  const store = await openStore(t, tempDir(t))
  await store.ledger.ensureAccount('acme', { initialCredit: 3000, alerts: [] })
  await store.ledger.ensureAccount('beta', { initialCredit: 100, alerts: [] })
  await store.accept(message('acme'))
  t.ok((await store.ledger.reconcile()).every((r) => r.ok))
  // Tamper as a bug would: change the balance without a ledger entry, lose an unfinished message.
  const dbs = store.open()
  const row = dbs.accounts.get('acme')
  if (row === undefined) throw new Error('no row')
  await dbs.accounts.put('acme', { ...row, balance: row.balance + 7 })
  const [set] = [...dbs.open.getKeys({ start: ['acme', ''], end: ['acme', '\uffff'] })]
  await dbs.open.remove(set)
  const results = await store.ledger.reconcile()
  const acme = results.find((r) => r.account === 'acme')
  t.equal(acme?.ok, false)
  t.match(acme?.problems.join('\n'), /movements 3000 = 3000, balance is 3007/)
  t.match(acme?.problems.join('\n'), /open reservations 0, held is 1000/)
  t.equal(results.find((r) => r.account === 'beta')?.ok, true, 'the other account is fine')
})

t.test('reconcile finds an open set that lists a finished or missing message', async (t) => {
  const store = await openStore(t, tempDir(t))
  await store.ledger.ensureAccount('acme', { initialCredit: 3000, alerts: [] })
  const a = message('acme')
  const b = message('acme')
  await store.acceptBatch([a, b])
  const dbs = store.open()
  const [set] = [...dbs.open.getRange({ start: ['acme', ''], end: ['acme', '\uffff'] })].map(({ key, value }) => ({ key, value: Buffer.from(value) }))
  await store.commit({ account: 'acme', id: a.id, part: 0 }, 'c', '1')
  t.ok((await store.ledger.reconcile('acme'))[0].ok, 'a charged message leaves its set')
  // Put the old set back, as a lost delete would, and list a message that was never stored.
  await dbs.open.put(set.key, set.value)
  const [r] = await store.ledger.reconcile('acme')
  t.match(r.problems.join('\n'), new RegExp(`open set lists ${a.id}, which is finished`))
  await dbs.open.put(['acme', 'zz'], Buffer.from([1, 0, 0, 0, 2, 0, 0, 0, 0x7a, 0x7a]))
  t.match((await store.ledger.reconcile('acme'))[0].problems.join('\n'), /open set lists zz, which is not stored/)
})
