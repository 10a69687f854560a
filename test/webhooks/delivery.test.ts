import t from 'tap'
import { verifyWebhookSignature } from '../../src/webhooks/index.js'
import { waitFor } from '../http/helpers.js'
import { Customer } from '../router/customer.js'
import { metric, receiver, SECRET, startWebhookApi } from './helpers.js'

t.test('status webhook: a 500, then a hang past the timeout, then 2xx: delivered once, same event id, signed', async (t) => {
  const rx = await receiver(t, (n) => n === 1 ? 500 : n === 2 ? 'hang' : 200)
  const api = await startWebhookApi(t, `{ url: '${rx.url}', secret: '${SECRET}', events: [message.status] }`)
  const sent = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'hook me', reference: 'order-7' })
  t.equal(sent.status, 202)
  const id = sent.body.messages[0].id as string

  t.ok(await waitFor(async () => rx.requests.some((r) => r.answered === 200), 10_000), 'delivered in the end')
  await new Promise((resolve) => setTimeout(resolve, 300))
  const reqs = rx.requests
  t.equal(reqs.length, 3, 'three attempts: 500, hang, 200 — and nothing after the 2xx')
  t.same(reqs.map((r) => r.answered), [500, 'hang', 200])
  t.equal(reqs.filter((r) => r.answered === 200).length, 1, 'exactly one 2xx delivery')
  const eventIds = new Set(reqs.map((r) => r.headers['instrada-event-id']))
  t.equal(eventIds.size, 1, 'the same event id on every attempt')
  t.ok(reqs[1].at - reqs[0].at >= 20, 'the retry waited for its backoff')
  t.ok(reqs[2].at - reqs[1].at >= 300, 'the hung attempt was given up only after the timeout')

  const last = reqs[2]
  t.equal(last.headers['content-type'], 'application/json')
  t.equal(last.json.id, [...eventIds][0], 'the body id is the event id')
  t.match(last.json, {
    type: 'message.status',
    account: 'demo',
    data: { id, to: '393471234567', from: 'Instrada', status: 'delivered', error: null, reference: 'order-7', parts: 1 }
  })
  t.match(last.json.created_at, /^\d{4}-\d\d-\d\dT/)
  t.match(last.json.data.done_at, /^\d{4}-\d\d-\d\dT/)
  const got = await api.call('GET', `/v1/messages/${id}`)
  t.equal(last.json.data.status, got.body.status, 'the same status word as GET /v1/messages/{id}')

  const sig = last.headers['instrada-signature'] as string
  t.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/)
  t.ok(verifyWebhookSignature(last.body, sig, SECRET, 300), 'the signature verifies with the account secret')
  t.notOk(verifyWebhookSignature(last.body, sig, 'wrong-secret-123', 300), 'a wrong secret fails')
  t.notOk(verifyWebhookSignature(last.body.replace('delivered', 'failed'), sig, SECRET, 300), 'a changed body fails')
  t.notOk(verifyWebhookSignature(last.body, sig, SECRET, 300, Date.now() + 3_600_000), 'an old signature fails the tolerance (replay)')

  t.ok(await waitFor(async () => (await api.router.store.eventCounts()).pending === 0, 2000), 'the delivered event is gone from the store')
  t.equal(await metric(api, 'instrada_webhook_attempts_total', { result: 'http_error' }), 1)
  t.equal(await metric(api, 'instrada_webhook_attempts_total', { result: 'timeout' }), 1)
  t.equal(await metric(api, 'instrada_webhook_attempts_total', { result: 'ok' }), 1)
  t.equal(await metric(api, 'instrada_webhook_delivered_total'), 1)
  const text = await (await fetch(`${api.base}/metrics`)).text()
  t.match(text, /instrada_webhook_queue_depth 0/, 'queue depth exposed')
})

t.test('no webhook without a url: messages of an account without one, and SMPP-style flags, cost nothing', async (t) => {
  const rx = await receiver(t)
  // The account has a secret but no url: only per-message callback urls would get webhooks.
  const api = await startWebhookApi(t, `{ secret: '${SECRET}' }`)
  const sent = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'no hook' })
  t.equal(sent.status, 202)
  const id = sent.body.messages[0].id as string
  t.ok(await waitFor(async () => (await api.call('GET', `/v1/messages/${id}`)).body.status === 'delivered', 5000))
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(await api.router.store.eventCounts(), { pending: 0, expired: 0 }, 'no event stored')
  t.equal(rx.requests.length, 0)
})

t.test('callback_url on POST /v1/messages: that message\'s webhook goes there, signed with the account secret', async (t) => {
  const rx = await receiver(t)
  const api = await startWebhookApi(t, `{ secret: '${SECRET}' }`)
  const sent = await api.call('POST', '/v1/messages', { to: '447700900123', from: 'Instrada', text: 'per message', callback_url: `${rx.url}?m=1` })
  t.equal(sent.status, 202, JSON.stringify(sent.body))
  const id = sent.body.messages[0].id as string
  t.ok(await waitFor(async () => rx.requests.length > 0, 5000), 'the webhook arrived')
  const r = rx.requests[0]
  t.equal(r.path, '/hooks?m=1', 'at the message\'s own url')
  t.match(r.json, { type: 'message.status', data: { id, status: 'delivered' } })
  t.ok(verifyWebhookSignature(r.body, r.headers['instrada-signature'] as string, SECRET))
})

t.test('SMPP submits of an account with a webhook url still get deliver_sm receipts, and no status webhook', async (t) => {
  const rx = await receiver(t)
  const api = await startWebhookApi(t, `{ url: '${rx.url}', secret: '${SECRET}' }`)
  const c = await Customer.bind(api.router.port)
  t.teardown(() => c.close())
  const sent = await c.submit({ short_message: 'over smpp', registered_delivery: 1 })
  t.equal(sent.status, 0)
  t.ok(await c.waitFor(() => c.receiptsFor(sent.id).length > 0), 'the receipt came over SMPP')
  const http = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'over http' })
  t.ok(await waitFor(async () => rx.requests.length > 0, 5000))
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(rx.requests.map((r) => r.json.data.id), [http.body.messages[0].id], 'only the HTTP message has a webhook')
})

t.test('bulk members: each recipient gets its own signed status webhook, at the callback_url or the account url', async (t) => {
  const rx = await receiver(t)
  const api = await startWebhookApi(t, `{ url: '${rx.url}?account=1', secret: '${SECRET}' }`, { router: 'memory_queue: 5' })
  const to = Array.from({ length: 40 }, (_, i) => `39347200${String(1000 + i)}`)
  const own = await api.call('POST', '/v1/messages', { to, from: 'Instrada', text: 'bulk with callback', callback_url: `${rx.url}?bulk=1` })
  const plain = await api.call('POST', '/v1/messages', { to: to.slice(0, 10), from: 'Instrada', text: 'bulk without' })
  t.equal(own.status, 202)
  t.equal(plain.status, 202)
  const ownIds = own.body.messages.map((m: { id: string }) => m.id).sort()
  const plainIds = plain.body.messages.map((m: { id: string }) => m.id).sort()
  t.ok(await waitFor(async () => rx.of('message.status').length >= 50, 15_000), 'a webhook per recipient')
  await new Promise((resolve) => setTimeout(resolve, 200))
  const at = (q: string): string[] => rx.of('message.status').filter((r) => r.path === `/hooks?${q}`).map((r) => r.json.data.id).sort()
  t.same(at('bulk=1'), ownIds, "the request's callback_url: each of its 40 members once")
  t.same(at('account=1'), plainIds, "the account's url for the other request's 10")
  t.ok(rx.of('message.status').every((r) => r.json.data.status === 'delivered' && verifyWebhookSignature(r.body, r.headers['instrada-signature'] as string, SECRET)), 'all delivered, all signed')
})
