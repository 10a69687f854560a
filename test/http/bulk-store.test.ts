// HTTP requests of one text to many recipients stored as bulks (store/bulk.ts): one row and one
// credit hold per chunk, members expanded into messages as the memory queue has room. Until then
// a member is pending, and every read (get, search pages, recipient filter, CSV, stats), an SMPP
// cancel_sm, a restart and the ledger's reconcile must treat it as the queued message it stands for.

import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Router } from '../../src/router/router.js'
import { Customer } from '../router/customer.js'
import { startApi, waitFor, type Api } from './helpers.js'

const dest = (i: number): string => `39347100${String(1000 + i)}`
const dests = (n: number): string[] => Array.from({ length: n }, (_, i) => dest(i))

interface Entry { id?: string, to: string, parts?: number, encoding?: string, cost?: number, status?: string, error?: { code: string, reason: string } }

/** POSTs one text to dest(0)…dest(n − 1) and checks the 202; the answer's entries. */
async function postBulk (t: Test, api: Api, n: number, text: string): Promise<Entry[]> {
  const r = await api.call('POST', '/v1/messages', { to: dests(n), from: 'Instrada', text })
  t.equal(r.status, 202, `${n} recipients accepted`)
  return r.body.messages as Entry[]
}

async function gauge (router: Router, name: string): Promise<number> {
  const m = (await router.registry.getMetricsAsJSON()).find((x) => x.name === name)
  return m?.values.reduce((n, v) => n + v.value, 0) ?? 0
}

const mtOf = (r: Router): string[] => r.simulator!.carrier('sim-it').recent.view().filter((m) => m.direction === 'mt').map((m) => m.to)

/** Every message of the account, newest first, following `next` with pages of `limit`. */
async function listAll (api: Api, limit: number, query = ''): Promise<Array<{ id: string, status: string, to: string }>> {
  const out: Array<{ id: string, status: string, to: string }> = []
  let cursor: string | null = null
  for (let i = 0; i < 10_000; i++) {
    const page = await api.call('GET', `/v1/messages?limit=${limit}${query}${cursor === null ? '' : '&cursor=' + cursor}`)
    if (page.status !== 200) throw new Error(`list: ${page.status} ${JSON.stringify(page.body)}`)
    out.push(...page.body.messages)
    cursor = page.body.next
    if (cursor === null) break
  }
  return out
}

/** `ids` sorted newest first (ids are time-ordered hex of one length). */
const newestFirst = (ids: string[]): string[] => [...ids].sort().reverse()

async function reconciled (router: Router): Promise<{ ok: boolean, problems: string[] }> {
  const [r] = await router.store.ledger.reconcile('demo')
  return { ok: r.ok, problems: r.problems }
}

async function allDelivered (api: Api, n: number, ms = 20_000): Promise<boolean> {
  return await waitFor(async () => (await api.call('GET', '/v1/messages?limit=1000&status=delivered')).body.messages.length >= n, ms)
}

t.test('pending members read as queued messages: get, search pages, recipient, CSV, stats; then all sent once', async (t) => {
  const api = await startApi(t, { demoCredit: 10000, carrierIt: 'tps: 100', router: 'memory_queue: 5' })
  const { router } = api
  const before = (await router.store.ledger.balance('demo'))!
  const N = 300
  const to = dests(N)
  const messages = await postBulk(t, api, N, 'bulk store')
  t.equal(messages.length, N, 'one entry per recipient')
  t.same(messages.filter((m) => m.error !== undefined), [], 'none refused')
  t.same(messages.map((m) => m.to), to, 'in request order')
  t.ok(messages.every((m) => typeof m.id === 'string' && /^[0-9a-f]{16}$/.test(m.id) && m.parts === 1 && m.encoding === 'gsm7' && m.cost === 1 && m.status === 'queued'),
    'each with an id, 1 part, gsm7, cost 1 and queued')
  const ids = messages.map((m) => m.id!)
  t.equal(new Set(ids).size, N, 'ids unique')
  t.same(ids, [...ids].sort(), 'ids ascend in recipient order (one id block)')

  const spooled = await gauge(router, 'instrada_spooled_messages')
  t.ok(spooled >= N - 5 - 100, `most members are pending (${spooled} spooled)`)
  t.ok(await gauge(router, 'instrada_queued_messages') >= spooled, 'and counted as queued')

  const last = messages[N - 1]
  const got = await api.call('GET', `/v1/messages/${last.id!}`)
  t.equal(got.status, 200, 'a pending member is found by id')
  t.match(got.body, { id: last.id, status: 'queued', to: last.to, from: 'Instrada', encoding: 'gsm7', parts_count: 1, cost: last.cost, finished_at: null, parts: [{ part: 1, status: 'queued', charged: 0 }] })
  const unknown = ids[N - 1].slice(0, 13) + (parseInt(ids[N - 1].slice(13), 16) + 1).toString(16).padStart(3, '0')
  t.equal((await api.call('GET', `/v1/messages/${unknown}`)).status, 404, 'the id just past the block is no member')

  const listed = await listAll(api, 37)
  t.equal(listed.length, N, 'pages of 37 list every member')
  t.equal(new Set(listed.map((m) => m.id)).size, N, '…each once')
  t.same(listed.map((m) => m.id), newestFirst(ids), '…newest first')
  t.ok(listed.some((m) => m.status === 'queued'), 'pending members listed as queued')
  const big = await api.call('GET', '/v1/messages?limit=1000')
  t.same(big.body.messages.map((m: { id: string }) => m.id), newestFirst(ids), 'one page of all: the same')
  t.equal(big.body.next, null)

  const pick = messages[250]
  const one = await api.call('GET', `/v1/messages?recipient=${encodeURIComponent('+' + pick.to)}`)
  t.same(one.body.messages.map((m: { id: string, to: string }) => [m.id, m.to]), [[pick.id, pick.to]], 'filtered by recipient: exactly that member')
  const queued = await api.call('GET', '/v1/messages?limit=1000&status=queued')
  t.ok(queued.body.messages.some((m: { id: string }) => m.id === last.id), 'the status filter sees the pending member as queued')

  const csv = await api.call('GET', '/v1/messages.csv')
  t.equal(csv.status, 200)
  const rows = (csv.body as string).split('\r\n').filter((l) => l !== '').map((l) => l.split(','))
  t.equal(rows.length, N + 1, 'CSV: a header and a row per member')
  t.same(rows.slice(1).map((x) => x[0]), newestFirst(ids), 'CSV: every id, newest first')
  t.same(rows.find((x) => x[0] === last.id)?.slice(2, 10), [last.to, 'Instrada', 'pro', '1', 'queued', '1', '', 'bulk store'], 'CSV: the pending member with its text')

  const stats = await api.call('GET', '/v1/stats')
  t.equal(stats.status, 200)
  t.equal(stats.body.days.length, 1)
  t.match(stats.body.days[0], { type: 'pro', sent: N, parts: N }, 'stats count every member')
  t.ok(stats.body.days[0].pending > 0, `pending members counted as pending (${stats.body.days[0].pending})`)

  t.ok(await allDelivered(api, N), 'every member delivered')
  const mt = mtOf(router)
  t.equal(mt.length, N, 'the carrier got N messages…')
  t.same([...mt].sort(), [...to].sort(), '…each destination exactly once')
  const after = (await router.store.ledger.balance('demo'))!
  t.equal(after.held, 0, 'no credit left on hold')
  t.equal(before.balance - after.balance, N * 1000, 'each member charged its cost once')
  t.same(await reconciled(router), { ok: true, problems: [] }, 'the ledger reconciles')
  t.equal(await gauge(router, 'instrada_spooled_messages'), 0, 'nothing left spooled')
  t.equal(await gauge(router, 'instrada_queued_messages'), 0, 'nor queued')
  const done = await api.call('GET', `/v1/messages/${last.id!}`)
  t.match(done.body, { status: 'delivered', cost: 1, parts: [{ charged: 1 }] }, 'the last member, as a message now')
  t.equal((await listAll(api, 1000)).length, N, 'still N listed once all are messages')
})

t.test('cancel_sm of a pending member writes it early and cancels it: never sent, credit released', async (t) => {
  const api = await startApi(t, { demoCredit: 10000, carrierIt: 'tps: 20', router: 'memory_queue: 5' })
  const { router } = api
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  const before = (await router.store.ledger.balance('demo'))!
  const N = 100
  const to = dests(N)
  const messages = await postBulk(t, api, N, 'cancel one')
  t.ok(messages.every((m) => m.status === 'queued'), 'all accepted')
  const victim = messages[N - 1]
  const spooled = await gauge(router, 'instrada_spooled_messages')
  t.ok(spooled > N / 2, `the last member is still pending (${spooled} spooled)`)
  const held = (await router.store.ledger.balance('demo'))!.held
  t.ok(held > 0 && held <= N * 1000, `credit held for the bulk (${held})`)

  const q = await c.request('query_sm', { message_id: victim.id, source_addr: 'Instrada' })
  t.match(q, { command_status: 0, message_state: 1 }, 'query_sm: the pending member is ENROUTE')
  const cancel = await c.request('cancel_sm', { message_id: victim.id, source_addr: 'Instrada', destination_addr: victim.to })
  t.equal(cancel.command_status, 0, 'cancelled')
  const got = await api.call('GET', `/v1/messages/${victim.id!}`)
  t.match(got.body, { id: victim.id, status: 'failed', to: victim.to, cost: 1, parts: [{ status: 'failed', error: 'cancelled by the customer', charged: 0 }] }, 'final at once: failed, nothing charged')
  t.not(got.body.finished_at, null, 'with a finish time')
  const again = await c.request('cancel_sm', { message_id: victim.id, source_addr: 'Instrada', destination_addr: victim.to })
  t.equal(again.command_status, 0x11, 'a second cancel fails: it is final')
  const listed = await listAll(api, 1000)
  t.equal(listed.filter((m) => m.id === victim.id).length, 1, 'listed once (as a message, no longer pending)')
  t.equal(listed.find((m) => m.id === victim.id)?.status, 'failed')
  t.equal(listed.length, N)
  t.same(await reconciled(router), { ok: true, problems: [] }, 'the ledger reconciles right after the early write')

  t.ok(await allDelivered(api, N - 1), 'the other members all delivered')
  await new Promise((resolve) => setTimeout(resolve, 300)) // anything late for the cancelled one would show now
  const mt = mtOf(router)
  t.notOk(mt.includes(victim.to), 'the carrier never got the cancelled destination')
  t.same([...mt].sort(), to.slice(0, N - 1).sort(), 'and got each other destination exactly once')
  t.match((await api.call('GET', `/v1/messages/${victim.id!}`)).body, { status: 'failed' }, 'still failed')
  const after = (await router.store.ledger.balance('demo'))!
  t.equal(after.held, 0, 'no credit left on hold')
  t.equal(before.balance - after.balance, (N - 1) * 1000, 'charged for the 99 sent, not the cancelled one')
  t.same(await reconciled(router), { ok: true, problems: [] }, 'the ledger reconciles')
  t.equal(await gauge(router, 'instrada_spooled_messages'), 0, 'nothing left spooled')
  t.equal(await gauge(router, 'instrada_queued_messages'), 0, 'nor queued (the cancelled member left the count)')
})

t.test('a restart with pending members sends the rest, none twice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'instrada-bulk-store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const first = await startApi(t, { dir, demoCredit: 10000, carrierIt: 'tps: 20', router: 'memory_queue: 5' })
  const N = 100
  const to = dests(N)
  const r = await first.call('POST', '/v1/messages', { to, from: 'Instrada', text: 'across a restart' })
  t.equal(r.status, 202)
  const ids = (r.body.messages as Entry[]).map((m) => m.id!)
  t.equal(ids.length, N)
  await new Promise((resolve) => setTimeout(resolve, 300))
  const spooled = await gauge(first.router, 'instrada_spooled_messages')
  t.ok(spooled > 50, `members still pending when the router stops (${spooled})`)
  const sentBefore = mtOf(first.router)
  t.ok(sentBefore.length > 0 && sentBefore.length < N, `some sent before (${sentBefore.length})`)
  await first.router.close()
  const before = mtOf(first.router)

  const second = await startApi(t, { dir, demoCredit: 10000, carrierIt: 'tps: 0', router: 'memory_queue: 5' })
  const pending = await second.call('GET', `/v1/messages/${ids[N - 1]}`)
  t.match(pending, { status: 200, body: { status: /^(queued|sent|delivered)$/ } }, 'the last member is still known after the restart')
  t.ok(await waitFor(async () => mtOf(second.router).length + before.length >= N, 20_000), 'the rest sent after the restart')
  await new Promise((resolve) => setTimeout(resolve, 500)) // the last receipts, and anything sent twice
  const all = [...before, ...mtOf(second.router)].sort()
  t.same(all, [...to].sort(), 'each destination reached a carrier exactly once')
  const states = await Promise.all(ids.map(async (id) => (await second.router.store.get('demo', id))?.parts[0].state ?? 'missing'))
  t.same([...new Set(states)].filter((s) => s !== 'delivered' && s !== 'submitted'), [], `none failed or lost (${states.filter((s) => s === 'delivered').length} delivered)`)
  const listed = await listAll(second, 1000)
  t.same(listed.map((m) => m.id), newestFirst(ids), 'the list still has every member once')
  t.equal(await gauge(second.router, 'instrada_spooled_messages'), 0, 'nothing left spooled')
  const bal = (await second.router.store.ledger.balance('demo'))!
  t.equal(bal.held, 0, 'no credit left on hold')
  t.same(await reconciled(second.router), { ok: true, problems: [] }, 'the ledger reconciles')
})

t.test('partial credit: the members past the credit are refused in their entries, the rest held', async (t) => {
  // The carrier answers after 600 ms: nothing is charged yet when the hold is read.
  const api = await startApi(t, { demoCredit: 7, router: 'memory_queue: 5', simIt: 'faults: { slow_response_rate: 1, slow_response_latency: 600 }' })
  const { router } = api
  const N = 12
  const to = dests(N)
  const messages = await postBulk(t, api, N, 'partial')
  const accepted = messages.filter((m) => m.error === undefined)
  const bal = (await router.store.ledger.balance('demo'))!
  t.equal(accepted.length, 7, 'as many accepted as the credit covers')
  t.same(messages.slice(0, 7).map((m) => m.status), new Array(7).fill('queued'), 'the first ones')
  t.same(messages.map((m) => m.to), to, 'every entry in request order')
  t.match(messages.slice(7), new Array(5).fill({ error: { code: 'no_credit', reason: 'NO_CREDIT', smpp_status: 'INSTRADA_RNOCREDIT' } }), 'the rest refused in their entries')
  t.ok(messages.slice(7).every((m) => m.id === undefined && m.status === undefined), 'refused entries carry no id')
  const sum = accepted.reduce((s, m) => s + m.cost!, 0)
  t.equal(sum, 7)
  t.equal(bal.held, sum * 1000, 'held = the sum of the accepted costs')
  t.equal(bal.balance, 7000, 'nothing charged yet')
  t.same(await reconciled(router), { ok: true, problems: [] }, 'the ledger reconciles with the bulk hold')
  t.ok(accepted.every((m) => /^[0-9a-f]{16}$/.test(m.id!)))
  t.equal((await listAll(api, 1000)).length, 7, 'only the accepted are listed')
  // The refused members' ids were in the block too (bulkMemberId(first, 7…11)): no message there.
  const first = accepted[0].id!
  for (let i = 7; i < N; i++) {
    const id = first.slice(0, 13) + (parseInt(first.slice(13), 16) + i).toString(16).padStart(3, '0')
    t.equal((await api.call('GET', `/v1/messages/${id}`)).status, 404, `refused member ${i} is no message`)
  }
  const over = await api.call('POST', '/v1/messages', { to: [dest(50), dest(51)], from: 'Instrada', text: 'no credit left' })
  t.match(over, { status: 402, body: { error: { code: 'no_credit' } } }, 'with no credit left the whole request is refused')

  t.ok(await allDelivered(api, 7), 'the accepted ones delivered')
  const after = (await router.store.ledger.balance('demo'))!
  t.same([after.balance, after.held], [0, 0], 'all charged, nothing held')
  t.same(await reconciled(router), { ok: true, problems: [] })
  t.same(mtOf(router).sort(), to.slice(0, 7), 'only the accepted reached the carrier')
})

t.test('engine in a worker thread: pending members found by id and all delivered', async (t) => {
  const api = await startApi(t, { workers: 1, demoCredit: 10000, carrierIt: 'tps: 100', router: 'memory_queue: 5' })
  const N = 50
  const to = dests(N)
  const messages = await postBulk(t, api, N, 'worker bulk')
  t.ok(messages.every((m) => m.status === 'queued' && m.cost === 1), 'all accepted')
  const ids = messages.map((m) => m.id!)
  t.equal(new Set(ids).size, N)
  const last = await api.call('GET', `/v1/messages/${ids[N - 1]}`)
  t.match(last, { status: 200, body: { id: ids[N - 1], to: to[N - 1], status: 'queued', cost: 1 } }, 'a pending member found by id')
  t.same((await listAll(api, 7)).map((m) => m.id), newestFirst(ids), 'listed once each, newest first')
  t.ok(await allDelivered(api, N), 'all delivered')
  t.same(mtOf(api.router).sort(), to, 'each destination once')
  const bal = (await api.router.store.ledger.balance('demo'))!
  t.equal(bal.held, 0)
  t.same(await reconciled(api.router), { ok: true, problems: [] })
})

t.test('a message submitted one by one overtakes a bulk backlog', async (t) => {
  // 300 bulk members at 50/s are six seconds of backlog; an SMPP submit made after them must not wait for all of it.
  const api = await startApi(t, { demoCredit: 100_000, carrierIt: 'tps: 50', router: 'memory_queue: 5' })
  const { router } = api
  const r = await api.call('POST', '/v1/messages', { to: dests(300), from: 'Instrada', text: 'bulk' })
  t.equal(r.status, 202)
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  const single = await c.submit({ destination_addr: '393475551234', short_message: 'your code is 1234' })
  t.equal(single.status, 0)
  t.ok(await waitFor(async () => mtOf(router).includes('393475551234'), 10_000), 'the single message is sent')
  const ahead = mtOf(router).indexOf('393475551234')
  t.ok(ahead >= 0 && ahead < 60, `it went out after ${ahead} bulk members, not after the 300`)
  t.ok(await waitFor(async () => mtOf(router).length === 301, 20_000), 'and the bulk goes on: all 301 sent')
  t.equal(new Set(mtOf(router)).size, 301, 'each once')
})

t.test('a long text to two carriers with different headers, and a request past one chunk', async (t) => {
  const api = await startApi(t, { demoCredit: 1_000_000 })
  const { router } = api
  // sim-it takes 8-bit references, sim-world 16-bit (test/router/helpers.ts): one bulk per header room.
  const text = 'Bulk campaign text long enough for two parts. '.repeat(4).trim()
  const to = ['393471000001', '393471000002', '393471000003', '447700900001', '447700900002']
  const r = await api.call('POST', '/v1/messages', { to, from: 'Instrada', text })
  t.equal(r.status, 202)
  t.same(r.body.messages.map((m: Entry) => [m.to, m.parts, m.status]), to.map((d) => [d, 2, 'queued']), 'every recipient in the order given, two parts each')
  const whole = async (): Promise<Array<{ to: string, text: string, complete: boolean }>> => {
    const views = [...router.simulator!.carrier('sim-it').recent.assembled(), ...router.simulator!.carrier('sim-world').recent.assembled()]
    return views.filter((v) => v.direction === 'mt').map((v) => ({ to: v.to, text: v.text, complete: v.complete }))
  }
  t.ok(await waitFor(async () => (await whole()).filter((v) => v.complete).length === 5, 10_000), 'each recipient gets a whole message')
  t.same((await whole()).map((v) => [v.to, v.text]).sort(), to.map((d) => [d, text]).sort(), 'the text reassembled, for both header sizes')
  const vias = (name: string): string[] => [...new Set(router.simulator!.carrier(name).recent.view().filter((m) => m.direction === 'mt').map((m) => m.part?.via ?? 'none'))]
  t.same(vias('sim-it'), ['udh8'], 'Italy: 8-bit references')
  t.same(vias('sim-world'), ['udh16'], 'the UK: 16-bit references')
  for (const m of r.body.messages as Entry[]) {
    t.ok(await waitFor(async () => (await api.call('GET', `/v1/messages/${m.id!}`)).body.status === 'delivered', 10_000), `${m.to} delivered`)
  }

  const before = (await router.store.ledger.balance('demo'))!
  const many = await api.call('POST', '/v1/messages', { to: dests(2500), from: 'Instrada', text: 'many' })
  t.equal(many.status, 202)
  const ids = (many.body.messages as Entry[]).map((m) => m.id)
  t.equal(new Set(ids).size, 2500, '2,500 distinct ids across three bulks')
  t.same(many.body.messages.map((m: Entry) => m.to), dests(2500), 'in the order given')
  const after = (await router.store.ledger.balance('demo'))!
  t.ok(before.available - after.available === 2500 * 1000, 'credit for all 2,500 taken at the answer (held or already charged)')
  const last = await api.call('GET', `/v1/messages/${ids[2499]!}`)
  t.match(last, { status: 200, body: { id: ids[2499], to: dest(2499) } }, 'the last recipient found by its id')
  t.ok(await waitFor(async () => (await router.store.ledger.balance('demo'))!.held === 0, 20_000), 'all 2,500 settled')
  const [rec] = await router.store.ledger.reconcile('demo')
  t.same(rec.problems, [], 'the books reconcile')
})
