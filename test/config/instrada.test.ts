// The whole config file: the shipped default parses, and every key the router composes (top
// level, shared account keys, router, metrics) refuses bad input naming file, line and key.

import t from 'tap'
import { readFileSync } from 'node:fs'
import { loadConfig, parseConfigText } from '../../src/config/instrada.js'
import { ConfigError } from '../../src/errors.js'
import { DEMO_HASH } from '../router/helpers.js'

const root = new URL('../..', import.meta.url).pathname

t.test('config/default.yaml parses to the documented demo setup', async (t) => {
  const c = loadConfig(root + 'config/default.yaml')
  t.equal(c.smpp.port, 2775)
  const demo = c.accounts.find((a) => a.id === 'demo')
  t.ok(demo !== undefined, 'the demo account')
  t.equal(demo?.rules.type, 'pro')
  t.equal(demo?.ledger.initialCredit, 10_000_000 * 1000, '10,000,000 credits in milli-credits')
  t.equal(demo?.limits.tps, 0, 'no throughput limit')
  t.ok((demo?.limits.window ?? 0) >= 1000, 'window of at least 1,000')
  t.same(demo?.rules.senders?.map((s) => [s.addr, s.state]), [['Instrada', 'active'], ['393331234567', 'active']])
  t.same(c.carriers.map((x) => x.name), ['sim-it', 'sim-world'])
  t.same(c.simulator?.carriers.map((x) => x.name), ['sim-it', 'sim-world'], 'two in-process simulated carriers')
  t.same(c.metrics, { host: '127.0.0.1', port: 9464 })
  t.equal(c.router.engineYoungMb, 64, 'engine threads get a 64 MB young generation unless told otherwise')
  t.equal(readFileSync(root + 'config/default.yaml', 'utf8'), c.text, 'keeps the text for worker threads')
})

const base = (extra: string, account = ''): string => `
accounts:
  - system_id: demo
    password_hash: '${DEMO_HASH}'
${account}
carriers:
  - { name: c, port: 2776, system_id: x }
routes:
  - carrier: c
${extra}`

t.test('bad input names file, line and key', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['unknown top-level key', base('colour: blue'), /f\.yaml:10: colour: unknown key/],
    ['a key no domain owns, on an account', base('', '    colour: blue'), /f\.yaml:5: accounts\[0\]\.colour: unknown key/],
    ['account tps not a number', base('', '    tps: fast'), /accounts\[0\]\.tps: must be an integer/],
    ['router workers out of range', base('router: { workers: 99 }'), /router\.workers: must be at most 16/],
    ['receipt ack delay not a number', base('router: { receipt_ack_ms: soon }'), /router\.receipt_ack_ms: must be an integer/],
    ['reply window negative', base('router: { reply_window_s: -1 }'), /router\.reply_window_s: must be at least 0/],
    ['MO concatenation wait of zero', base('router: { mo_concat_wait_s: 0 }'), /router\.mo_concat_wait_s: must be at least 1/],
    ['memory queue of zero', base('router: { memory_queue: 0 }'), /router\.memory_queue: must be at least 1/],
    ['engine young generation out of range', base('router: { engine_young_mb: 4096 }'), /router\.engine_young_mb: must be at most 1024/],
    ['retry jitter out of range', base('router: { retry: { jitter: 2 } }'), /router\.retry\.jitter: must be at most 1/],
    ['retry cap below base', base('router: { retry: { base_delay_ms: 500, max_delay_ms: 100 } }'), /router\.retry\.max_delay_ms: must be at least base_delay_ms/],
    ['default validity over the maximum', base('router: { default_validity_s: 100, max_validity_s: 10 }'), /router\.default_validity_s: must not exceed max_validity_s/],
    ['metrics port', base('metrics: { port: 70000 }'), /metrics\.port: must be at most 65535/],
    ['log level', base('log: { level: loud }'), /log\.level: must be one of/],
    ['duplicate system_id', base('', `  - system_id: demo\n    password_hash: '${DEMO_HASH}'`), /accounts\[1\]\.system_id: duplicate system_id 'demo'/]
  ]
  for (const [name, text, want] of cases) {
    let caught: unknown = null
    try { parseConfigText(text, 'f.yaml') } catch (err) { caught = err }
    t.ok(caught instanceof ConfigError, `${name}: a ConfigError`)
    t.match((caught as Error | null)?.message, want, name)
  }
})

t.test('an unreadable file is a ConfigError naming it', async (t) => {
  t.throws(() => loadConfig('/nonexistent/instrada.yaml'), { code: 'INS_ERR_CONFIG', message: /\/nonexistent\/instrada\.yaml:0: \(file\): cannot read/ })
})
