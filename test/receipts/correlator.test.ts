import t, { type Test } from 'tap'
import { Registry } from 'prom-client'
import { ClosedError } from '../../src/errors.js'
import {
  aggregateState, convertId, customerReceiptFor, DlrCorrelator, parseCarrierReceipt, type CarrierReceipt, type CorrelationResult
} from '../../src/receipts/index.js'
import type { LmdbStore } from '../../src/store/index.js'
import { accept, commit, openStore, receiptPdu, receiptText, request, until } from './helpers.js'

function receipt (id: string, stat: string, esmClass = 0x04): CarrierReceipt {
  const r = parseCarrierReceipt(receiptPdu({ esmClass, text: receiptText(id, stat) }))
  if (r === null) throw new TypeError('test receipt did not parse')
  return r
}

function correlator (t: Test, store: LmdbStore, opts: ConstructorParameters<typeof DlrCorrelator>[1] = {}): DlrCorrelator {
  const c = new DlrCorrelator(store, opts)
  t.teardown(() => c.close())
  return c
}

function lateResults (c: DlrCorrelator): CorrelationResult[] {
  const out: CorrelationResult[] = []
  c.on('late', (r) => { out.push(r) })
  return out
}

t.test('a receipt id matches its part exactly, whatever the case and leading zeros', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 0 })
  const a = await accept(store, request('acme', 1))
  const b = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id: a, part: 0 }, 'simA', '12345')
  await commit(store, { account: 'acme', id: b, part: 0 }, 'simA', 'BC614E')
  t.match(await c.handle('simA', receipt('0012345', 'DELIVRD')), { kind: 'final', ref: { account: 'acme', id: a, part: 0 } }, 'leading zeros')
  t.match(await c.handle('simA', receipt('00bc614e', 'UNDELIV')), { kind: 'final', ref: { account: 'acme', id: b, part: 0 } }, 'case and leading zeros')
  t.equal((await store.get('acme', b))?.parts[0].state, 'undeliverable')
})

t.test('with id types: a hex receipt id finds a part committed with a decimal id, and the reverse', async t => {
  const store = await openStore(t)
  const types = new Map([
    ['decHex', { submitResp: 'decimal', receipt: 'hex' } as const],
    ['hexDec', { submitResp: 'hex', receipt: 'decimal' } as const]
  ])
  const c = correlator(t, store, { idTypes: (cid) => types.get(cid) ?? null })
  await c.start()
  const a = await accept(store, request('acme', 1))
  const b = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id: a, part: 0 }, 'decHex', '12345')
  await commit(store, { account: 'acme', id: b, part: 0 }, 'hexDec', 'BC614E')
  const ra = await c.handle('decHex', receipt('3039', 'DELIVRD'))
  t.equal(ra.kind, 'final')
  t.same(ra.kind === 'final' && ra.ref, { account: 'acme', id: a, part: 0 })
  t.equal(ra.kind === 'final' && ra.message?.id, a, 'a one-part message is final with its only part')
  const rb = await c.handle('hexDec', receipt(String(0xbc614e), 'UNDELIV'))
  t.equal(rb.kind === 'final' && rb.message?.parts[0].state, 'undeliverable')
  const stored = await store.get('acme', b)
  t.equal(stored?.parts[0].state, 'undeliverable')
  t.equal(stored?.parts[0].error, 'UNDELIV:000')
})

t.test('a carrier mixing decimal (submit_sm_resp) and hex (receipts): digit-only ids need its id types', async t => {
  const store = await openStore(t)
  const asSent = correlator(t, store, { holdMs: 0 })
  const typed = correlator(t, store, { holdMs: 0, idTypes: (c) => c === 'mixed' ? { submitResp: 'decimal', receipt: 'hex' } : null })
  const ids: string[] = []
  for (const cid of ['10', '16', '26']) {
    const id = await accept(store, request('acme', 1))
    ids.push(id)
    await commit(store, { account: 'acme', id, part: 0 }, 'mixed', cid)
  }
  // The receipt for '16' quotes 0x10: as sent, '10' matches exactly — the wrong message.
  const wrong = await asSent.handle('mixed', receipt('10', 'DELIVRD'))
  t.match(wrong, { kind: 'final', ref: { id: ids[0] } }, 'as sent, the exact form wins (documented ambiguity)')
  t.same(await asSent.handle('mixed', receipt('1a', 'DELIVRD')), { kind: 'orphan' }, 'as sent, 0x1a is not read as 26')
  t.equal((await store.get('acme', ids[2]))?.parts[0].state, 'submitted')
  const right = await typed.handle('mixed', receipt('1a', 'DELIVRD')) // 0x1a = 26
  t.match(right, { kind: 'final', ref: { id: ids[2] } })
  const alsoRight = await typed.handle('mixed', receipt('10', 'UNDELIV'))
  t.match(alsoRight, { kind: 'final', ref: { id: ids[1] } }, 'with id types, 0x10 reaches the message the carrier called 16')
})

t.test('without id types, the other reading of an id never matches', async t => {
  const store = await openStore(t)
  const now = correlator(t, store, { holdMs: 0 })
  const p16 = await accept(store, request('acme', 1))
  const pff = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id: p16, part: 0 }, 'simA', '16')
  await commit(store, { account: 'acme', id: pff, part: 0 }, 'simA', 'ff')
  t.same(await now.handle('simA', receipt('10', 'DELIVRD')), { kind: 'orphan' }, 'hex 10 does not find the part committed as decimal 16')
  t.same(await now.handle('simA', receipt('255', 'DELIVRD')), { kind: 'orphan' }, 'decimal 255 does not find the part committed as hex ff')
  t.equal((await store.get('acme', p16))?.parts[0].state, 'submitted')
  t.equal((await store.get('acme', pff))?.parts[0].state, 'submitted')
})

t.test('an early receipt is never pinned on the message whose id is its other reading', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 5000, retryMs: 20 })
  await c.start()
  const late = lateResults(c)
  // P was committed as '10'; Q is on its way to the carrier, which will call it '16' (0x10 = 16).
  const p = await accept(store, request('acme', 1))
  const q = await accept(store, request('acme', 1))
  const pRef = { account: 'acme', id: p, part: 0 }
  const qRef = { account: 'acme', id: q, part: 0 }
  await commit(store, pRef, 'simA', '10')
  await store.dispatch(qRef, 'simA')
  // Q's receipt overtakes Q's commit: it must wait for Q, not land on P.
  t.same(await c.handle('simA', receipt('16', 'UNDELIV')), { kind: 'held' })
  c.submitted('simA', '10') // another commit whose id is the other reading: not a release
  await new Promise((resolve) => setTimeout(resolve, 120)) // several timer look-ups
  t.equal(c.heldNow, 1, 'still held')
  t.same(late, [], 'nothing resolved')
  t.equal((await store.get('acme', p))?.parts[0].state, 'submitted', 'P is untouched')
  await store.commit(qRef, 'simA', '16')
  c.submitted('simA', '16')
  t.ok(await until(() => late.length === 1), 'released to Q')
  t.match(late[0], { kind: 'final', ref: qRef })
  t.equal(late[0].kind === 'final' && late[0].message?.id, q)
  t.equal((await store.get('acme', q))?.parts[0].state, 'undeliverable')
  t.equal((await store.get('acme', p))?.parts[0].state, 'submitted', 'P still untouched')
  // The other way round: a receipt quoting 0x1a is not read as the decimal 26 already committed.
  const r = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id: r, part: 0 }, 'simA', '26')
  t.same(await c.handle('simA', receipt('1a', 'DELIVRD')), { kind: 'held' }, "0x1a is not read as the committed '26'")
  t.equal((await store.get('acme', r))?.parts[0].state, 'submitted')
})

t.test('convertId', async t => {
  t.equal(convertId('1a', { submitResp: 'decimal', receipt: 'hex' }), '26')
  t.equal(convertId('26', { submitResp: 'hex', receipt: 'decimal' }), '1a')
  t.equal(convertId('1a', { submitResp: 'hex', receipt: 'hex' }), '1a')
  t.equal(convertId('msg-7', { submitResp: 'decimal', receipt: 'hex' }), 'msg-7', 'an id that does not parse stays as sent')
  t.equal(convertId('12ab', { submitResp: 'hex', receipt: 'decimal' }), '12ab')
})

t.test('a receipt from the PDU forms reaches the same part (TLV only, text only)', async t => {
  const store = await openStore(t)
  const c = correlator(t, store)
  const id = await accept(store, request('acme', 2))
  await commit(store, { account: 'acme', id, part: 0 }, 'simA', 'ff01')
  await commit(store, { account: 'acme', id, part: 1 }, 'simA', 'ff02')
  const tlvOnly = parseCarrierReceipt(receiptPdu({ tlvs: { receiptedMessageId: 'FF01', messageState: 2, networkErrorCode: Buffer.from([3, 0, 0]) } }))
  const textOnly = parseCarrierReceipt(receiptPdu({ text: receiptText('00FF02', 'DELIVRD') }))
  const r1 = await c.handle('simA', tlvOnly as CarrierReceipt)
  t.match(r1, { kind: 'final', ref: { part: 0 }, message: null })
  const r2 = await c.handle('simA', textOnly as CarrierReceipt)
  t.match(r2, { kind: 'final', ref: { part: 1 } })
  t.equal(r2.kind === 'final' && r2.message?.parts.every((p) => p.state === 'delivered'), true)
  t.equal((await store.get('acme', id))?.parts[0].error, 'DELIVRD:000:030000', 'the network error code is kept with the stat')
})

t.test('duplicates change nothing and give no second message', async t => {
  const store = await openStore(t)
  const c = correlator(t, store)
  const id = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id, part: 0 }, 'simA', '777')
  const first = await c.handle('simA', receipt('777', 'DELIVRD'))
  t.equal(first.kind === 'final' && first.message !== null, true)
  const before = await store.get('acme', id)
  const again = await c.handle('simA', receipt('777', 'UNDELIV'))
  t.same(again, { kind: 'duplicate', ref: { account: 'acme', id, part: 0 } })
  t.same(await store.get('acme', id), before, 'the record is unchanged')
  const balance = await store.ledger.balance('acme')
  t.same(await c.handle('simA', receipt('0777', 'DELIVRD')), { kind: 'duplicate', ref: { account: 'acme', id, part: 0 } }, 'the same id with a leading zero')
  t.same(await store.ledger.balance('acme'), balance, 'no second charge')
})

t.test('the same receipt twice at once: one final, one duplicate', async t => {
  const store = await openStore(t)
  const c = correlator(t, store)
  const id = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id, part: 0 }, 'simA', '42')
  const rs = await Promise.all([c.handle('simA', receipt('42', 'DELIVRD')), c.handle('simA', receipt('042', 'DELIVRD')), c.handle('simA', receipt('42', 'DELIVRD'))])
  t.same(rs.map((r) => r.kind).sort(), ['duplicate', 'duplicate', 'final'])
  t.equal(rs.filter((r) => r.kind === 'final' && r.message !== null).length, 1)
})

t.test('intermediate receipts leave the part open', async t => {
  const store = await openStore(t)
  const c = correlator(t, store)
  const id = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id, part: 0 }, 'simA', '10')
  t.same(await c.handle('simA', receipt('10', 'ENROUTE', 0x20)), { kind: 'intermediate', ref: { account: 'acme', id, part: 0 } })
  t.same(await c.handle('simA', receipt('10', 'ACCEPTD', 0x20)), { kind: 'intermediate', ref: { account: 'acme', id, part: 0 } })
  t.equal((await store.get('acme', id))?.parts[0].state, 'submitted')
  const fin = await c.handle('simA', receipt('10', 'DELIVRD'))
  t.equal(fin.kind === 'final' && fin.message?.parts[0].state, 'delivered')
})

t.test('an early receipt is held, then released by submitted()', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 5000, retryMs: 60_000, idTypes: () => ({ submitResp: 'decimal', receipt: 'hex' }) })
  await c.start()
  const late = lateResults(c)
  const id = await accept(store, request('acme', 1))
  const ref = { account: 'acme', id, part: 0 }
  await store.dispatch(ref, 'simA')
  t.same(await c.handle('simA', receipt('1f4', 'DELIVRD')), { kind: 'held' }) // 0x1f4 = 500
  t.equal(c.heldNow, 1)
  c.submitted('simA', '500') // before the commit: the lookup still misses, it stays held
  t.ok(await until(() => c.heldNow === 1))
  await store.commit(ref, 'simA', '500')
  c.submitted('simA', '500')
  t.ok(await until(() => late.length === 1), 'released')
  t.match(late[0], { kind: 'final', ref })
  t.equal(late[0].kind === 'final' && late[0].message?.id, id)
  t.equal(c.heldNow, 0)
  t.equal((await store.get('acme', id))?.parts[0].state, 'delivered')
})

t.test('a carrier reusing an id (its counter restarted): the receipt waits for the new commit, not the old part', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 5000, retryMs: 60_000 })
  await c.start()
  const late = lateResults(c)
  const old = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id: old, part: 0 }, 'simA', '1')
  t.match(await c.handle('simA', receipt('1', 'DELIVRD')), { kind: 'final' })
  // The carrier restarted and hands out id 1 again; its receipt overtakes our commit.
  const next = await accept(store, request('acme', 1))
  const ref = { account: 'acme', id: next, part: 0 }
  c.accepted('simA', '1', ref)
  let settled = false
  const waiting = c.handle('simA', receipt('1', 'UNDELIV')).finally(() => { settled = true })
  await new Promise((resolve) => setTimeout(resolve, 30))
  t.notOk(settled, 'waits for the commit: not taken for a duplicate of the old message')
  await store.commit(ref, 'simA', '1')
  c.submitted('simA', '1', true)
  t.match(await waiting, { kind: 'final', ref }, 'applied to the part named by accepted() once the commit is recorded')
  t.equal(late.length, 0, 'never held: no late event')
  t.equal((await store.get('acme', next))?.parts[0].state, 'undeliverable', 'the new message got its outcome')
  t.equal((await store.get('acme', old))?.parts[0].state, 'delivered', 'the old one is untouched')
  t.match(await c.handle('simA', receipt('1', 'UNDELIV')), { kind: 'duplicate', ref }, 'a repeat now is an ordinary duplicate')
})

t.test('a receipt waiting for a commit that failed looks the index up like any other', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 5000, retryMs: 60_000 })
  await c.start()
  const id = await accept(store, request('acme', 1))
  const ref = { account: 'acme', id, part: 0 }
  c.accepted('simA', 'ab12', ref)
  const waiting = c.handle('simA', receipt('00AB12', 'DELIVRD'))
  c.submitted('simA', 'AB12', false)
  t.same(await waiting, { kind: 'held' }, 'nothing recorded for the id: held, not pinned on the part')
  t.equal((await store.get('acme', id))?.parts[0].state, 'queued', 'the part is untouched')
  t.equal(c.heldNow, 1)
})

t.test('an early receipt quoting the exact id is released by submitted(), case and leading zeros aside', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 5000, retryMs: 60_000 })
  await c.start()
  const late = lateResults(c)
  const id = await accept(store, request('acme', 1))
  const ref = { account: 'acme', id, part: 0 }
  await store.dispatch(ref, 'simA')
  t.same(await c.handle('simA', receipt('00AB12', 'DELIVRD')), { kind: 'held' })
  await store.commit(ref, 'simA', 'ab12')
  c.submitted('simA', 'AB12')
  t.ok(await until(() => late.length === 1), 'released')
  t.match(late[0], { kind: 'final', ref })
  t.equal(c.heldNow, 0)
})

t.test('an early receipt is found by the timer when another thread commits (no submitted())', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 5000, retryMs: 20 })
  await c.start()
  const late = lateResults(c)
  const id = await accept(store, request('acme', 1))
  t.same(await c.handle('simA', receipt('900', 'REJECTD')), { kind: 'held' })
  await commit(store, { account: 'acme', id, part: 0 }, 'simA', '900')
  t.ok(await until(() => late.length === 1))
  t.equal(late[0].kind === 'final' && late[0].message?.parts[0].state, 'rejected')
})

t.test('an early receipt that never matches becomes an orphan after holdMs', async t => {
  const store = await openStore(t)
  const registry = new Registry()
  const c = correlator(t, store, { holdMs: 60, retryMs: 20, registry })
  await c.start()
  const late = lateResults(c)
  const started = Date.now()
  t.same(await c.handle('simA', receipt('dead', 'DELIVRD')), { kind: 'held' })
  t.ok(await until(() => late.length === 1))
  t.same(late[0], { kind: 'orphan' })
  t.ok(Date.now() - started >= 60, 'not before holdMs')
  t.equal(c.heldNow, 0)
  const m = await registry.getSingleMetricAsString('instrada_receipts_correlated_total')
  t.match(m, /result="held"\} 1/)
  t.match(m, /result="orphan"\} 1/)
})

t.test('orphans without holding, and a bounded number held', async t => {
  const store = await openStore(t)
  const none = correlator(t, store, { holdMs: 0 })
  t.same(await none.handle('simA', receipt('1', 'DELIVRD')), { kind: 'orphan' })
  t.same(await none.handle('simA', receipt('', 'DELIVRD')), { kind: 'orphan' }, 'no id')
  const c = correlator(t, store, { holdMs: 60_000, maxHeld: 2 })
  const late = lateResults(c)
  for (const id of ['a1', 'a2', 'a3']) t.same(await c.handle('simA', receipt(id, 'DELIVRD')), { kind: 'held' })
  t.equal(c.heldNow, 2)
  t.same(late, [{ kind: 'orphan' }], 'the oldest was dropped')
  const msg = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id: msg, part: 0 }, 'simA', 'a3')
  c.submitted('simA', 'a3')
  t.ok(await until(() => late.length === 2))
  t.match(late[1], { kind: 'final' }, 'the newest is still there to be released')
})

t.test('receipts are matched per carrier and per account', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 0 })
  const a = await accept(store, request('acme', 1))
  const g = await accept(store, request('globex', 1))
  await commit(store, { account: 'acme', id: a, part: 0 }, 'simA', '555')
  await commit(store, { account: 'globex', id: g, part: 0 }, 'simB', '555')
  const rb = await c.handle('simB', receipt('555', 'UNDELIV'))
  t.match(rb, { kind: 'final', ref: { account: 'globex', id: g } })
  t.equal(rb.kind === 'final' && rb.message?.account, 'globex')
  t.equal((await store.get('acme', a))?.parts[0].state, 'submitted', "the other carrier's message is untouched")
  t.same(await c.handle('simC', receipt('555', 'DELIVRD')), { kind: 'orphan' })
})

t.test('a part the router already finished gets a duplicate', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 0 })
  const id = await accept(store, request('acme', 1))
  const ref = { account: 'acme', id, part: 0 }
  await commit(store, ref, 'simA', '66')
  await store.finish(ref, 'expired', null)
  t.same(await c.handle('simA', receipt('66', 'DELIVRD')), { kind: 'duplicate', ref })
})

t.test('multi-part: one result carries the message, when the last part is final', async t => {
  const store = await openStore(t)
  const c = correlator(t, store)
  const cases: Array<{ name: string, stats: string[], order: number[], want: string }> = [
    { name: 'all delivered', stats: ['DELIVRD', 'DELIVRD', 'DELIVRD'], order: [0, 1, 2], want: 'delivered' },
    { name: 'one undeliverable', stats: ['DELIVRD', 'UNDELIV', 'DELIVRD'], order: [0, 1, 2], want: 'undeliverable' },
    { name: 'mixed order of arrival', stats: ['EXPIRED', 'DELIVRD', 'REJECTD'], order: [2, 0, 1], want: 'rejected' }
  ]
  let n = 0
  for (const k of cases) {
    const id = await accept(store, request('acme', 3))
    for (let p = 0; p < 3; p++) await commit(store, { account: 'acme', id, part: p }, 'simA', String(1000 + n * 10 + p))
    const results: CorrelationResult[] = []
    for (const p of k.order) results.push(await c.handle('simA', receipt(String(1000 + n * 10 + p), k.stats[p])))
    n++
    t.same(results.map((r) => r.kind), ['final', 'final', 'final'], k.name)
    t.same(results.map((r) => r.kind === 'final' && r.message !== null), [false, false, true], `${k.name}: only the last carries the message`)
    const m = results[2].kind === 'final' ? results[2].message : null
    t.same(m !== null && aggregateState(m), { final: true, state: k.want }, k.name)
  }
})

t.test('multi-part: parts arriving at once still give exactly one message', async t => {
  const store = await openStore(t)
  const c = correlator(t, store)
  const id = await accept(store, request('acme', 4))
  for (let p = 0; p < 4; p++) await commit(store, { account: 'acme', id, part: p }, 'simA', `c${p}`)
  const rs = await Promise.all([0, 1, 2, 3, 3, 1].map((p) => c.handle('simA', receipt(`c${p}`, 'DELIVRD'))))
  t.same(rs.map((r) => r.kind).sort(), ['duplicate', 'duplicate', 'final', 'final', 'final', 'final'])
  const withMessage = rs.filter((r) => r.kind === 'final' && r.message !== null)
  t.equal(withMessage.length, 1)
  const m = withMessage[0].kind === 'final' ? withMessage[0].message : null
  t.equal(m !== null && customerReceiptFor(m, Date.now())?.tlvs?.receiptedMessageId, id)
})

t.test('lifecycle: close is idempotent and refuses new work', async t => {
  const store = await openStore(t)
  const c = new DlrCorrelator(store, { holdMs: 60_000 })
  await c.start()
  t.same(await c.handle('simA', receipt('zz', 'DELIVRD')), { kind: 'held' })
  const p1 = c.close()
  t.equal(c.close(), p1, 'same promise twice')
  await p1
  t.equal(c.closed, true)
  t.equal(c.heldNow, 0)
  await t.rejects(c.handle('simA', receipt('zz', 'DELIVRD')), ClosedError)
  c.submitted('simA', 'zz') // harmless after close
})

t.test('a receipt held past ackAfterMs is reported overdue once, and still matches later', async t => {
  const store = await openStore(t)
  const c = correlator(t, store, { holdMs: 5000, retryMs: 20, ackAfterMs: 60 })
  await c.start()
  const late = lateResults(c)
  const overdue: string[] = []
  c.on('overdue', (_carrier: string, r: { carrierMessageId: string }) => { overdue.push(r.carrierMessageId) })
  const started = Date.now()
  t.same(await c.handle('simA', receipt('7001', 'DELIVRD')), { kind: 'held' })
  t.ok(await until(() => overdue.length === 1), 'reported')
  t.ok(Date.now() - started >= 60, 'not before ackAfterMs')
  t.same(overdue, ['7001'])
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(overdue.length, 1, 'once')
  const id = await accept(store, request('acme', 1))
  await commit(store, { account: 'acme', id, part: 0 }, 'simA', '7001')
  t.ok(await until(() => late.length === 1), 'the part committed later still gets its outcome')
  t.match(late[0], { kind: 'final', ref: { id } })
})

t.test('a completed message is read back only when a customer receipt is owed', async t => {
  const store = await openStore(t)
  const c = correlator(t, store)
  const smpp = await accept(store, request('acme', 1, { registeredDelivery: 1 }))
  const http = await accept(store, request('acme', 1, { origin: { kind: 'http' }, registeredDelivery: 0 }))
  await commit(store, { account: 'acme', id: smpp, part: 0 }, 'simA', 'a1')
  await commit(store, { account: 'acme', id: http, part: 0 }, 'simA', 'a2')
  t.match(await c.handle('simA', receipt('a1', 'DELIVRD')), { kind: 'final', done: true, message: { id: smpp, parts: [{ state: 'delivered' }] } }, 'SMPP, receipt asked: the record, to build it from')
  const r = await c.handle('simA', receipt('a2', 'DELIVRD'))
  t.match(r, { kind: 'final', done: true, message: null, receivedAt: Number }, 'HTTP: done, nothing read')
  t.equal((await store.get('acme', http))?.parts[0].state, 'delivered', 'and recorded')
})
