import t from 'tap'
import { parseConfigText } from '../../src/config/instrada.js'
import { ConfigError } from '../../src/errors.js'
import { signWebhook, verifyWebhookSignature } from '../../src/webhooks/index.js'

const base = (webhook: string, top = ''): string => `
log: { level: silent }
${top}
accounts:
  - system_id: acme
    password_hash: 'scrypt$16384$8$1$QkOGPBRr88/6UneZppbbyg==$23M61r34l53eLw1aPpU319/DvMDmLEyUTHfD12wjXLc='
    webhook: ${webhook}
store: { path: /tmp/unused }
carriers: [{ name: c1, host: 127.0.0.1, port: 2776, system_id: x, password: y }]
routes: [{ name: all, carrier: c1 }]
`

t.test('account webhook: defaults, secret_env, events', async (t) => {
  const c = parseConfigText(base("{ url: 'https://hooks.example.com/x', secret: 's3cret-value' }"), 'w.yaml')
  t.same(c.accounts[0].webhook, { url: 'https://hooks.example.com/x', secret: 's3cret-value', events: ['message.status', 'message.inbound', 'credit.low'] })
  t.same(c.webhooks, { timeoutMs: 10_000, maxInFlight: 64, backoffBaseMs: 1000, backoffMaxMs: 600_000, expireAfterMs: 86_400_000, pollMs: 200 })
  process.env.INSTRADA_TEST_WEBHOOK_SECRET = 'from-the-environment'
  t.teardown(() => { delete process.env.INSTRADA_TEST_WEBHOOK_SECRET })
  const e = parseConfigText(base('{ secret_env: INSTRADA_TEST_WEBHOOK_SECRET, events: [credit.low] }'), 'w.yaml')
  t.same(e.accounts[0].webhook, { url: null, secret: 'from-the-environment', events: ['credit.low'] })
  const s = parseConfigText(base("{ secret: 'abcdefgh' }", 'webhooks: { timeout_ms: 500, backoff: { base_ms: 10, max_ms: 20 }, expire_after_s: 1.5 }'), 'w.yaml')
  t.match(s.webhooks, { timeoutMs: 500, backoffBaseMs: 10, backoffMaxMs: 20, expireAfterMs: 1500 })
})

t.test('bad webhook config names the file, line and key, and never echoes the secret', async (t) => {
  const cases: Array<[string, RegExp, string?]> = [
    ["{ url: 'ftp://x.example/y', secret: 'abcdefgh' }", /w\.yaml:7: accounts\[0\]\.webhook\.url: must be an absolute http/],
    ["{ url: 'https://u:p@x.example/', secret: 'abcdefgh' }", /webhook\.url: must not carry credentials/],
    ["{ url: 'https://x.example/' }", /webhook\.secret: is required/],
    ["{ secret: 'short' }", /webhook\.secret: must be at least 8 characters/],
    ["{ secret: 'abcdefgh', secret_env: X }", /webhook\.secret_env: give secret or secret_env/],
    ['{ secret_env: INSTRADA_TEST_NOT_SET_ANYWHERE }', /webhook\.secret_env: environment variable INSTRADA_TEST_NOT_SET_ANYWHERE is not set/],
    ["{ secret: 'abcdefgh', events: [message.sent] }", /webhook\.events: item 0: must be one of message\.status, message\.inbound, credit\.low/],
    ["{ secret: 'abcdefgh', retries: 3 }", /webhook\.retries: unknown key/],
    ["{ secret: 'abcdefgh' }", /webhooks\.backoff\.max_ms: must be at least backoff\.base_ms/, 'webhooks: { backoff: { base_ms: 500, max_ms: 100 } }'],
    ["{ secret: 'abcdefgh' }", /webhooks\.timeout: unknown key/, 'webhooks: { timeout: 5 }']
  ]
  for (const [webhook, want, top] of cases) {
    try {
      parseConfigText(base(webhook, top), 'w.yaml')
      t.fail(`accepted: ${webhook}`)
    } catch (err) {
      t.type(err, ConfigError)
      t.match((err as Error).message, want)
      t.notMatch((err as Error).message, /abcdefgh/, 'the secret is not in the message')
    }
  }
})

t.test('signature: verifies, and fails for another secret, body, old timestamp or garbage', async (t) => {
  const now = 1_800_000_000_000
  const body = '{"id":"evt_1","type":"credit.low"}'
  const header = signWebhook(body, 'k-0123456789', now)
  t.match(header, /^t=1800000000,v1=[0-9a-f]{64}$/)
  t.ok(verifyWebhookSignature(body, header, 'k-0123456789', 300, now + 299_000))
  t.notOk(verifyWebhookSignature(body, header, 'k-0123456789', 300, now + 301_000), 'outside the tolerance')
  t.notOk(verifyWebhookSignature(body, header, 'k-other-secret', 300, now))
  t.notOk(verifyWebhookSignature(body + ' ', header, 'k-0123456789', 300, now))
  t.ok(verifyWebhookSignature(body, `${header},v1=${'0'.repeat(64)}`, 'k-0123456789', 300, now), 'one matching v1 among several is enough')
  for (const bad of ['', 't=abc,v1=00', 'v1=' + 'a'.repeat(64), `t=1800000000,v1=${'g'.repeat(64)}`]) {
    t.notOk(verifyWebhookSignature(body, bad, 'k-0123456789', 300, now), `garbage: ${bad}`)
  }
  t.notOk(verifyWebhookSignature(body, undefined, 'k-0123456789'))
})
