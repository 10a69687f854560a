// The "done when" for webhooks, as a user does it: `instrada webhook-receiver` listening,
// one POST /v1/messages with a callback_url, and the signed receipt arrives (after one refused
// attempt, retried) with its signature checked by the receiver.

import t from 'tap'
import { startWebhookReceiver } from '../../src/commands/webhook-receiver.js'
import { startApi, waitFor } from '../http/helpers.js'

interface Line { verified: boolean, answered: number, event_id: string | null, event: { id: string, type: string, data: { id: string, status: string } } }

t.test('a message with callback_url: the receiver prints the signed status event, after a 503 it asked for', async (t) => {
  const lines: Line[] = []
  const rx = await startWebhookReceiver({ port: 0, host: '127.0.0.1', secret: 'demo-webhook-secret', fail: 1 }, (l) => lines.push(JSON.parse(l) as Line))
  t.teardown(rx.close)
  const api = await startApi(t, { extra: 'webhooks: { backoff: { base_ms: 100 }, poll_ms: 20 }' })
  const r = await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'Hello', callback_url: `http://127.0.0.1:${rx.port}/hooks` })
  t.equal(r.status, 202)
  const id = (r.body as { messages: Array<{ id: string }> }).messages[0].id
  t.ok(await waitFor(async () => lines.some((l) => l.answered === 204), 20_000), 'delivered')
  t.equal(lines[0].answered, 503, 'the first attempt was refused by the receiver')
  const ok = lines.find((l) => l.answered === 204)!
  t.equal(ok.verified, true, 'the signature verifies with the demo secret')
  t.match(ok.event, { type: 'message.status', data: { id, status: 'delivered' } })
  t.equal(ok.event_id, lines[0].event_id, 'the retry carries the same event id')

  const strict = await startWebhookReceiver({ port: 0, host: '127.0.0.1', secret: 'not-the-secret', fail: 0 }, (l) => lines.push(JSON.parse(l) as Line))
  t.teardown(strict.close)
  const before = lines.length
  await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'Hello', callback_url: `http://127.0.0.1:${strict.port}/` })
  t.ok(await waitFor(async () => lines.length > before, 20_000))
  t.match(lines[before], { verified: false, answered: 401 }, 'a wrong secret is reported and refused')
})
