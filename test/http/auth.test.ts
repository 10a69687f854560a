// API keys: several per account, sha256 or scrypt hashes, the admin key, revocation by reload,
// and the `http:` config section's checks.

import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseConfigText } from '../../src/config/instrada.js'
import { ApiKeyAuth, hashApiKey } from '../../src/http/index.js'
import { Router } from '../../src/router/router.js'
import { hashPassword } from '../../src/smpp/auth.js'
import { testConfig } from '../router/helpers.js'

const SECOND = 'second-key-for-demo'
const ADMIN = 'the-admin-key'

t.test('several keys per account, scrypt keys, the admin key, revocation on reload', async (t) => {
  const scrypted = await hashPassword('scrypt-key', { N: 1024, r: 8, p: 1 })
  const setup = await testConfig({
    extra: `http: { port: 0, auth_failure_delay_ms: 0, admin_key_hash: '${hashApiKey(ADMIN)}' }`,
    demo: `api_keys: ['${hashApiKey('demo-api-key')}', '${hashApiKey(SECOND)}', '${scrypted}']`
  })
  t.teardown(setup.cleanup)
  const file = join(setup.dir, 'instrada.yaml')
  writeFileSync(file, setup.text)
  const router = Router.fromFile(file)
  t.teardown(() => router.close())
  await router.start()
  const base = `http://127.0.0.1:${router.http!.port}`
  const send = async (key: string): Promise<number> => (await fetch(`${base}/v1/messages/preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: '393471234567', from: 'Instrada', text: 'hi' })
  })).status
  t.equal(await send('demo-api-key'), 200)
  t.equal(await send(SECOND), 200, 'a second key of the same account')
  t.equal(await send('scrypt-key'), 200, 'a scrypt-hashed key')
  t.equal(await send('scrypt-key'), 200, 'again (cached verification)')
  t.equal(await send('scrypt-kex'), 401, 'a near miss')
  const admin = await fetch(`${base}/v1/messages/preview`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{"text":"x"}' })
  t.equal(admin.status, 403, 'the admin key is not an account key')
  t.match(await admin.json(), { error: { code: 'forbidden', reason: 'ACCOUNT_KEY_REQUIRED' } })

  writeFileSync(file, setup.text.replace(`, '${hashApiKey(SECOND)}'`, ''))
  await router.reload()
  t.equal(await send(SECOND), 401, 'a key removed from the config stops working on reload')
  t.equal(await send('demo-api-key'), 200, 'the others keep working')
})

t.test('the http section and api_keys are checked at load', async (t) => {
  const setup = await testConfig({ extra: 'http: { port: 0 }' })
  t.teardown(setup.cleanup)
  t.match(setup.config.http, { host: '127.0.0.1', port: 0, bodyLimitBytes: 1_048_576, adminKeyHash: null })
  const none = await testConfig()
  t.teardown(none.cleanup)
  t.equal(none.config.http, null, 'no http: section, no listener')
  const router = new Router(none.config)
  t.teardown(() => router.close())
  t.equal(router.http, null)

  const bad: Array<[string, RegExp]> = [
    [setup.text.replace('http: { port: 0 }', 'http: { port: 0, colour: red }'), /http\.colour: unknown key/],
    [setup.text.replace('http: { port: 0 }', 'http: { port: 70000 }'), /http\.port: must be at most 65535/],
    [setup.text.replace('http: { port: 0 }', "http: { admin_key_hash: 'plain' }"), /http\.admin_key_hash: must be 'sha256\$/],
    [setup.text.replace('initial_credit: 1000\n    italian_vat', "initial_credit: 1000\n    api_keys: ['demo-api-key']\n    italian_vat"), /api_keys: item 0: must be 'sha256\$/]
  ]
  for (const [text, re] of bad) t.throws(() => parseConfigText(text, 'test.yaml'), { message: re })
  t.match(parseConfigText(setup.text.replace('italian_vat', `api_keys: ['${hashApiKey('k')}']\n    italian_vat`), 'x.yaml').accounts[0].apiKeys, [hashApiKey('k')])
})

t.test('ApiKeyAuth alone: header forms', async (t) => {
  const cfg = await testConfig({ demo: `api_keys: ['${hashApiKey('k1')}']` })
  t.teardown(cfg.cleanup)
  const auth = new ApiKeyAuth(cfg.config.accounts, null)
  t.same(await auth.identify('Bearer k1'), { kind: 'account', account: 'demo' })
  t.same(await auth.identify('bearer   k1 '), { kind: 'account', account: 'demo' }, 'scheme case and spaces')
  t.match(await auth.identify(undefined), { status: 401, reason: 'MISSING_KEY' })
  t.match(await auth.identify('Bearer'), { status: 401, reason: 'MALFORMED_AUTHORIZATION' })
  t.match(await auth.identify('Bearer k2'), { status: 401, reason: 'WRONG_KEY' })
})
