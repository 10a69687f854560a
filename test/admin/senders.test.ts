// Senders: an account registers an alias (pending until approved) and proves a number with a
// one-time code sent through the router itself, read here from the simulated carrier.

import t from 'tap'
import { DEMO_KEY, startAdmin } from './helpers.js'

t.test('register an alias → pending → approved → usable as from; reject and suspend', async (t) => {
  const s = await startAdmin(t)
  const reg = await s.call('POST', '/v1/senders', { sender: 'NewBrand' }, DEMO_KEY)
  t.match(reg, { status: 201, body: { sender: 'NewBrand', kind: 'alpha', state: 'pending', verified: false } })
  t.match(await s.call('POST', '/v1/senders', { sender: 'NewBrand' }, DEMO_KEY), { status: 409, body: { error: { field: 'sender', reason: 'SENDER_EXISTS' } } })
  t.match(await s.call('POST', '/v1/senders', { sender: 'Bad Name!' }, DEMO_KEY), { status: 400, body: { error: { field: 'sender', reason: 'INVALID_VALUE' } } })
  t.match(await s.call('POST', '/v1/senders', { name: 'x' }, DEMO_KEY), { status: 400, body: { error: { field: 'name', reason: 'UNKNOWN_FIELD' } } })
  const send = async (): Promise<{ status: number, body: any }> => await s.call('POST', '/v1/messages', { to: '393471234567', from: 'NewBrand', text: 'hello' }, DEMO_KEY)
  t.match(await send(), { status: 422, body: { error: { field: 'from', reason: 'SENDER_NOT_ACTIVE' } } })
  t.match(await s.call('POST', '/v1/admin/accounts/demo/senders/NewBrand/approve'), { status: 200, body: { state: 'active' } })
  t.equal((await send()).status, 202, 'an approved alias sends')
  t.match(await s.call('POST', '/v1/admin/accounts/demo/senders/NewBrand/suspend'), { status: 200, body: { state: 'suspended' } })
  t.equal((await send()).status, 422)
  t.match(await s.call('POST', '/v1/admin/accounts/demo/senders/NewBrand/reject'), { status: 200, body: { state: 'rejected' } })
  t.match(await s.call('POST', '/v1/admin/accounts/demo/senders/Nope/approve'), { status: 404, body: { error: { field: 'sender', reason: 'UNKNOWN_SENDER' } } })
  t.match(await s.call('POST', '/v1/admin/accounts/ghost/senders/NewBrand/approve'), { status: 404, body: { error: { field: 'id' } } })
  const list = await s.call('GET', '/v1/senders', undefined, DEMO_KEY)
  t.match(list.body.senders, [{ sender: 'Instrada' }, { sender: '393331234567', verified: true }, { sender: 'NewBrand', state: 'rejected' }])
})

t.test('verify a number with a code sent through the router; 5 wrong codes lock it', async (t) => {
  const s = await startAdmin(t)
  t.match(await s.call('POST', '/v1/senders', { sender: '+39 347 555 0001' }, DEMO_KEY), { status: 201, body: { sender: '393475550001', kind: 'numeric', verified: false } })
  t.match(await s.call('POST', '/v1/senders/NotThere/verify', undefined, DEMO_KEY), { status: 404, body: { error: { field: 'sender' } } })
  t.match(await s.call('POST', '/v1/senders/Instrada/verify', undefined, DEMO_KEY), { status: 400, body: { error: { field: 'sender', reason: 'NOT_A_NUMBER' } } })
  t.match(await s.call('POST', '/v1/senders/393475550001/verify/confirm', { code: '123456' }, DEMO_KEY), { status: 409, body: { error: { reason: 'NO_CODE' } } })
  const before = (await s.call('GET', '/v1/admin/accounts/demo')).body.credit.balance as number

  const sent = await s.call('POST', '/v1/senders/393475550001/verify', undefined, DEMO_KEY)
  t.match(sent, { status: 202, body: { sender: '393475550001', message_id: /^[0-9a-f]{16}$/ } })
  let texts: string[] = []
  for (let i = 0; i < 100 && texts.length === 0; i++) { texts = await s.received('393475550001'); if (texts.length === 0) await new Promise((resolve) => setTimeout(resolve, 50)) }
  t.equal(texts.length, 1, 'the carrier received the code')
  const code = /(\d{6})/.exec(texts[0])![1]
  t.match(await s.call('GET', `/v1/messages/${sent.body.message_id as string}`, undefined, DEMO_KEY), { status: 200 })
  const after = (await s.call('GET', '/v1/admin/accounts/demo')).body.credit.balance as number
  t.equal(before - after, 0.625, 'charged as an ordinary smart message')

  t.match(await s.call('POST', '/v1/senders/393475550001/verify/confirm', { code: 'abc' }, DEMO_KEY), { status: 400, body: { error: { field: 'code', reason: 'BAD_FORMAT' } } })
  const wrong = code === '000000' ? '000001' : '000000'
  t.match(await s.call('POST', '/v1/senders/393475550001/verify/confirm', { code: wrong }, DEMO_KEY), { status: 400, body: { error: { field: 'code', reason: 'WRONG_CODE' } } })
  t.match(await s.call('POST', '/v1/senders/+393475550001/verify/confirm', { code }, DEMO_KEY), { status: 200, body: { sender: '393475550001', verified: true, state: 'pending' } })
  t.match(await s.call('POST', '/v1/senders/393475550001/verify', undefined, DEMO_KEY), { status: 409, body: { error: { reason: 'ALREADY_VERIFIED' } } })
  t.match(await s.call('POST', '/v1/admin/accounts/demo/senders/393475550001/approve'), { status: 200, body: { state: 'active', verified: true } })
  t.equal((await s.call('POST', '/v1/messages', { to: '393471234567', from: '393475550001', text: 'from my number' }, DEMO_KEY)).status, 202, 'verified and approved number sends')

  // A second number: five wrong codes lock it, even the right code is then refused.
  t.equal((await s.call('POST', '/v1/senders', { sender: '393475550002' }, DEMO_KEY)).status, 201)
  t.equal((await s.call('POST', '/v1/senders/393475550002/verify', undefined, DEMO_KEY)).status, 202)
  let texts2: string[] = []
  for (let i = 0; i < 100 && texts2.length === 0; i++) { texts2 = await s.received('393475550002'); if (texts2.length === 0) await new Promise((resolve) => setTimeout(resolve, 50)) }
  const code2 = /(\d{6})/.exec(texts2[0])![1]
  const wrong2 = code2 === '000000' ? '000001' : '000000'
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) statuses.push((await s.call('POST', '/v1/senders/393475550002/verify/confirm', { code: wrong2 }, DEMO_KEY)).status)
  t.same(statuses, [400, 400, 400, 400, 429])
  t.match(await s.call('POST', '/v1/senders/393475550002/verify/confirm', { code: code2 }, DEMO_KEY), { status: 429, body: { error: { field: 'code', reason: 'TOO_MANY_ATTEMPTS' } } })
  t.match(await s.call('POST', '/v1/senders/393475550002/verify', undefined, DEMO_KEY), { status: 429, body: { error: { field: 'sender', reason: 'TOO_MANY_ATTEMPTS' } } })
  t.match((await s.call('GET', '/v1/senders', undefined, DEMO_KEY)).body.senders[3], { sender: '393475550002', verified: false })
})
