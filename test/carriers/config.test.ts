import t from 'tap'
import { ConfigNode } from '../../src/config/node.js'
import { ConfigError } from '../../src/errors.js'
import { parseCarriers } from '../../src/carriers/index.js'

const GOOD = `
carriers:
  - name: it-mobile
    host: 10.0.0.5
    port: 2775
    system_id: instrada
    password: secret
    system_type: RTR
    bind_mode: transmitter+receiver
    binds: 3
    window: 50
    tps: 120
    request_timeout_ms: 15000
    enquire_link_interval_ms: 20000
    reconnect:
      initial_delay_ms: 500
      max_delay_ms: 30000
    submit:
      concat: udh16
      data_coding: gsm7-as-0
      alpha_ton: 5
      alpha_npi: 0
      numeric_ton: 1
      numeric_npi: 1
      registered_delivery: 1
      service_type: CMT
      priority_flag: 1
  - name: world
    port: 2776
    system_id: sim
`

t.test('a full carrier and a minimal one', async (t) => {
  const [a, b] = parseCarriers(ConfigNode.parse(GOOD, 'router.yaml'))
  t.match(a, {
    name: 'it-mobile', host: '10.0.0.5', port: 2775, systemId: 'instrada', password: 'secret', systemType: 'RTR',
    bindMode: 'transmitter+receiver', binds: 3, window: 50, tps: 120, requestTimeoutMs: 15000, enquireLinkIntervalMs: 20000,
    reconnect: { initialDelayMs: 500, maxDelayMs: 30000 },
    submit: { concat: 'udh16', dataCoding: 'gsm7-as-0', alphaTon: 5, alphaNpi: 0, numericTon: 1, numericNpi: 1, registeredDelivery: 1, serviceType: 'CMT', priorityFlag: 1 }
  })
  t.match(b, {
    name: 'world', host: '127.0.0.1', password: '', bindMode: 'transceiver', binds: 1, window: 100, tps: 0, tls: false,
    reconnect: { initialDelayMs: 1000, maxDelayMs: 60000 },
    submit: { concat: 'udh8', dataCoding: 'as-is', alphaTon: 5, alphaNpi: 0, numericTon: 1, numericNpi: 1, registeredDelivery: 1, serviceType: '', priorityFlag: -1 }
  })
  t.same(parseCarriers(ConfigNode.parse('other: 1\n', 'x.yaml')), [], 'no carriers section: none')
})

const bad: Array<[string, string, RegExp]> = [
  ['unknown key', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n    windw: 5\n', /^bad\.yaml:5: carriers\[0\]\.windw: unknown key/],
  ['duplicate name', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n  - name: a\n    port: 2\n    system_id: s\n', /^bad\.yaml:5: carriers\[1\]\.name: carrier name 'a' is used twice/],
  ['bad concat', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n    submit:\n      concat: udh7\n', /^bad\.yaml:6: carriers\[0\]\.submit\.concat: must be one of udh8, udh16, sar/],
  ['bad data coding policy', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n    submit:\n      data_coding: latin9\n', /carriers\[0\]\.submit\.data_coding: must be one of as-is, gsm7-as-0, plain/],
  ['unknown submit key', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n    submit:\n      ton: 1\n', /^bad\.yaml:6: carriers\[0\]\.submit\.ton: unknown key/],
  ['missing port', 'carriers:\n  - name: a\n    system_id: s\n', /carriers\[0\]\.port: is required/],
  ['long password', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n    password: ninechars\n', /^bad\.yaml:5: carriers\[0\]\.password: SMPP passwords are at most 8/],
  ['bind mode', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n    bind_mode: receiver\n', /carriers\[0\]\.bind_mode: must be one of transceiver, transmitter\+receiver/],
  ['max below initial', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n    reconnect:\n      initial_delay_ms: 5000\n      max_delay_ms: 100\n', /^bad\.yaml:7: carriers\[0\]\.reconnect\.max_delay_ms: must be at least 5000/],
  ['priority flag', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n    submit:\n      priority_flag: 7\n', /carriers\[0\]\.submit\.priority_flag: must be at most 3/],
  ['negative tps', 'carriers:\n  - name: a\n    port: 1\n    system_id: s\n    tps: -1\n', /^bad\.yaml:5: carriers\[0\]\.tps: must be at least 0/],
  ['not a list', 'carriers:\n  a: 1\n', /carriers: must be a list/]
]

for (const [what, yaml, re] of bad) {
  t.test(`refused: ${what}`, async (t) => {
    let err: unknown = null
    try { parseCarriers(ConfigNode.parse(yaml, 'bad.yaml')) } catch (e) { err = e }
    t.type(err, ConfigError)
    t.match((err as Error).message, re)
  })
}

t.test('priority_flag: as-is keeps the part\'s', async (t) => {
  const [c] = parseCarriers(ConfigNode.parse('carriers:\n  - name: a\n    port: 1\n    system_id: s\n    submit:\n      priority_flag: as-is\n', 'p.yaml'))
  t.equal(c.submit.priorityFlag, -1)
})
