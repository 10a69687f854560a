// POST /v1/messages and GET /v1/messages/{id} over real HTTP against a running router with
// simulated carriers: acceptance, delivery seen through GET, duplicates, templates,
// idempotency, encodings, and every refusal with its status, field and reason.

import t from 'tap'
import { OTHER_KEY, startApi, waitFor, type Api } from './helpers.js'

/** The texts the simulated carriers received (both of them). */
function simTexts (api: Api): string[] {
  const sim = api.router.simulator!
  return ['sim-it', 'sim-world'].flatMap((n) => sim.carrier(n).recent.view().filter((v) => v.direction === 'mt').map((v) => v.text))
}

async function statusOf (api: Api, id: string): Promise<string> {
  return (await api.call('GET', `/v1/messages/${id}`)).body.status
}

for (const workers of [0, 1]) {
  t.test(`sent by HTTP, delivered by the simulator, seen by GET (workers: ${workers})`, async (t) => {
    const api = await startApi(t, { workers })
    const r = await api.call('POST', '/v1/messages', { to: '+39 347 1234567', from: 'Instrada', text: 'Hello from HTTP', reference: 'order-17' })
    t.equal(r.status, 202)
    t.equal(r.body.messages.length, 1)
    const m = r.body.messages[0]
    t.match(m, { to: '393471234567', parts: 1, encoding: 'gsm7', cost: 1, status: 'queued' })
    t.match(m.id, /^[0-9a-f]{16}$/)
    t.ok(await waitFor(async () => await statusOf(api, m.id) === 'delivered', 8000), 'status becomes delivered')
    const got = await api.call('GET', `/v1/messages/${m.id}`)
    t.equal(got.status, 200)
    t.match(got.body, { id: m.id, status: 'delivered', to: '393471234567', from: 'Instrada', type: 'pro', reference: 'order-17', country: 'IT', encoding: 'gsm7', parts_count: 1, cost: 1 })
    t.match(got.body.parts, [{ part: 1, status: 'delivered', carrier: 'sim-it', attempts: 1, charged: 1 }])
    t.ok(Date.parse(got.body.finished_at) >= Date.parse(got.body.created_at), 'timestamps are ISO times in order')

    const long = await api.call('POST', '/v1/messages', { to: '447700900123', from: 'Instrada', text: 'y'.repeat(200) })
    t.match(long.body.messages[0], { parts: 2, cost: 2, to: '447700900123' })
    t.ok(await waitFor(async () => await statusOf(api, long.body.messages[0].id) === 'delivered', 8000), 'a two-part message to the world carrier is delivered')
    const parts = (await api.call('GET', `/v1/messages/${long.body.messages[0].id}`)).body.parts
    t.same(parts.map((p: { status: string }) => p.status), ['delivered', 'delivered'], 'per-part states')
  })
}

t.test('status vocabulary: undelivered by the carrier, queued while scheduled', async (t) => {
  const api = await startApi(t)
  const bad = await api.call('POST', '/v1/messages', { to: '393471299901', from: 'Instrada', text: 'will not arrive' })
  t.equal(bad.status, 202)
  t.ok(await waitFor(async () => await statusOf(api, bad.body.messages[0].id) === 'undelivered', 8000), 'the simulator\'s …99901 pattern ends undelivered')

  const at = new Date(Date.now() + 3_600_000).toISOString()
  const later = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'later', scheduled_at: at, validity: 7200 })
  t.equal(later.status, 202)
  t.equal(later.body.messages[0].scheduled_at, at)
  const got = (await api.call('GET', `/v1/messages/${later.body.messages[0].id}`)).body
  t.equal(got.status, 'queued', 'scheduled: queued')
  t.equal(got.scheduled_at, at)
  const validFor = Date.parse(got.valid_until) - Date.parse(got.created_at)
  t.ok(validFor >= 7_199_000 && validFor <= 7_201_000, 'validity in seconds counts from now')
})

t.test('duplicates get one message; template variables per recipient', async (t) => {
  const api = await startApi(t)
  const r = await api.call('POST', '/v1/messages', {
    to: ['393471234567', '+393471234567', '00393471234567', '447700900123', '393471234568'],
    from: 'Instrada',
    text: 'Hi {name}, your code is {code}',
    variables: { '393471234567': { name: 'Anna', code: 1234 }, '447700900123': { name: 'Bob', code: 'X9' }, '393471234568': { name: 'Carla' } }
  })
  t.equal(r.status, 202)
  t.equal(r.body.messages.length, 3, 'three distinct recipients, three entries')
  t.match(r.body.messages[0], { to: '393471234567', status: 'queued' })
  t.match(r.body.messages[1], { to: '447700900123', status: 'queued' })
  t.match(r.body.messages[2], { to: '393471234568', error: { code: 'invalid_request', field: 'variables.393471234568.code', reason: 'MISSING_VARIABLE' } })
  t.notOk(r.body.messages[2].id, 'the refused recipient has no id')
  t.ok(await waitFor(async () => simTexts(api).length >= 2, 5000))
  t.same(simTexts(api).sort(), ['Hi Anna, your code is 1234', 'Hi Bob, your code is X9'], 'each recipient got its own text, once')

  const unknown = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'Hi {name}', variables: { '393471234599': { name: 'x' } } })
  t.match(unknown, { status: 400, body: { error: { field: 'variables.393471234599', reason: 'UNKNOWN_RECIPIENT' } } })
  const badValue = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'Hi {name}', variables: { '393471234567': { name: [1] } } })
  t.match(badValue, { status: 400, body: { error: { field: 'variables.393471234567.name', reason: 'WRONG_TYPE' } } })
  const literal = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'braces {stay} without variables' })
  t.equal(literal.status, 202, 'without variables the text is sent as written')
})

t.test('Idempotency-Key: a retry gets the first answer, a different body is a conflict', async (t) => {
  const api = await startApi(t)
  const body = { to: ['393471234567', '447700900123'], from: 'Instrada', text: 'once only' }
  const headers = { 'idempotency-key': 'order-42' }
  const [a, b] = await Promise.all([api.call('POST', '/v1/messages', body, { headers }), api.call('POST', '/v1/messages', body, { headers })])
  t.equal(a.status, 202)
  t.same(b.body, a.body, 'a concurrent retry gets the same answer')
  const c = await api.call('POST', '/v1/messages', body, { headers })
  t.same(c.body, a.body, 'a later retry gets the same ids')
  t.equal(c.headers.get('idempotent-replayed'), 'true')
  const stored = await Promise.all(a.body.messages.map(async (m: { id: string }) => (await api.call('GET', `/v1/messages/${m.id}`)).status))
  t.same(stored, [200, 200])
  await waitFor(async () => simTexts(api).length >= 2, 5000)
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal(simTexts(api).length, 2, 'two messages reached the carriers, not six')

  const conflict = await api.call('POST', '/v1/messages', { ...body, text: 'changed' }, { headers })
  t.match(conflict, { status: 409, body: { error: { code: 'conflict', field: 'Idempotency-Key', reason: 'IDEMPOTENCY_KEY_REUSED' } } })
  const otherAccount = await api.call('POST', '/v1/messages', { to: '447700900123', from: 'OtherCo', text: 'mine' }, { key: OTHER_KEY, headers })
  t.equal(otherAccount.status, 202, 'keys are per account')
  const fresh = await api.call('POST', '/v1/messages', body, { headers: { 'idempotency-key': 'order-43' } })
  t.not(fresh.body.messages[0].id, a.body.messages[0].id, 'another key is another send')
  const tooLong = await api.call('POST', '/v1/messages', body, { headers: { 'idempotency-key': 'k'.repeat(256) } })
  t.match(tooLong, { status: 400, body: { error: { field: 'Idempotency-Key' } } })
})

t.test('encodings', async (t) => {
  const api = await startApi(t)
  const auto = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'Привет' })
  t.match(auto.body.messages[0], { encoding: 'ucs2', parts: 1 })
  const forced = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'plain', encoding: 'ucs2' })
  t.match(forced.body.messages[0], { encoding: 'ucs2', parts: 1 }, 'ucs2 forced for a GSM text')
  const gsm = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'Привет', encoding: 'gsm7' })
  t.match(gsm, { status: 422, body: { error: { code: 'rule_violation', field: 'text', reason: 'INVALID_CHARS', smpp_status: 'INSTRADA_RINVCHARS' } } })
  const got = (await api.call('GET', `/v1/messages/${forced.body.messages[0].id}`)).body
  t.equal(got.encoding, 'ucs2')
})

t.test('refusals: 401, 400 naming the field, 404, 413, 415, 422, 405', async (t) => {
  const api = await startApi(t, { http: 'body_limit_bytes: 4096' })
  const ok = { to: '393471234567', from: 'Instrada', text: 'x' }
  t.match(await api.call('POST', '/v1/messages', ok, { key: null }), { status: 401, body: { error: { code: 'unauthorized', reason: 'MISSING_KEY' } } })
  const wrong = await api.call('POST', '/v1/messages', ok, { key: 'not-a-key' })
  t.match(wrong, { status: 401, body: { error: { code: 'unauthorized', field: 'Authorization', reason: 'WRONG_KEY' } } })
  t.equal(wrong.headers.get('www-authenticate'), 'Bearer')
  t.match(await api.call('POST', '/v1/messages', ok, { headers: { authorization: 'Basic abc' }, key: null }), { status: 401, body: { error: { reason: 'MALFORMED_AUTHORIZATION' } } })
  t.match(await api.call('GET', '/v1/messages/0154718156500000', undefined, { key: 'nope' }), { status: 401 })

  const cases: Array<[string, unknown, string, string]> = [
    ['unknown field', { ...ok, callback: 'x' }, 'callback', 'UNKNOWN_FIELD'],
    ['to missing', { from: 'Instrada', text: 'x' }, 'to', 'REQUIRED'],
    ['to of the wrong type', { ...ok, to: 393471234567 }, 'to', 'WRONG_TYPE'],
    ['a list item of the wrong type', { ...ok, to: ['393471234567', 5] }, 'to[1]', 'WRONG_TYPE'],
    ['empty list', { ...ok, to: [] }, 'to', 'OUT_OF_RANGE'],
    ['text of the wrong type', { ...ok, text: 5 }, 'text', 'WRONG_TYPE'],
    ['unknown type', { ...ok, type: 'gold' }, 'type', 'NOT_ALLOWED'],
    ['unknown encoding', { ...ok, encoding: 'latin1' }, 'encoding', 'NOT_ALLOWED'],
    ['validity out of range', { ...ok, validity: 0 }, 'validity', 'OUT_OF_RANGE'],
    ['validity not a time', { ...ok, validity: 'tomorrow' }, 'validity', 'BAD_FORMAT'],
    ['scheduled_at malformed', { ...ok, scheduled_at: '2026-13-01' }, 'scheduled_at', 'BAD_FORMAT'],
    ['scheduled_at in the past', { ...ok, scheduled_at: '2020-01-01T00:00:00Z' }, 'scheduled_at', 'SCHEDULE_INVALID'],
    ['validity before the schedule', { ...ok, scheduled_at: new Date(Date.now() + 7_200_000).toISOString(), validity: 60 }, 'validity', 'VALIDITY_INVALID'],
    ['reference too long', { ...ok, reference: 'r'.repeat(65) }, 'reference', 'OUT_OF_RANGE'],
    ['variables not an object', { ...ok, variables: [] }, 'variables', 'WRONG_TYPE'],
    ['empty text (a rule)', { ...ok, text: '' }, 'text', 'EMPTY_TEXT'],
    ['malformed destination (a rule)', { ...ok, to: '39-abc' }, 'to', 'DEST_INVALID_CHARS']
  ]
  for (const [name, body, field, reason] of cases) {
    const r = await api.call('POST', '/v1/messages', body)
    t.match(r, { status: 400, body: { error: { field, reason } } }, name)
    t.type(r.body.error.message, 'string')
  }
  t.match(await api.call('POST', '/v1/messages', undefined, { raw: '{"to": ' }), { status: 400, body: { error: { reason: 'INVALID_JSON' } } })
  t.match(await api.call('POST', '/v1/messages', undefined, { raw: '[1,2]' }), { status: 400, body: { error: { reason: 'NOT_AN_OBJECT' } } })
  t.match(await api.call('POST', '/v1/messages', undefined, { raw: 'to=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), { status: 415, body: { error: { field: 'Content-Type' } } })
  t.match(await api.call('POST', '/v1/messages', { ...ok, text: 'x'.repeat(5000) }), { status: 413, body: { error: { code: 'body_too_large' } } })

  const rules: Array<[string, unknown, string, string, string]> = [
    ['unregistered sender', { ...ok, from: 'Nobody' }, 'from', 'SENDER_NOT_REGISTERED', 'ESME_RINVSRCADR'],
    ['another account\'s sender', { ...ok, from: 'OtherCo' }, 'from', 'SENDER_NOT_REGISTERED', 'ESME_RINVSRCADR'],
    ['too many parts', { ...ok, text: 'z'.repeat(153 * 4 + 1) }, 'text', 'TOO_MANY_PARTS', 'ESME_RINVMSGLEN'],
    ['unknown country', { ...ok, to: '+999123456789' }, 'to', 'DEST_UNKNOWN_COUNTRY', 'ESME_RINVDSTADR']
  ]
  for (const [name, body, field, reason, smpp] of rules) {
    t.match(await api.call('POST', '/v1/messages', body), { status: 422, body: { error: { code: 'rule_violation', field, reason, smpp_status: smpp } } }, name)
    // Several recipients of one text take the bulk path (Intake.prepareBulk): a sender or text
    // refusal refuses them all alike. (A bad number refuses only itself: 'some' below.)
    if (field === 'to') continue
    const many = { ...(body as Record<string, unknown>), to: [(body as { to: string }).to, '393471234599'] }
    t.match(await api.call('POST', '/v1/messages', many), { status: 422, body: { error: { code: 'rule_violation', field, reason, smpp_status: smpp } } }, `${name}, two recipients`)
  }
  const some = await api.call('POST', '/v1/messages', { ...ok, to: ['393471234567', '12'] })
  t.equal(some.status, 202, 'one good recipient: accepted')
  t.match(some.body.messages[1], { to: '12', error: { code: 'rule_violation', field: 'to' } }, 'the bad one carries its error')
  const none = await api.call('POST', '/v1/messages', { ...ok, to: ['+999123456789', '12'] })
  t.match(none, { status: 422, body: { error: { field: 'to', reason: 'DEST_UNKNOWN_COUNTRY' } } }, 'all refused: the first error')

  t.match(await api.call('GET', '/v1/messages/ffffffffffffffff'), { status: 404, body: { error: { code: 'not_found', field: 'id', reason: 'UNKNOWN_MESSAGE' } } })
  t.match(await api.call('GET', '/v1/messages/not-an-id'), { status: 404 })
  t.match(await api.call('GET', '/v1/messages/%E0%A4%A'), { status: 404 }, 'a malformed escape in the path')
  const proto = await api.call('POST', '/v1/messages', { ...ok, text: 'Hi {constructor}', variables: { '393471234567': {} } })
  t.match(proto, { status: 400, body: { error: { field: 'variables.393471234567.constructor', reason: 'MISSING_VARIABLE' } } }, 'only the values given are used')
  const mine = some.body.messages[0].id
  t.match(await api.call('GET', `/v1/messages/${mine}`, undefined, { key: OTHER_KEY }), { status: 404 }, 'another account\'s message is not found')
  t.match(await api.call('GET', '/v2/nothing'), { status: 404, body: { error: { reason: 'UNKNOWN_ROUTE' } } })
  t.match(await api.call('DELETE', '/v1/messages'), { status: 405, body: { error: { code: 'method_not_allowed' } } })
})

t.test('credit and throughput refusals', async (t) => {
  const api = await startApi(t, { demoCredit: 2, demo: 'tps: 1000' })
  const ok = { to: '393471234567', from: 'Instrada', text: 'x' }
  t.equal((await api.call('POST', '/v1/messages', ok)).status, 202, '1 credit used')
  const three = await api.call('POST', '/v1/messages', { ...ok, text: 'w'.repeat(400) })
  t.match(three, { status: 402, body: { error: { code: 'no_credit', reason: 'NO_CREDIT', smpp_status: 'INSTRADA_RNOCREDIT' } } }, 'a 3-part message with 1 credit left')
  const list = await api.call('POST', '/v1/messages', { ...ok, to: ['393471234567', '393471234568'] })
  t.equal(list.status, 202)
  t.match(list.body.messages, [{ status: 'queued' }, { error: { code: 'no_credit' } }], 'the recipient past the credit is refused in its entry')

  const slow = await startApi(t, { demo: 'tps: 1' })
  const burst = await slow.call('POST', '/v1/messages', { ...ok, to: ['393471234567', '393471234568', '393471234569'] })
  t.equal(burst.status, 202)
  t.match(burst.body.messages.at(-1), { error: { code: 'throttled', reason: 'THROTTLED', smpp_status: 'ESME_RTHROTTLED' } }, 'over tps: 429 in the entry')
})
