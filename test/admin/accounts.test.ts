// Accounts over the admin API, end to end: create → bind over SMPP and send with a new key,
// limits, suspend/resume, keys, errors naming the field, and the overlay surviving a restart.

import t from 'tap'
import { Customer } from '../router/customer.js'
import { ADMIN_KEY, DEMO_KEY, startAdmin, until } from './helpers.js'

t.test('create an account, bind it, send with its new key; the overlay survives a restart', async (t) => {
  const s = await startAdmin(t)
  const created = await s.call('POST', '/v1/admin/accounts', {
    system_id: 'acme', password: 'acmepw', initial_credit: 50, tps: 100, italian_vat: true,
    senders: [{ addr: 'AcmeCo', state: 'active' }]
  })
  t.equal(created.status, 201)
  t.match(created.body, { system_id: 'acme', source: 'admin', suspended: false, tps: 100, credit: { balance: 50 } })
  t.notOk(JSON.stringify(created.body).includes('acmepw'), 'the password is never echoed')
  t.match(await s.call('POST', '/v1/admin/accounts', { system_id: 'acme', password: 'x' }), { status: 409, body: { error: { field: 'system_id', reason: 'ACCOUNT_EXISTS' } } })
  t.match(await s.call('POST', '/v1/admin/accounts', { system_id: 'demo', password: 'x' }), { status: 409 })

  const customer = await Customer.bind(s.router.port, { systemId: 'acme', password: 'acmepw' })
  const sub = await customer.submit({ source_addr: 'AcmeCo', short_message: 'hi' })
  t.equal(sub.status, 0, 'submit over SMPP accepted')
  t.ok(await customer.waitFor(() => customer.receiptsFor(sub.id).length > 0), 'receipt came back')
  await customer.close()

  const key = await s.call('POST', '/v1/admin/accounts/acme/keys')
  t.equal(key.status, 201)
  t.ok(key.body.key.length >= 43, 'at least 32 random bytes, base64url')
  t.match(key.body.id, /^[0-9a-f]{12}$/)
  const sent = await s.call('POST', '/v1/messages', { to: '393471234567', from: 'AcmeCo', text: 'hello' }, key.body.key)
  t.equal(sent.status, 202)
  t.match((await s.call('GET', '/v1/admin/accounts/acme')).body.api_keys, [{ id: key.body.id }])

  await s.router.close()
  await s.restart()
  t.match(await s.call('GET', '/v1/admin/accounts/acme'), { status: 200, body: { source: 'admin', tps: 100 } })
  t.equal((await s.call('POST', '/v1/messages', { to: '393471234567', from: 'AcmeCo', text: 'again' }, key.body.key)).status, 202, 'key works after restart')
  const again = await Customer.bind(s.router.port, { systemId: 'acme', password: 'acmepw' })
  t.equal((await again.submit({ source_addr: 'AcmeCo', short_message: 'hi' })).status, 0, 'bind works after restart')
  await again.close()

  const revoked = await s.call('DELETE', `/v1/admin/accounts/acme/keys/${key.body.id as string}`)
  t.match(revoked, { status: 200, body: { revoked: key.body.id } })
  t.match(await s.call('POST', '/v1/messages', { to: '393471234567', from: 'AcmeCo', text: 'x' }, key.body.key), { status: 401 })
  t.match(await s.call('DELETE', `/v1/admin/accounts/acme/keys/${key.body.id as string}`), { status: 404, body: { error: { field: 'keyId' } } })
})

t.test('update limits; refusals name the field; account keys get 403', async (t) => {
  const s = await startAdmin(t)
  const r = await s.call('PATCH', '/v1/admin/accounts/demo', { tps: 1, max_binds: 3 })
  t.match(r, { status: 200, body: { source: 'file+admin', tps: 1, max_binds: 3 } })
  // the limit is in force at once: 1 part/s, the second message in the same second is throttled
  const statuses: number[] = []
  for (let i = 0; i < 2; i++) statuses.push((await s.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: `n${i}` }, DEMO_KEY)).status)
  t.same(statuses, [202, 429])
  t.match(await s.call('PATCH', '/v1/admin/accounts/demo', { tps: 'fast' }), { status: 400, body: { error: { field: 'tps', reason: 'INVALID_VALUE' } } })
  t.match(await s.call('PATCH', '/v1/admin/accounts/demo', { bogus: 1 }), { status: 400, body: { error: { field: 'bogus', reason: 'UNKNOWN_FIELD' } } })
  t.match(await s.call('PATCH', '/v1/admin/accounts/demo', { api_keys: [] }), { status: 400, body: { error: { field: 'api_keys', reason: 'NOT_ALLOWED' } } })
  t.match(await s.call('PATCH', '/v1/admin/accounts/demo', { password: '123456789' }), { status: 400, body: { error: { field: 'password' } } })
  t.match(await s.call('POST', '/v1/admin/accounts', { system_id: 'nopw' }), { status: 400, body: { error: { field: 'password', reason: 'REQUIRED' } } })
  t.match(await s.call('POST', '/v1/admin/accounts', { system_id: 'b', password: 'pw', bind_types: ['sideways'] }), { status: 400, body: { error: { field: 'bind_types' } } })
  t.match(await s.call('PATCH', '/v1/admin/accounts/nobody', { tps: 1 }), { status: 404, body: { error: { field: 'id', reason: 'UNKNOWN_ACCOUNT' } } })
  t.match(await s.call('GET', '/v1/admin/accounts', undefined, DEMO_KEY), { status: 403, body: { error: { reason: 'ADMIN_KEY_REQUIRED' } } })
  t.match(await s.call('GET', '/v1/admin/accounts', undefined, null), { status: 401 })
  t.match(await s.call('GET', '/v1/senders', undefined, ADMIN_KEY), { status: 403, body: { error: { reason: 'ACCOUNT_KEY_REQUIRED' } } })
  // null returns a key to the file's value
  t.match(await s.call('PATCH', '/v1/admin/accounts/demo', { tps: null, max_binds: null }), { status: 200, body: { tps: 0, max_binds: 10 } })
  const list = await s.call('GET', '/v1/admin/accounts')
  t.same(list.body.accounts.map((a: { system_id: string }) => a.system_id), ['demo', 'other'])
})

t.test('suspend: binds refused, live binds dropped, HTTP 403; resume', async (t) => {
  const s = await startAdmin(t)
  const live = await Customer.bind(s.router.port)
  let closed = false
  live.session.on('close', () => { closed = true })
  t.match(await s.call('POST', '/v1/admin/accounts/demo/suspend'), { status: 200, body: { suspended: true } })
  t.ok(await until(() => closed), 'the live bind was unbound')
  await t.rejects(Customer.bind(s.router.port), /bind refused: 0xd/, 'new binds get ESME_RBINDFAIL')
  t.match(await s.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'x' }, DEMO_KEY),
    { status: 403, body: { error: { reason: 'ACCOUNT_SUSPENDED', smpp_status: 'INSTRADA_RACCTSUSPENDED' } } })
  t.match(await s.call('POST', '/v1/messages', { to: ['393471234567', '393471234568'], from: 'Instrada', text: 'x' }, DEMO_KEY),
    { status: 403, body: { error: { reason: 'ACCOUNT_SUSPENDED' } } }, 'a bulk request too')
  t.match(await s.call('POST', '/v1/admin/accounts/demo/resume'), { status: 200, body: { suspended: false } })
  const back = await Customer.bind(s.router.port)
  t.equal((await back.submit({ short_message: 'hi' })).status, 0)
  await back.close()
  t.equal((await s.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'x' }, DEMO_KEY)).status, 202)
})
