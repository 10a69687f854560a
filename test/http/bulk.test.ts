// POST /v1/messages extras over real HTTP: bulk blocks (scheduled_at shifted per block),
// callback_url kept with the message, and Idempotency-Key answers kept in the store so a
// restarted router (same store) replays them.

import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IDEM_KIND, IdempotencyCache } from '../../src/http/idempotency.js'
import { startApi, waitFor, OTHER_KEY } from './helpers.js'

const S = 1000

t.test('blocks: recipients after the first N are scheduled S seconds later per block', async (t) => {
  const api = await startApi(t)
  const to = ['393471234561', '393471234562', '+39 347 1234562', '393471234563', '393471234564', '393471234565']
  const before = Date.now()
  const r = await api.call('POST', '/v1/messages', { to, from: 'Instrada', text: 'bulk', blocks: { size: 2, interval_s: 60 } })
  t.equal(r.status, 202)
  const at = r.body.messages.map((m: { scheduled_at: string | null }) => m.scheduled_at === null ? null : Date.parse(m.scheduled_at))
  t.equal(r.body.messages.length, 5, 'the duplicate is one recipient and does not count toward a block')
  t.same(at.slice(0, 2), [null, null], 'the first block goes now')
  for (const [i, block] of [[2, 1], [3, 1], [4, 2]]) {
    t.ok(at[i] >= before + block * 60 * S && at[i] <= Date.now() + block * 60 * S, `recipient ${i + 1}: block ${block}, ${block * 60} s later`)
  }
  t.ok(await waitFor(async () => (await api.call('GET', `/v1/messages/${r.body.messages[0].id}`)).body.status === 'delivered', 8000), 'the first block is sent')
  const later = await api.call('GET', `/v1/messages/${r.body.messages[4].id}`)
  t.match(later.body, { status: 'queued', scheduled_at: r.body.messages[4].scheduled_at }, 'the last block waits')

  const start = new Date(Date.now() + 3_600_000)
  const scheduled = await api.call('POST', '/v1/messages', { to: to.slice(0, 3), from: 'Instrada', text: 'bulk later', scheduled_at: start.toISOString(), blocks: { size: 1, interval_s: 30 } })
  t.same(scheduled.body.messages.map((m: { scheduled_at: string }) => m.scheduled_at), [
    start.toISOString(), new Date(start.getTime() + 30 * S).toISOString()
  ], 'combined with scheduled_at: blocks count from it')

  const tooFar = await api.call('POST', '/v1/messages', { to: to.slice(0, 2), from: 'Instrada', text: 'x', scheduled_at: new Date(Date.now() + 86_400_000 * 29.5).toISOString(), blocks: { size: 1, interval_s: 86_400 } })
  t.equal(tooFar.status, 202)
  t.match(tooFar.body.messages[1], { error: { field: 'scheduled_at', reason: 'SCHEDULE_INVALID' } }, 'a block pushed past the schedule limit is refused in its entry')

  const cases: Array<[unknown, string, string]> = [
    [[], 'blocks', 'WRONG_TYPE'],
    [{ size: 0, interval_s: 1 }, 'blocks.size', 'OUT_OF_RANGE'],
    [{ size: 1 }, 'blocks.interval_s', 'REQUIRED'],
    [{ interval_s: 1 }, 'blocks.size', 'REQUIRED'],
    [{ size: 1, interval_s: 0.5 }, 'blocks.interval_s', 'WRONG_TYPE'],
    [{ size: 1, interval_s: 86_401 }, 'blocks.interval_s', 'OUT_OF_RANGE'],
    [{ size: 10_001, interval_s: 1 }, 'blocks.size', 'OUT_OF_RANGE'],
    [{ size: 1, interval_s: 1, every: 2 }, 'blocks.every', 'UNKNOWN_FIELD']
  ]
  for (const [blocks, field, reason] of cases) {
    const bad = await api.call('POST', '/v1/messages', { to, from: 'Instrada', text: 'x', blocks })
    t.match(bad, { status: 400, body: { error: { code: 'invalid_request', field, reason } } }, `${JSON.stringify(blocks)}: ${field} ${reason}`)
    t.match(bad.body.error.message, field, 'the message names the field')
  }
})

t.test('callback_url is kept with the message; malformed ones are refused', async (t) => {
  const api = await startApi(t)
  const url = 'https://hooks.example.com/instrada?client=7'
  const r = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'with a callback', callback_url: url })
  t.equal(r.status, 202)
  const rec = await api.router.store.get('demo', r.body.messages[0].id)
  t.equal(rec?.callbackUrl, url, 'stored for the webhooks')
  const cases: Array<[unknown, string]> = [
    ['ftp://example.com/x', 'BAD_FORMAT'],
    ['not a url', 'BAD_FORMAT'],
    ['/relative/path', 'BAD_FORMAT'],
    ['https://example.com/' + 'a'.repeat(2048), 'OUT_OF_RANGE'],
    [42, 'WRONG_TYPE']
  ]
  for (const [v, reason] of cases) {
    t.match(await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'x', callback_url: v }), { status: 400, body: { error: { field: 'callback_url', reason } } }, String(v).slice(0, 40))
  }
  const unsigned = await api.call('POST', '/v1/messages', { to: '393471234567', text: 'x', callback_url: url }, { key: OTHER_KEY })
  t.match(unsigned, { status: 400, body: { error: { field: 'callback_url', reason: 'NO_WEBHOOK_SECRET' } } }, 'an account without a webhook secret could never sign it: refused up front')
})

t.test('Idempotency-Key answers survive a restart on the same store', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'instrada-idem-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const body = { to: ['393471234567', '447700900123'], from: 'Instrada', text: 'exactly once' }
  const headers = { 'idempotency-key': 'order-7' }

  const first = await startApi(t, { dir })
  const a = await first.call('POST', '/v1/messages', body, { headers })
  t.equal(a.status, 202)
  await first.router.close()

  const second = await startApi(t, { dir })
  const b = await second.call('POST', '/v1/messages', body, { headers })
  t.equal(b.status, 202)
  t.same(b.body, a.body, 'the restarted router replays the first answer (same ids)')
  t.equal(b.headers.get('idempotent-replayed'), 'true')
  const conflict = await second.call('POST', '/v1/messages', { ...body, text: 'changed' }, { headers: { 'idempotency-key': 'order-8' } })
  t.equal(conflict.status, 202, 'another key is another send')
  const reused = await second.call('POST', '/v1/messages', { ...body, text: 'changed' }, { headers })
  t.match(reused, { status: 409, body: { error: { field: 'Idempotency-Key', reason: 'IDEMPOTENCY_KEY_REUSED' } } }, 'the stored key refuses a different body')
  const list = await second.call('GET', '/v1/messages')
  t.equal(list.body.messages.length, 4, 'two sends of two recipients, not three')

  // Another process still running the first request with a key: told to retry, not sent twice.
  const pendingBody = { to: '393471234567', from: 'Instrada', text: 'pending elsewhere' }
  const fp = IdempotencyCache.fingerprint('POST', '/v1/messages', Buffer.from(JSON.stringify(pendingBody)))
  await second.router.store.putDoc(IDEM_KIND, 'demo\0order-9', { fp, expires: Date.now() + 60_000, answer: null, owner: 'another-process', pendingUntil: Date.now() + 60_000 })
  t.match(await second.call('POST', '/v1/messages', pendingBody, { headers: { 'idempotency-key': 'order-9' } }), { status: 409, body: { error: { reason: 'IDEMPOTENCY_KEY_IN_PROGRESS' } } })
  // …and a process that died mid-request stops holding the key once its pending time is over.
  await second.router.store.putDoc(IDEM_KIND, 'demo\0order-10', { fp, expires: Date.now() + 60_000, answer: null, owner: 'dead-process', pendingUntil: Date.now() - 1 })
  t.equal((await second.call('POST', '/v1/messages', pendingBody, { headers: { 'idempotency-key': 'order-10' } })).status, 202)

  // Expired documents are removed by the background sweep, a bounded step at a time.
  const idem = second.router.http!.idempotency
  const later = Date.now() + 2 * 86_400_000
  let removed = 0
  for (let i = 0; i < 10; i++) removed += await idem.sweep(later, 2)
  t.ok(removed >= 4, `expired answers removed (${removed})`)
  t.equal(await second.router.store.getDoc(IDEM_KIND, 'demo\0order-7'), null)
  t.same(await second.router.store.listDocs(IDEM_KIND), [], 'nothing left')
})

t.test("a bulk request past the account's max_queued: the recipients over it are refused in their entries (worker engine)", async (t) => {
  // The carrier answers after 3 s, so accepted messages stay queued for the whole request.
  const api = await startApi(t, { workers: 1, demo: 'max_queued: 3', simIt: 'faults: { slow_response_rate: 1, slow_response_latency: 3000 }' })
  const to = ['393471234561', '393471234562', '393471234563', '393471234564', '393471234565']
  const r = await api.call('POST', '/v1/messages', { to, from: 'Instrada', text: 'bulk' })
  t.equal(r.status, 202)
  t.same(r.body.messages.map((m: { status?: string, error?: { code: string } }) => m.status ?? m.error?.code), ['queued', 'queued', 'queued', 'queue_full', 'queue_full'],
    'the first three are queued, the rest answered queue_full')
  const [first] = r.body.messages as Array<{ id: string }>
  t.match((await api.call('GET', `/v1/messages/${first.id}`)).body, { id: first.id, status: /^(queued|sent)$/ }, 'and stored, on its way')
})

t.test('a long text to several recipients: each gets the whole text, in parts of its own', async (t) => {
  const api = await startApi(t)
  const text = 'Promemoria: il tuo appuntamento di domani è confermato, rispondi NO per annullarlo. '.repeat(3)
  const to = ['393471234571', '393471234572', '393471234573']
  const r = await api.call('POST', '/v1/messages', { to, from: 'Instrada', text })
  t.equal(r.status, 202)
  t.same(r.body.messages.map((m: { parts: number }) => m.parts), [2, 2, 2], 'two parts each')
  const sim = api.router.simulator!.carrier('sim-it').recent
  t.ok(await waitFor(async () => sim.assembled().filter((m) => m.direction === 'mt' && m.complete).length === 3, 8000), 'the carrier puts three whole messages together')
  for (const m of sim.assembled().filter((x) => x.direction === 'mt')) t.equal(m.text, text, `${m.to} got the whole text`)
  t.same(sim.assembled().filter((x) => x.direction === 'mt').map((m) => m.to).sort(), to, 'one each')
})
