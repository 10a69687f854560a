import t from 'tap'
import { fileURLToPath } from 'node:url'
import { ConfigNode } from '../../src/config/node.js'
import { ConfigError } from '../../src/errors.js'
import { loadSimulatorConfig, parseSimulatorConfig, STATS } from '../../src/sim/index.js'
import { hashPassword, connectAndBind } from '../../src/smpp/index.js'
import { startSim } from './helpers.js'

const parse = (yaml: string): ReturnType<typeof parseSimulatorConfig> => parseSimulatorConfig(ConfigNode.parse(yaml, 'sim.yaml'))

t.test('an empty file gives the zero-config carrier', async (t) => {
  const c = parse('{}')
  t.equal(c.carriers.length, 1)
  t.match(c.carriers[0], { name: 'sim', host: '127.0.0.1', port: 2776, idFormat: 'hex' })
  t.same(c.carriers[0].accounts.map((a) => [a.systemId, a.password]), [['sim', 'simpass']])
  t.equal(c.carriers[0].outcomes.share(0), 1, 'all DELIVRD')
  t.equal(c.control.port, null, 'no control endpoint unless asked')
})

t.test('errors name the file, the line and the key', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['carriers:\n  - name: a\n    outcome: {}\n', /sim\.yaml:3: carriers\[0\]\.outcome: unknown key/],
    ['carriers:\n  - name: a\n    outcomes: { DELIVERED: 1 }\n', /carriers\[0\]\.outcomes\.DELIVERED: unknown key/],
    ['carriers:\n  - name: a\n    outcomes: { DELIVRD: 0 }\n', /carriers\[0\]\.outcomes: at least one outcome/],
    ['carriers:\n  - name: a\n    receipts: { latency: { dist: normal, mean_ms: 5 } }\n', /receipts\.latency\.stddev_ms: is required/],
    ['carriers:\n  - name: a\n    receipts: { latency: { dist: gamma } }\n', /latency\.dist: must be one of fixed, uniform, normal, lognormal/],
    ['carriers:\n  - name: a\n    receipts: { latency: { dist: fixed, ms: 5, sigma: 1 } }\n', /latency\.sigma: unknown key/],
    ['carriers:\n  - name: a\n    receipts: { latency: -1 }\n', /receipts\.latency: must be at least 0/],
    ['carriers:\n  - name: a\n    submit: { reject_rate: 1.5 }\n', /submit\.reject_rate: must be at most 1/],
    ['carriers:\n  - name: a\n    accounts: [{ system_id: x, password: toolongpassword }]\n', /password: SMPP passwords are at most 8/],
    ['carriers:\n  - name: a\n    accounts: [{ system_id: x }]\n', /give exactly one of password or password_hash/],
    ['carriers:\n  - name: a\n    accounts: [{ system_id: x, password_hash: md5$abc }]\n', /password_hash: password hash must look like scrypt/],
    ['carriers:\n  - { name: a, port: 3000 }\n  - { name: a, port: 3001 }\n', /carriers\[1\]\.name: carrier name 'a' is used twice/],
    ['carriers:\n  - { name: a, port: 3000 }\n  - { name: b, port: 3000 }\n', /carriers\[1\]\.port: 127\.0\.0\.1:3000 is used by two carriers/],
    ['carriers:\n  - name: a\n    faults: { refuse_binds: { for_ms: 1000, every_ms: 500 } }\n', /every_ms: must be longer than for_ms/],
    ["carriers:\n  - name: a\n    overrides: [{ prefix: '39' }]\n", /an override needs stat, submit_status, no_response or latency/],
    ["carriers:\n  - name: a\n    overrides: [{ pattern: '(' }]\n", /pattern: not a valid regular expression/],
    ["carriers:\n  - name: a\n    hlr: { ranges: [{ prefix: '39', mcc: '222', mnc: '01', ported_rate: 0.1 }] }\n", /ported_to: is required when ported_rate is above 0/],
    ["carriers:\n  - name: a\n    handsets: { scheduled: [{ from: a, to: b, text: c, system_id: ghost }] }\n", /system_id: no account 'ghost'/],
    ['seed: -1\n', /seed: must be at least 0/]
  ]
  for (const [yaml, re] of cases) {
    t.throws(() => parse(yaml), re, re.source)
    try { parse(yaml) } catch (err) { t.ok(err instanceof ConfigError, 'a ConfigError') }
  }
})

t.test('every latency form parses', async (t) => {
  const c = parse(`carriers:
  - name: a
    receipts:
      latency: { dist: lognormal, median_ms: 800, sigma: 0.6, min_ms: 50, max_ms: 60000 }
      enroute_latency: 3
    faults:
      slow_response_latency: { dist: uniform, low_ms: 100, high_ms: 200 }
`)
  t.equal(c.carriers[0].latency.describe(), 'log-normal median 800 ms sigma 0.6')
  t.equal(c.carriers[0].enrouteLatency.describe(), 'fixed 3 ms')
  t.equal(c.carriers[0].slowResponse.describe(), 'uniform 100-200 ms')
})

t.test('the documented example file parses and uses every section', async (t) => {
  const file = fileURLToPath(new URL('../../config/sim.example.yaml', import.meta.url))
  const c = loadSimulatorConfig(file)
  t.ok(c.carriers.length >= 2)
  const stats = new Set(c.carriers.flatMap((p) => p.outcomes.entries.map((e) => STATS[e.stat])))
  t.ok(stats.size >= 6, 'the example shows most outcomes')
  t.ok(c.carriers.some((p) => p.refuseBinds !== null && p.tpsLimit > 0 && p.handsets.keywords.length > 0 && p.hlr.ranges.length > 0))
})

t.test('a scrypt password_hash account binds (the format of src/smpp/auth.ts)', async (t) => {
  const hash = await hashPassword('s3cret', { N: 1024, r: 8, p: 1 })
  const sim = await startSim(t, `carriers:\n  - name: h\n    port: 0\n    accounts:\n      - { system_id: hashed, password_hash: '${hash}' }\n`)
  const s = await connectAndBind({ port: sim.port(), systemId: 'hashed', password: 's3cret', enquireLinkIntervalMs: 0 })
  t.teardown(() => s.destroy('done'))
  t.equal(s.systemId, 'h')
  await t.rejects(connectAndBind({ port: sim.port(), systemId: 'hashed', password: 'nope' }), { name: 'BindError', status: 0x0e })
})
