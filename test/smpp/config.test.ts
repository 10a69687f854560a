import t from 'tap'
import { ConfigError } from '../../src/errors.js'
import { ConfigNode } from '../../src/config/node.js'
import { parseSmppAccounts, parseSmppConfig, SMPP_ACCOUNT_KEYS, SMPP_DEFAULTS } from '../../src/smpp/config.js'

const HASH = 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g='

t.test('smpp section: defaults and values', async (t) => {
  t.same(parseSmppConfig(ConfigNode.empty().child('smpp')), SMPP_DEFAULTS)
  const root = ConfigNode.parse(`
smpp:
  host: 0.0.0.0
  port: 2776
  window: 500
  request_timeout_ms: 5000
  enquire_link_interval_ms: 0
  tls: { port: 3551, cert: /etc/c.pem, key: /etc/k.pem }
`, 'x.yaml')
  const c = parseSmppConfig(root.child('smpp'))
  t.equal(c.host, '0.0.0.0')
  t.equal(c.port, 2776)
  t.equal(c.window, 500)
  t.equal(c.requestTimeoutMs, 5000)
  t.equal(c.enquireLinkIntervalMs, 0)
  t.same(c.tls, { host: '0.0.0.0', port: 3551, cert: '/etc/c.pem', key: '/etc/k.pem' })
})

t.test('smpp section errors name file, line and key', async (t) => {
  const bad = (yaml: string, key: string, line: number): void => {
    const e = (() => { try { parseSmppConfig(ConfigNode.parse(yaml, 'bad.yaml').child('smpp')) } catch (err) { return err } })()
    t.ok(e instanceof ConfigError, yaml)
    t.equal((e as ConfigError).key, key)
    t.equal((e as ConfigError).line, line)
  }
  bad('smpp:\n  port: 70000\n', 'smpp.port', 2)
  bad('smpp:\n  windw: 10\n', 'smpp.windw', 2)
  bad('smpp:\n  window: 0\n', 'smpp.window', 2)
  bad('smpp:\n  tls:\n    port: 1\n', 'smpp.tls.cert', 3)
})

t.test('accounts: only SMPP keys are read, other domains\' keys are left alone', async (t) => {
  const root = ConfigNode.parse(`
accounts:
  - system_id: demo
    password_hash: "${HASH}"
    type: pro
    credit: 1000
  - system_id: carrier1
    password_hash: "${HASH}"
    bind_types: [transmitter]
    max_binds: 2
    allowed_ips: [10.0.0.0/8, "::1"]
`, 'a.yaml')
  const accounts = parseSmppAccounts(root.list('accounts'))
  t.equal(accounts.length, 2)
  t.same(accounts[0].bindTypes, ['transmitter', 'receiver', 'transceiver'])
  t.equal(accounts[0].maxBinds, 10)
  t.same(accounts[0].allowedIps, [])
  t.same(accounts[1].bindTypes, ['transmitter'])
  t.equal(accounts[1].maxBinds, 2)
  t.same(accounts[1].allowedIps, ['10.0.0.0/8', '::1'])
  t.same([...SMPP_ACCOUNT_KEYS], ['system_id', 'password_hash', 'bind_types', 'max_binds', 'allowed_ips'])
})

t.test('account errors', async (t) => {
  const bad = (body: string, key: string): void => {
    const root = ConfigNode.parse(`accounts:\n  - system_id: demo\n${body}`, 'a.yaml')
    const e = (() => { try { parseSmppAccounts(root.list('accounts')) } catch (err) { return err } })()
    t.ok(e instanceof ConfigError, body)
    t.equal((e as ConfigError).key, key)
  }
  bad(`    password_hash: "${HASH}"\n    bind_types: [sender]\n`, 'accounts[0].bind_types')
  bad('    password_hash: demopass\n', 'accounts[0].password_hash')
  bad('\n', 'accounts[0].password_hash')
  bad(`    password_hash: "${HASH}"\n    allowed_ips: [10.0.0.0/40]\n`, 'accounts[0].allowed_ips')
  bad(`    password_hash: "${HASH}"\n  - system_id: demo\n    password_hash: "${HASH}"\n`, 'accounts[1].system_id')
  bad(`    password_hash: "${HASH}"\n    max_binds: 0\n`, 'accounts[0].max_binds')
})
