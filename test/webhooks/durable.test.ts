import t from 'tap'
import { hashApiKey } from '../../src/http/index.js'
import { Router } from '../../src/router/router.js'
import { DEMO_KEY, waitFor } from '../http/helpers.js'
import { freePort, testConfig } from '../router/helpers.js'
import { metric, Receiver, receiver, SECRET, startWebhookApi, webhooksSection } from './helpers.js'
import { customerMo } from '../../src/router/mo.js'
import { CommandId, type DeliverSm } from '../../src/smpp/pdu/types.js'

t.test('restart with webhooks pending: receiver down, router closed, a new router on the same store delivers', async (t) => {
  const port = await freePort() // nobody listens here yet: connections are refused
  const setup = await testConfig({
    workers: 1, // the sender runs on the main thread's own store handle, the message finishes in the worker
    extra: `http: { port: 0 }\n${webhooksSection()}`,
    demo: `api_keys: ['${hashApiKey(DEMO_KEY)}']\nwebhook: { url: 'http://127.0.0.1:${port}/hooks', secret: '${SECRET}' }`
  })
  t.teardown(setup.cleanup)
  const first = new Router(setup.config)
  t.teardown(() => first.close())
  await first.start()
  const res = await fetch(`http://127.0.0.1:${first.http!.port}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: '393471234567', from: 'Instrada', text: 'survive me' })
  })
  t.equal(res.status, 202)
  const id = ((await res.json()) as { messages: Array<{ id: string }> }).messages[0].id
  t.ok(await waitFor(async () => {
    const due = await first.store.dueEvents(Date.now() + 60_000, 10)
    return due.length === 1 && due[0].attempts >= 2
  }, 10_000), 'the event is stored and failing (connection refused)')
  const before = (await first.store.dueEvents(Date.now() + 60_000, 10))[0]
  t.match(before, { type: 'message.status', messageId: id })
  t.match(before.lastError, /ECONNREFUSED/)
  await first.close()

  const rx = new Receiver()
  t.teardown(() => rx.close())
  await rx.start(port)
  const second = new Router(setup.config)
  t.teardown(() => second.close())
  await second.start()
  t.ok(await waitFor(async () => rx.requests.length > 0, 10_000), 'delivered after the restart')
  t.equal(rx.requests[0].headers['instrada-event-id'], before.id, 'the same event, same id')
  t.match(rx.requests[0].json, { type: 'message.status', data: { id, status: 'delivered' } })
  t.ok(await waitFor(async () => (await second.store.eventCounts()).pending === 0, 2000), 'and removed from the store')
})

t.test('expiry: a receiver that always fails gets attempts until expire_after_s, then none; the event is kept and counted', async (t) => {
  const rx = await receiver(t, () => 503)
  const api = await startWebhookApi(t, `{ url: '${rx.url}', secret: '${SECRET}' }`, { webhooks: 'expire_after_s: 0.6' })
  const sent = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'never acked' })
  t.equal(sent.status, 202)
  t.ok(await waitFor(async () => (await api.router.store.eventCounts()).expired === 1, 5000), 'expired')
  const n = rx.requests.length
  t.ok(n >= 3, `retried before expiring (${n} attempts)`)
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(rx.requests.length, n, 'not retried after expiry')
  t.same(await api.router.store.eventCounts(), { pending: 0, expired: 1 })
  const [ev] = await api.router.store.expiredEvents()
  const last = rx.requests[n - 1].at - ev.createdAt
  t.ok(last >= 400 && last <= 1500, `the last attempt came around the expiry time (${last} ms after the event)`)
  t.match(ev, { type: 'message.status', account: 'demo', attempts: n, lastError: 'HTTP 503' })
  t.equal(await metric(api, 'instrada_webhook_expired_total'), 1, 'counted')
  t.equal(await metric(api, 'instrada_webhook_attempts_total', { result: 'http_error' }), n)
})

t.test('credit.low: a real send that crosses a threshold posts one alert', async (t) => {
  const rx = await receiver(t)
  const api = await startWebhookApi(t, `{ url: '${rx.url}', secret: '${SECRET}', events: [credit.low] }`, { demo: 'low_credit_alerts: [999.5, 10]' })
  const sent = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'one credit' })
  t.equal(sent.status, 202)
  t.ok(await waitFor(async () => rx.of('credit.low').length > 0, 5000), 'the alert arrived')
  const r = rx.of('credit.low')[0]
  t.match(r.json, { type: 'credit.low', account: 'demo', data: { threshold: 999.5, available: 999 } })
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(rx.requests.length, 1, 'one alert, and no status webhook (the account asked for credit.low only)')
})

t.test('message.inbound: MO to the account\'s dedicated number becomes a webhook instead of an SMPP deliver_sm', async (t) => {
  const rx = await receiver(t)
  const api = await startWebhookApi(t, `{ url: '${rx.url}', secret: '${SECRET}', events: [message.inbound] }`)
  api.router.simulator!.injectMo('sim-it', { systemId: null, from: '393471112222', to: '393331234567', text: 'STOP please', longMo: 'udh8' })
  t.ok(await waitFor(async () => rx.of('message.inbound').length > 0, 5000), 'the MO arrived as a webhook')
  const r = rx.of('message.inbound')[0]
  t.match(r.json, { type: 'message.inbound', account: 'demo', data: { from: '393471112222', to: '393331234567', text: 'STOP please', parts: 1, total: 1, complete: true } })
  t.match(r.json.data.received_at, /^\d{4}-/)
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(await api.router.store.peekReceipts('demo', 10), [], 'nothing waits in the SMPP outbox')
  t.equal(await metric(api, 'instrada_carrier_mo_total', { result: 'webhook' }), 1)
})

t.test('message.inbound: a long MO is one webhook with the whole text, whatever order its parts came in', async (t) => {
  const rx = await receiver(t)
  const api = await startWebhookApi(t, `{ url: '${rx.url}', secret: '${SECRET}', events: [message.inbound] }`)
  // UCS-2 in 16-bit-reference parts, last part first: the text is joined before it is decoded.
  const text = 'Buongiorno, vorrei disdire 🙂 il servizio. '.repeat(4)
  api.router.simulator!.injectMo('sim-it', { systemId: null, from: '393471113333', to: '393331234567', text, longMo: 'udh16', reverse: true })
  t.ok(await waitFor(async () => rx.of('message.inbound').length > 0, 5000), 'the MO arrived as a webhook')
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(rx.of('message.inbound').length, 1, 'one webhook for the whole message')
  t.match(rx.of('message.inbound')[0].json, { type: 'message.inbound', account: 'demo', data: { from: '393471113333', to: '393331234567', text, parts: 3, total: 3, complete: true } })
  t.equal(await metric(api, 'instrada_carrier_mo_total', { result: 'webhook' }), 1, 'counted once')
  t.equal(await metric(api, 'instrada_carrier_mo_total', { result: 'part_waiting' }), 2, 'the two parts before the last waited')
})

t.test('message.inbound: parts that never come are given up on after mo_concat_wait_s; what came is sent, marked incomplete', async (t) => {
  const rx = await receiver(t)
  const api = await startWebhookApi(t, `{ url: '${rx.url}', secret: '${SECRET}', events: [message.inbound] }`, { router: 'mo_concat_wait_s: 1' })
  // Part 1 of 2 as the carrier sent it (8-bit reference 7); part 2 is lost in the network.
  const udh = Buffer.from([5, 0, 3, 7, 2, 1])
  const part1 = customerMo({
    commandId: CommandId.DeliverSm, serviceType: '', sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '393471114444', destAddrTon: 1, destAddrNpi: 1,
    destinationAddr: '393331234567', esmClass: 0x40, protocolId: 0, dataCoding: 0, shortMessage: Buffer.concat([udh, Buffer.from('first half ', 'latin1')]), tlvs: null
  } as unknown as DeliverSm)
  const sent = Date.now()
  t.equal(await api.router.store.addMoPart({ handset: '393471114444', to: '393331234567', ref: 7, total: 2 }, { seq: 1, at: sent, pdu: part1 as unknown as Record<string, unknown> }), null, 'stored, waiting for part 2')
  t.ok(await waitFor(async () => rx.of('message.inbound').length > 0, 5000), 'handed on without it')
  const waited = Date.now() - sent
  t.ok(waited >= 900, `after the wait (${waited} ms)`)
  t.match(rx.of('message.inbound')[0].json, { data: { from: '393471114444', text: 'first half ', parts: 1, total: 2, complete: false } })
  t.equal(await metric(api, 'instrada_carrier_mo_total', { result: 'incomplete' }), 1)
  t.same(await api.router.store.claimStaleMoSets(Date.now() + 60_000, Date.now() + 60_000, Date.now(), 10), [], 'and removed from the store')
})
