// Jasmin compatibility over real HTTP: GET|POST /send with the account's SMPP credentials,
// through the same Intake and engines (the message reaches the simulated carrier and is
// delivered), Jasmin's answers and status codes for each refusal, and GET /balance.

import t from 'tap'
import { parseConfigText } from '../../src/config/instrada.js'
import { Router } from '../../src/router/router.js'
import { testConfig } from '../router/helpers.js'
import { startApi, waitFor, type Api } from './helpers.js'

const AUTH = 'username=demo&password=demopass'

async function form (api: Api, path: string, body: string): Promise<{ status: number, body: string }> {
  const res = await fetch(api.base + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
  return { status: res.status, body: await res.text() }
}

async function get (api: Api, path: string): Promise<{ status: number, body: string, type: string | null }> {
  const res = await fetch(api.base + path)
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') }
}

function idOf (body: string): string {
  const m = /^Success "([0-9a-f]{16})"$/.exec(body)
  if (m === null) throw new Error(`not a Jasmin success: ${body}`)
  return m[1]
}

t.test('/send: GET and form POST go through the router and are delivered', async (t) => {
  const api = await startApi(t)
  const viaGet = await get(api, `/send?${AUTH}&to=393471234567&from=Instrada&content=${encodeURIComponent('Hello via Jasmin GET')}`)
  t.equal(viaGet.status, 200)
  t.match(viaGet.type, /^text\/plain/)
  const id = idOf(viaGet.body)
  t.ok(await waitFor(async () => (await api.call('GET', `/v1/messages/${id}`)).body.status === 'delivered', 8000), 'delivered, seen through the JSON API')

  const viaPost = await form(api, '/send', `${AUTH}&to=%2B447700900123&from=Instrada&content=${encodeURIComponent('Привет & co')}&coding=8&priority=2&validity-period=90&dlr=yes&dlr-url=${encodeURIComponent('https://hooks.example.com/dlr')}&dlr-level=3&dlr-method=POST`)
  t.equal(viaPost.status, 200)
  const rec = await api.router.store.get('demo', idOf(viaPost.body))
  t.ok(rec !== null)
  t.match(rec, { destination: '447700900123', sender: 'Instrada', dataCoding: 8, priorityFlag: 2, registeredDelivery: 1, callbackUrl: 'https://hooks.example.com/dlr' }, 'the parameters reach the stored message')
  const validFor = (rec?.validUntil ?? 0) - (rec?.receivedAt ?? 0)
  t.ok(validFor > 89 * 60_000 && validFor <= 90 * 60_000 + 1000, 'validity-period in minutes')
  const view = (await api.call('GET', `/v1/messages/${idOf(viaPost.body)}`)).body
  t.match(view, { encoding: 'ucs2', to: '447700900123' })

  const hex = await get(api, `/send?${AUTH}&to=393471234567&from=Instrada&hex-content=${Buffer.from('hex text', 'latin1').toString('hex')}&coding=3`)
  t.equal(hex.status, 200, 'hex-content with a data_coding goes the SMPP way')
  const noDlrUrl = await get(api, `/send?${AUTH}&to=393471234567&from=Instrada&content=x&dlr=yes`)
  const noDlr = await api.router.store.get('demo', idOf(noDlrUrl.body))
  t.equal(noDlr?.registeredDelivery, 0, 'dlr=yes without dlr-url is dlr=no, as in Jasmin')
})

t.test('/send refusals in Jasmin\'s words and status codes', async (t) => {
  const api = await startApi(t, { demoCredit: 1 })
  const cases: Array<[string, number, string]> = [
    ['to=393471234567&content=x', 400, 'Error "Mandatory argument username is not found."'],
    ['username=demo&to=393471234567&content=x', 400, 'Error "Mandatory argument password is not found."'],
    [`${AUTH}&content=x`, 400, 'Error "Mandatory argument to is not found."'],
    [`${AUTH}&to=393471234567`, 400, 'Error "Mandatory argument content is not found."'],
    [`${AUTH}&to=393471234567&content=x&colour=red`, 400, 'Error "Argument colour is unknown."'],
    ['username=demo&password=wrong&to=393471234567&content=x', 403, 'Error "Authentication failure for username:demo"'],
    ['username=nobody&password=demopass&to=393471234567&content=x', 403, 'Error "Authentication failure for username:nobody"'],
    [`${AUTH}&to=393471234567&content=x&coding=11`, 400, 'Error "Argument coding has an invalid value: 11."'],
    [`${AUTH}&to=393471234567&content=x&priority=4`, 400, 'Error "Argument priority has an invalid value: 4."'],
    [`${AUTH}&to=393471234567&content=x&dlr=maybe`, 400, 'Error "Argument dlr has an invalid value: maybe."'],
    [`${AUTH}&to=393471234567&content=x&hex-content=00`, 400, 'Error "Argument hex-content has an invalid value: give content or hex-content, not both."'],
    [`${AUTH}&to=393471234567&hex-content=abc`, 400, 'Error "Argument hex-content has an invalid value: must be pairs of hex digits."'],
    [`${AUTH}&to=393471234567&content=x&validity-period=0`, 400, 'Error "Argument validity-period has an invalid value: 0 (minutes, 1 to 43200)."'],
    [`${AUTH}&to=393471234567&content=x&dlr=yes&dlr-url=ftp%3A%2F%2Fx`, 400, 'Error "Argument dlr-url has an invalid value: \'dlr-url\' must use http or https (got ftp:)."'],
    [`${AUTH}&to=39-abc&from=Instrada&content=x`, 400, 'Error "Argument to has an invalid value: DEST_INVALID_CHARS'],
    [`${AUTH}&to=393471234567&from=Nobody&content=x`, 400, 'Error "Argument from has an invalid value: SENDER_NOT_REGISTERED'],
    [`${AUTH}&to=393471234567&from=Instrada&content=x&sdt=tomorrow`, 400, 'Error "Argument sdt has an invalid value: SCHEDULE_INVALID'],
    [`${AUTH}&to=393471234567&from=Instrada&content=${'w'.repeat(400)}`, 403, 'Error "Cannot charge submit_sm: not enough credit"']
  ]
  for (const [query, status, answer] of cases) {
    const r = await get(api, `/send?${query}`)
    t.equal(r.status, status, query.slice(0, 60))
    t.ok(r.body.startsWith(answer), `${r.body.slice(0, 100)}`)
  }
  t.match(await form(api, '/send', 'username=demo'), { status: 400, body: 'Error "Mandatory argument password is not found."' }, 'the form body is read')
  const json = await fetch(api.base + '/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(json.status, 415, 'POST /send takes a form, not JSON')
  t.match(await json.json(), { error: { field: 'Content-Type', reason: 'NOT_FORM' } })
  const jsonOnly = await api.call('POST', '/v1/messages', undefined, { raw: 'to=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(jsonOnly.status, 415, 'JSON routes still refuse forms')
})

t.test('/send: no route is 412', async (t) => {
  // The test config sends everything else to sim-world; without that catch-all, 44… has no route.
  const setup = await testConfig({ extra: 'http: { port: 0 }' })
  t.teardown(setup.cleanup)
  const text = setup.text.replace('  - { name: world, carrier: sim-world }\n', '')
  t.not(text, setup.text, 'the catch-all route was removed')
  const router = new Router(parseConfigText(text, 'test.yaml'))
  t.teardown(() => router.close())
  await router.start()
  const r = await fetch(`http://127.0.0.1:${router.http!.port}/send?${AUTH}&to=447700900123&from=Instrada&content=x`)
  t.equal(r.status, 412)
  t.equal(await r.text(), 'Error "No route found"')
})

t.test('/balance answers as Jasmin does', async (t) => {
  const api = await startApi(t, { demoCredit: 25 })
  const ok = await get(api, `/balance?${AUTH}`)
  t.equal(ok.status, 200)
  t.match(ok.type, /application\/json/)
  t.same(JSON.parse(ok.body), { balance: 25, sms_count: 'ND' })
  await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'spend one' })
  t.same(JSON.parse((await get(api, `/balance?${AUTH}`)).body).balance, 24, 'what a new message may use')
  const wrong = await get(api, '/balance?username=demo&password=nope')
  t.equal(wrong.status, 403)
  t.equal(JSON.parse(wrong.body), 'Authentication failure for username:demo')
  const missing = await get(api, '/balance?username=demo')
  t.equal(missing.status, 400)
  t.equal(JSON.parse(missing.body), 'Mandatory argument password is not found.')
  const unknown = await get(api, `/balance?${AUTH}&x=1`)
  t.equal(JSON.parse(unknown.body), 'Argument x is unknown.')
})
