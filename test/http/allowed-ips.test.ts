// An account's allowed_ips over HTTP, as on its SMPP binds: Bearer-key routes answer 403
// IP_NOT_ALLOWED and Jasmin's /send and /balance 403 "Authorization failed" to an address outside
// them; an account whose ranges include the caller is served. Tests only have 127.0.0.1, so the
// refused account allows 10.0.0.0/8 and the served one 127.0.0.0/8. Admin changes apply at once.

import t from 'tap'
import { hashApiKey } from '../../src/http/index.js'
import { OTHER_KEY, startApi, type Api } from './helpers.js'

const ADMIN_KEY = 'allowed-ips-admin-key'
const MESSAGE = { to: '393471234567', from: 'Instrada', text: 'from where?' }

async function get (api: Api, path: string): Promise<{ status: number, body: string }> {
  const res = await fetch(api.base + path)
  return { status: res.status, body: await res.text() }
}

async function form (api: Api, path: string, body: string): Promise<{ status: number, body: string }> {
  const res = await fetch(api.base + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
  return { status: res.status, body: await res.text() }
}

t.test('outside allowed_ips: refused on Bearer routes, /send and /balance; inside: served', async (t) => {
  const api = await startApi(t, {
    demo: "allowed_ips: ['10.0.0.0/8']",
    other: "allowed_ips: ['192.0.2.0/24', '127.0.0.0/8']",
    http: `admin_key_hash: '${hashApiKey(ADMIN_KEY)}'`
  })

  // demo: its key and password are good, the address is not.
  for (const [method, path, body] of [['POST', '/v1/messages', MESSAGE], ['POST', '/v1/messages/preview', MESSAGE], ['GET', '/v1/messages', undefined], ['GET', '/v1/stats', undefined]] as const) {
    const r = await api.call(method, path, body)
    t.equal(r.status, 403, `${method} ${path}`)
    t.same(r.body, { error: { code: 'forbidden', field: null, reason: 'IP_NOT_ALLOWED', message: "account 'demo' may not be used from 127.0.0.1 (allowed_ips)" } })
  }
  const send = await get(api, '/send?username=demo&password=demopass&to=393471234567&from=Instrada&content=x')
  t.same(send, { status: 403, body: 'Error "Authorization failed for username:demo"' }, 'GET /send: Jasmin\'s authorization failure')
  t.same(await form(api, '/send', 'username=demo&password=demopass&to=393471234567&from=Instrada&content=x'),
    { status: 403, body: 'Error "Authorization failed for username:demo"' }, 'POST /send alike')
  t.same(await get(api, '/balance?username=demo&password=demopass'), { status: 403, body: '"Authorization failed for username:demo"' }, '/balance alike')
  t.same(await get(api, '/send?username=demo&password=wrong&to=393471234567&content=x'),
    { status: 403, body: 'Error "Authentication failure for username:demo"' }, 'a wrong password is still an authentication failure: the address is checked only for the account\'s owner')
  t.equal((await api.router.store.ledger.balance('demo'))?.available, 1000 * 1000, 'nothing was charged')

  // other: 127.0.0.0/8 is one of its ranges (and, with no Italian VAT, it sends its alias to the UK).
  const fromOther = { to: '447700900123', from: 'OtherCo', text: 'from here' }
  t.equal((await api.call('POST', '/v1/messages/preview', fromOther, { key: OTHER_KEY })).status, 200, 'Bearer key inside the ranges')
  t.equal((await api.call('POST', '/v1/messages', fromOther, { key: OTHER_KEY })).status, 202)
  const ok = await get(api, '/send?username=other&password=demopass&to=447700900123&from=OtherCo&content=x')
  t.equal(ok.status, 200, ok.body)
  t.match(ok.body, /^Success "[0-9a-f]{16}"$/)
  t.equal((await get(api, '/balance?username=other&password=demopass')).status, 200)

  // The admin key belongs to no account: no ranges apply to it.
  t.equal((await api.call('GET', '/v1/admin/accounts/demo', undefined, { key: ADMIN_KEY })).status, 200, 'the admin key is not bound by an account\'s ranges')

  // A change of allowed_ips applies to the next request, as it does to the next bind.
  const patched = await api.call('PATCH', '/v1/admin/accounts/demo', { allowed_ips: ['127.0.0.1/32'] }, { key: ADMIN_KEY })
  t.equal(patched.status, 200, JSON.stringify(patched.body))
  t.equal((await api.call('POST', '/v1/messages/preview', MESSAGE)).status, 200, 'demo served once 127.0.0.1 is allowed')
  t.match(await get(api, '/send?username=demo&password=demopass&to=393471234567&from=Instrada&content=x'), { status: 200, body: /^Success "/ })
  t.equal((await api.call('PATCH', '/v1/admin/accounts/other', { allowed_ips: ['10.0.0.0/8'] }, { key: ADMIN_KEY })).status, 200)
  t.match(await api.call('GET', '/v1/stats', undefined, { key: OTHER_KEY }), { status: 403, body: { error: { reason: 'IP_NOT_ALLOWED' } } }, 'other refused once its ranges exclude 127.0.0.1')
})
