import t from 'tap'
import { ConfigNode } from '../../src/config/node.js'
import { ConfigError } from '../../src/errors.js'
import { defaultRulesConfig, parseAccountRules, parseRulesConfig, RULES_ACCOUNT_KEYS } from '../../src/rules/index.js'

const EXAMPLE = `
rules:
  default_country: IT
  international_prefix: '00'
  transliterate: false
  unicode: true
  registered_sender_countries: [IT]
  nanp_countries: [US, CA]
  types:
    smart: { max_parts: 1, sender: Instrada }
    pro: { max_parts: 4 }
    reply: { max_parts: 1, sender: '393399900000' }
  countries:
    IT: { min_digits: 11, max_digits: 13, mobile_prefixes: ['3'], sender_max_digits: 12 }
    GB: { mobile_prefixes: ['7'], trunk_prefix: '0' }
    PT: { min_digits: 12, max_digits: 12, mobile_prefixes: ['9'] }
accounts:
  - id: acme
    password: secret
    sms_type: pro
    transliterate: true
    italian_vat: true
    senders:
      - { addr: ACME, kind: alpha, state: active }
      - { addr: '+39 320 1234567', kind: numeric, state: active, verified: true }
      - { addr: '14155550100', state: active, verified: true, brand: B123, campaign: C456, sms_enabled: true }
`

t.test('the documented example parses', async (t) => {
  const root = ConfigNode.parse(EXAMPLE, 'example.yaml')
  const rules = parseRulesConfig(root.child('rules'))
  t.equal(rules.types.pro.maxParts, 4)
  t.equal(rules.types.reply.sender, '393399900000')
  t.equal(rules.plan.defaultCountry.callingCode, '39')
  t.same(rules.plan.countries.get('PT')!.mobilePrefixes, ['9'])
  t.equal(rules.plan.countries.get('GB')!.minDigits, 12, 'built-in fields kept where not overridden')
  const acct = parseAccountRules(root.list('accounts')[0], rules)
  t.equal(acct.type, 'pro')
  t.equal(acct.transliterate, true)
  t.equal(acct.unicode, true, 'inherits the rules default')
  t.same(acct.senders!.map((s) => `${s.addr}/${s.kind}/${s.state}/${s.verified}/${s.smsEnabled}`),
    ['ACME/alpha/active/false/false', '393201234567/numeric/active/true/false', '14155550100/numeric/active/true/true'])
  t.ok(RULES_ACCOUNT_KEYS.includes('senders'))
  t.notOk(RULES_ACCOUNT_KEYS.includes('password'), 'other domains’ keys are left alone')
})

t.test('defaults without a rules section', async (t) => {
  const r = defaultRulesConfig()
  t.same([r.types.smart.maxParts, r.types.pro.maxParts, r.types.reply.maxParts], [1, 4, 1])
  t.equal(r.types.reply.sender, null)
  t.equal(r.transliterate, false, 'transliteration is off by default')
  t.same(r.registeredSenderCountries, ['IT'])
})

t.test('config errors name the key and line', async (t) => {
  const rows: Array<[string, RegExp]> = [
    ['typo_key: 1', /typo_key: unknown key/],
    ['default_country: XX', /default_country: unknown country 'XX'/],
    ['types: { pro: { max_parts: 0 } }', /types\.pro\.max_parts: must be at least 1/],
    ['types: { pro: { sender: X } }', /types\.pro\.sender: unknown key/],
    ['types: { smart: { sender: "My Shop" } }', /types\.smart\.sender: 'My Shop' is neither/],
    ['countries: { IT: { digits: 3 } }', /countries\.IT\.digits: unknown key/],
    ['countries: { ZZ: {} }', /unknown country 'ZZ'/]
  ]
  for (const [yaml, re] of rows) {
    t.throws(() => parseRulesConfig(ConfigNode.parse(yaml, 'r.yaml')), re, yaml)
  }
  let err: unknown = null
  try { parseRulesConfig(ConfigNode.parse('\n\ntypo: 1', 'r.yaml')) } catch (e) { err = e }
  t.ok(err instanceof ConfigError, 'a ConfigError')
  t.equal((err as ConfigError).line, 3, 'on the line of the key')
})

t.test('account errors', async (t) => {
  const rules = defaultRulesConfig()
  const rows: Array<[string, RegExp]> = [
    ['sms_type: bulk', /sms_type: must be one of smart, pro, reply/],
    ['senders: [{ addr: "My-Shop" }]', /alias 'My-Shop' must be 4–11/],
    ['senders: [{ addr: "ACME", state: approved }]', /state: must be one of pending, active, rejected, suspended/],
    ['senders: [{ addr: "12" }]', /'12' is not a valid international number/],
    ['senders: [{ addr: "ACME", sms_enabled: true }]', /only a number can be SMS-enabled/],
    ['senders: [{ addr: "14155550100", sms_enabled: true }, { addr: "14155550101", sms_enabled: true }]', /only one number may be SMS-enabled at a time/],
    ['senders: [{ addr: "ACME", colour: red }]', /colour: unknown key/]
  ]
  for (const [yaml, re] of rows) t.throws(() => parseAccountRules(ConfigNode.parse(yaml, 'a.yaml'), rules), re, yaml)
  t.doesNotThrow(() => parseAccountRules(ConfigNode.parse('id: x\nmax_binds: 3\nrate: 100', 'a.yaml'), rules), 'keys of other domains are not refused here')
})
