// Bulks in a real store: one row and one hold at accept; members shown as queued messages by get
// and list until they are expanded; expansion moves each member's share of the hold onto its
// message; a write naming a pending member writes it early; refusals per member; the books
// reconcile at every step; a reopen reports the bulks with members left.

import t, { type Test } from 'tap'
import { MessageIdGenerator, bulkMemberId, bulkMemberIndex } from '../../src/store/ids.js'
import type { BulkRequest } from '../../src/store/types.js'
import type { LmdbStore } from '../../src/store/lmdb-store.js'
import { message, openStore, tempDir } from './helpers.js'

const PRICE = 1000 // a 'pro' part to IT, default pricing

function bulk (ids: MessageIdGenerator, n: number, over: Partial<BulkRequest> = {}): BulkRequest {
  const destinations = Array.from({ length: n }, (_, i) => `39347${String(1_000_000 + i)}`)
  return {
    id: ids.block(n),
    account: 'acme',
    origin: { kind: 'http' },
    reference: 'campaign-7',
    sender: 'ACME',
    type: 'pro',
    dataCoding: 0,
    esmClass: 0,
    registeredDelivery: 1,
    payloads: [Buffer.from('hello all')],
    validUntil: null,
    destinations,
    countries: destinations.map(() => 'IT'),
    concatRefs: null,
    ...over
  }
}

async function books (t: Test, store: LmdbStore, msg: string): Promise<void> {
  const [r] = await store.ledger.reconcile('acme')
  t.same(r.problems, [], `${msg}: the books reconcile`)
}

async function setup (t: Test, credit = 100_000): Promise<{ store: LmdbStore, ids: MessageIdGenerator, dir: string }> {
  const dir = tempDir(t)
  const store = await openStore(t, dir)
  await store.ledger.ensureAccount('acme', { initialCredit: credit, alerts: [] })
  return { store, ids: new MessageIdGenerator(3), dir }
}

t.test('id blocks: consecutive ids in one millisecond, nothing else between them', async (t) => {
  const ids = new MessageIdGenerator(7)
  const now = Date.UTC(2026, 11, 2)
  const before = ids.next(now)
  const first = ids.block(1000, now)
  const after = ids.next(now)
  const members = Array.from({ length: 1000 }, (_, i) => bulkMemberId(first, i))
  t.equal(new Set(members).size, 1000, 'distinct')
  t.same([...members].sort(), members, 'in id order')
  t.ok(before < members[0] && members[999] < after, 'the ids made before and after lie outside the block')
  t.equal(bulkMemberIndex(first, 1000, members[637]), 637)
  t.equal(bulkMemberIndex(first, 1000, after), -1, 'an id past the block is no member')
  // 4000 more in the same ms would overflow its 4096 sequence numbers: the block moves to the next ms.
  const next = ids.block(4000, now)
  t.equal(bulkMemberId(next, 3999).slice(0, 11), next.slice(0, 11), 'a block never spans two milliseconds')
  t.throws(() => ids.block(4097), /1\.\.4096/, 'at most 4096 ids')
})

t.test('accept: one hold for every member; members read as queued messages until expanded', async (t) => {
  const { store, ids } = await setup(t)
  const req = bulk(ids, 50)
  const res = await store.acceptBulk(req)
  t.same(res.refusals, [])
  t.same(res.costs, new Array(50).fill(PRICE))
  t.same(await store.ledger.balance('acme'), { account: 'acme', balance: 100_000, held: 50 * PRICE, available: 50_000 })
  await books(t, store, 'after accept')
  const m7 = await store.get('acme', bulkMemberId(req.id, 7))
  t.match(m7, { id: bulkMemberId(req.id, 7), destination: '393471000007', sender: 'ACME', reference: 'campaign-7', cost: PRICE, origin: { kind: 'http' } })
  t.same(m7!.parts.map((p) => p.state), ['queued'])
  t.equal(await store.get('other', bulkMemberId(req.id, 7)), null, "another account doesn't see it")
  t.equal(await store.get('acme', bulkMemberId(req.id, 50)), null, 'past the last member: unknown')

  const first = await store.expandBulk('acme', req.id, 20)
  t.same(first.ids, Array.from({ length: 20 }, (_, i) => bulkMemberId(req.id, i)), 'the first 20, in order')
  t.same(first.destinations.slice(0, 2), ['393471000000', '393471000001'])
  t.equal(first.done, false)
  t.equal((await store.ledger.balance('acme'))!.held, 50 * PRICE, 'the hold only moved onto the messages')
  await books(t, store, 'after a partial expansion')
  await store.commit({ account: 'acme', id: first.ids[0], part: 0 }, 'sim', 'c-1')
  t.same(await store.ledger.balance('acme'), { account: 'acme', balance: 99_000, held: 49 * PRICE, available: 50_000 }, 'an expanded member is charged like any message')
  await books(t, store, 'after a charge')

  const rest = await store.expandBulk('acme', req.id, 1000)
  t.equal(rest.ids.length, 30)
  t.equal(rest.done, true, 'every member expanded: the bulk is gone')
  t.same(await store.expandBulk('acme', req.id, 10), { ...rest, type: '', sender: '', payloads: [], validUntil: null, cutFor: 'udh8', ids: [], destinations: [], countries: [], concatRefs: [], done: true }, 'nothing more')
  t.equal((await store.get('acme', bulkMemberId(req.id, 49)))!.parts[0].state, 'queued', 'members are messages now')
  await books(t, store, 'after the whole expansion')
})

t.test('list merges stored messages and pending members, in id order both ways, with cursors', async (t) => {
  const { store, ids } = await setup(t)
  const before = message('acme', {}, ids)
  await store.accept(before)
  const req = bulk(ids, 30)
  await store.acceptBulk(req)
  const after = message('acme', {}, ids)
  await store.accept(after)
  await store.expandBulk('acme', req.id, 10) // members 0..9 stored, 10..29 pending
  await store.finish({ account: 'acme', id: bulkMemberId(req.id, 20), part: 0 }, 'failed', 'cancelled') // written early
  const all = [before.id, ...Array.from({ length: 30 }, (_, i) => bulkMemberId(req.id, i)), after.id]
  const walk = async (reverse: boolean): Promise<string[]> => {
    const out: string[] = []
    let cursor: string | undefined
    for (let pages = 0; pages < 20; pages++) {
      const page = await store.list('acme', { limit: 7, after: cursor, reverse })
      out.push(...page.items.map((m) => m.id))
      if (page.next === null) break
      cursor = page.next
    }
    return out
  }
  t.same(await walk(false), all, 'oldest first, each once, across pages of 7')
  t.same(await walk(true), [...all].reverse(), 'newest first')
  const member = (await store.list('acme', { limit: 100 })).items.find((m) => m.id === bulkMemberId(req.id, 20))
  t.equal(member?.parts[0].state, 'failed', 'the member written early is listed as stored')
  const since = (await store.list('acme', { since: Date.now() + 60_000 })).items
  t.same(since, [], 'a time range after them holds none')
})

t.test('a write naming a pending member writes it first; the expansion passes over it', async (t) => {
  const { store, ids } = await setup(t)
  const req = bulk(ids, 5)
  await store.acceptBulk(req)
  const r = await store.finish({ account: 'acme', id: bulkMemberId(req.id, 3), part: 0 }, 'failed', 'cancelled by the customer')
  t.match(r, { changed: true, messageDone: true })
  t.same(await store.ledger.balance('acme'), { account: 'acme', balance: 100_000, held: 4 * PRICE, available: 96_000 }, 'its credit released')
  await books(t, store, 'after the early write')
  const replaced = await store.replace('acme', bulkMemberId(req.id, 1), { payloads: [Buffer.from('changed')] })
  t.equal(replaced, 'ok', 'replace_sm of a pending member')
  t.equal(Buffer.from((await store.get('acme', bulkMemberId(req.id, 1)))!.parts[0].payload).toString(), 'changed')
  const got = await store.expandBulk('acme', req.id, 10)
  t.same(got.ids, [0, 2, 4].map((i) => bulkMemberId(req.id, i)), 'the early ones are not expanded again')
  t.equal(got.done, true)
  t.equal((await store.get('acme', bulkMemberId(req.id, 1)))!.parts[0].state, 'queued', 'the replaced member stays queued, with its own row')
  await books(t, store, 'after the expansion')
})

t.test('refusals per member: past the credit, skipped; none stored or held', async (t) => {
  const { store, ids } = await setup(t, 3500)
  const req = bulk(ids, 6, { skip: [1] })
  const res = await store.acceptBulk(req)
  t.same(res.costs, [PRICE, -1, PRICE, PRICE, -1, -1], 'members 0, 2, 3 fit the 3.5 credits')
  t.same(res.refusals.map(([i, r]) => [i, r.reason]), [[4, 'no_credit'], [5, 'no_credit']], 'the skipped one is no refusal of the store')
  t.equal((await store.ledger.balance('acme'))!.held, 3 * PRICE)
  for (const i of [1, 4, 5]) t.equal(await store.get('acme', bulkMemberId(req.id, i)), null, `member ${i} is not stored`)
  const got = await store.expandBulk('acme', req.id, 10)
  t.same(got.ids, [0, 2, 3].map((i) => bulkMemberId(req.id, i)))
  await books(t, store, 'after the expansion')

  const poor = await setup(t, 500)
  const none = await poor.store.acceptBulk(bulk(poor.ids, 3))
  t.same(none.costs, [-1, -1, -1], 'nothing fits')
  t.same((await poor.store.ledger.balance('acme'))!.held, 0)
  t.same(await poor.store.list('acme'), { items: [], next: null }, 'and nothing is stored')
})

t.test('a reopen reports the bulks with members left; expansion goes on from where it was', async (t) => {
  const { store, ids, dir } = await setup(t)
  const a = bulk(ids, 10)
  const b = bulk(ids, 4)
  await store.acceptBulk(a)
  await store.acceptBulk(b)
  await store.expandBulk('acme', a.id, 6)
  await store.expandBulk('acme', b.id, 4)
  await store.close()
  const again = await openStore(t, dir)
  t.same(again.recovery?.bulks, [{ account: 'acme', id: a.id, left: 4 }], 'the unfinished bulk, with its members left')
  t.same(again.recovery?.requeue.length, 10, 'the expanded members are ordinary unfinished messages')
  const rest = await again.expandBulk('acme', a.id, 100)
  t.same(rest.ids, [6, 7, 8, 9].map((i) => bulkMemberId(a.id, i)))
  const [r] = await again.ledger.reconcile('acme')
  t.same(r.problems, [], 'the books reconcile after the reopen')
})
