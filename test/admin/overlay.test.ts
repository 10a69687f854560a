// The overlay merge and exact credit amounts, without a router.

import t from 'tap'
import { parseConfigText } from '../../src/config/instrada.js'
import { ConfigError } from '../../src/errors.js'
import { milliCredits } from '../../src/admin/index.js'
import { DEMO_HASH } from '../router/helpers.js'

const TEXT = `
accounts:
  - system_id: demo
    password_hash: '${DEMO_HASH}'
    tps: 10
    max_binds: 2
carriers:
  - { name: c, port: 2776, system_id: x }
routes:
  - carrier: c
`

t.test('file accounts overridden key by key; API accounts appended; stale overrides ignored', async (t) => {
  const c = parseConfigText(TEXT, 'f.yaml', {
    accounts: {
      demo: { tps: 3, max_binds: null },
      acme: { system_id: 'acme', password_hash: DEMO_HASH, suspended: true },
      gone: { tps: 1 }
    }
  })
  t.same(c.accounts.map((a) => a.id), ['demo', 'acme'])
  t.equal(c.accounts[0].limits.tps, 3)
  t.equal(c.accounts[0].smpp.maxBinds, 10, 'null removes the key: the default applies')
  t.equal(c.accounts[1].limits.suspended, true)
  t.same(c.overlay?.accounts.demo, { tps: 3, max_binds: null })
})

t.test('overlay errors name the admin document and the key', async (t) => {
  const err = t.throws(() => parseConfigText(TEXT, 'f.yaml', { accounts: { acme: { system_id: 'acme', password_hash: DEMO_HASH, window: 0 } } })) as ConfigError
  t.ok(err instanceof ConfigError)
  t.equal(err.key, 'window')
  t.match(err.message, /^admin:accounts\/acme:1: window: must be at least 1/)
})

t.test('credits to milli-credits, exactly', async (t) => {
  t.equal(milliCredits(12.625), 12625)
  t.equal(milliCredits('0.001'), 1)
  t.equal(milliCredits(0.1), 100)
  t.equal(milliCredits('-0.625', { negative: true }), -625)
  t.match(milliCredits('-1'), /positive/)
  t.match(milliCredits(1.2345), /three decimals/)
  t.match(milliCredits(1e21), /three decimals/)
  t.match(milliCredits(0), /zero/)
  t.match(milliCredits(true), /number of credits/)
})
