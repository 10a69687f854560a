// POST /v1/messages/preview: the rules' preview over HTTP; nothing is stored or sent.

import t from 'tap'
import { startApi } from './helpers.js'

t.test('preview: encoding, parts as the phone counts them, cost, warnings; nothing sent', async (t) => {
  const api = await startApi(t)
  const gsm = await api.call('POST', '/v1/messages/preview', { to: '393471234567', from: 'Instrada', text: 'Price: 5€ {ok}' })
  t.equal(gsm.status, 200)
  t.match(gsm.body, { ok: true, type: 'pro', encoding: 'gsm7', data_coding: 0, characters: 14, units: 17, from: 'Instrada', to: '393471234567', country: 'IT', violations: [] })
  t.match(gsm.body.parts, [{ text: 'Price: 5€ {ok}', characters: 14, units: 17, capacity: 160 }], 'the extension characters count twice in units, once as characters')
  t.same(gsm.body.cost, { type: 'pro', parts: 1, country: 'IT', credits: 1 })
  t.same(gsm.body.warnings.map((w: { code: string }) => w.code), ['DOUBLE_COUNTED'])

  const long = await api.call('POST', '/v1/messages/preview', { to: '393471234567', from: 'Instrada', text: 'Привет '.repeat(20) })
  t.match(long.body, { ok: true, encoding: 'ucs2', characters: 140, parts: [{ capacity: 67 }, {}, {}] })
  t.equal(long.body.cost.credits, 3)
  t.same(long.body.warnings.map((w: { code: string }) => w.code).sort(), ['LONG_MESSAGE', 'UCS2_FORCED'])

  const forced = await api.call('POST', '/v1/messages/preview', { to: '393471234567', from: 'Instrada', text: 'plain', encoding: 'ucs2' })
  t.equal(forced.body.encoding, 'ucs2')

  const bad = await api.call('POST', '/v1/messages/preview', { to: '12', from: 'Nobody', text: '' })
  t.equal(bad.status, 200, 'violations are listed, not refused')
  t.equal(bad.body.ok, false)
  t.same(bad.body.violations.map((v: { field: string, reason: string }) => `${v.field}:${v.reason}`).sort(), ['from:SENDER_NOT_REGISTERED', 'text:EMPTY_TEXT', 'to:DEST_BAD_LENGTH'])
  t.match(bad.body.violations.find((v: { field: string }) => v.field === 'text'), { http_status: 400, smpp_status: 1 })
  t.equal(bad.body.cost.credits, null)

  const sim = api.router.simulator!
  t.equal(sim.carrier('sim-it').recent.view().length + sim.carrier('sim-world').recent.view().length, 0, 'nothing reached a carrier')

  t.match(await api.call('POST', '/v1/messages/preview', { text: 'x', scheduled_at: 'now' }), { status: 400, body: { error: { field: 'scheduled_at', reason: 'UNKNOWN_FIELD' } } })
  t.match(await api.call('POST', '/v1/messages/preview', { to: '393471234567' }), { status: 400, body: { error: { field: 'text', reason: 'REQUIRED' } } })
  t.match(await api.call('POST', '/v1/messages/preview', { text: 'x' }, { key: null }), { status: 401 })
})
