import t from 'tap'
import { ConfigNode } from '../../src/config/node.js'
import { ConfigError } from '../../src/errors.js'
import { LEDGER_ACCOUNT_KEYS, parseAccountSetup, parsePricing } from '../../src/ledger/config.js'
import { DEFAULT_PRICING, Pricing } from '../../src/ledger/pricing.js'

t.test('default prices per part: smart 625, pro 1000, reply 1000, hlr 500', async (t) => {
  const p = new Pricing()
  t.equal(p.partPrice('smart', null), 625)
  t.equal(p.partPrice('pro', 'IT'), 1000)
  t.equal(p.partPrice('reply', 'FR'), 1000)
  t.equal(p.hlr, 500)
  t.equal(p.messagePrice('pro', 'IT', 4), 4000)
  t.equal(p.partPrice('premium', 'IT'), -1, 'an unknown type has no price')
  t.equal(p.messagePrice('premium', 'IT', 2), -1)
})

t.test('country multiplier, absolute per-country price and default multiplier', async (t) => {
  const p = new Pricing({
    ...DEFAULT_PRICING,
    countries: { US: { multiplier: 8, prices: { pro: 9500 } }, FR: { multiplier: 1.5, prices: {} } },
    defaultMultiplier: 2
  })
  t.equal(p.partPrice('smart', 'FR'), 938, '625 × 1.5 = 937.5 rounds to 938')
  t.equal(p.partPrice('pro', 'US'), 9500, 'absolute price wins over the multiplier')
  t.equal(p.partPrice('smart', 'US'), 5000, 'other types use the multiplier')
  t.equal(p.partPrice('pro', 'us'), 9500, 'country codes are case-insensitive')
  t.equal(p.partPrice('pro', 'DE'), 2000, 'countries not in the table use the default multiplier')
  t.equal(p.partPrice('pro', null), 2000)
})

t.test('pricing config: credits with up to three decimals, tables, unknown keys refused', async (t) => {
  const cfg = parsePricing(ConfigNode.parse(`
smart: 0.7
pro: 1.25
hlr: 0.4
default_multiplier: 1
countries:
  IT: 1
  US: { multiplier: 8, pro: 9.5 }
`, 'p.yaml'))
  t.same(cfg.types, { smart: 700, pro: 1250, reply: 1000 })
  t.equal(cfg.hlr, 400)
  t.same(cfg.countries.US, { multiplier: 8, prices: { pro: 9500 } })
  t.same(cfg.countries.IT, { multiplier: 1, prices: {} })
  t.same(parsePricing(ConfigNode.empty()), DEFAULT_PRICING)
  t.throws(() => parsePricing(ConfigNode.parse('smart: 0.6255\n', 'p.yaml')), ConfigError, 'sub-milli prices are refused')
  t.throws(() => parsePricing(ConfigNode.parse('premium: 2\n', 'p.yaml')), { message: /p\.yaml:1: premium: unknown key/ })
  t.throws(() => parsePricing(ConfigNode.parse('countries:\n  Italy: 2\n', 'p.yaml')), { message: /ISO 3166/ })
  t.throws(() => parsePricing(ConfigNode.parse('countries:\n  US: { multiplier: 2, gold: 1 }\n', 'p.yaml')), { message: /gold: unknown key/ })
  t.throws(() => parsePricing(ConfigNode.parse('pro: -1\n', 'p.yaml')), { message: /at least 0/ })
})

t.test('account keys: initial credit and alert thresholds, other domains\' keys left alone', async (t) => {
  t.same([...LEDGER_ACCOUNT_KEYS], ['initial_credit', 'low_credit_alerts'])
  const node = ConfigNode.parse('system_id: acme\npassword_hash: x\ninitial_credit: 12.5\nlow_credit_alerts: [100, 500, 100]\n', 'a.yaml')
  t.same(parseAccountSetup(node), { initialCredit: 12500, alerts: [500000, 100000] }, 'milli-credits, highest first, deduplicated')
  t.same(parseAccountSetup(ConfigNode.parse('system_id: x\n', 'a.yaml')), { initialCredit: 0, alerts: [] })
  t.throws(() => parseAccountSetup(ConfigNode.parse('low_credit_alerts: [abc]\n', 'a.yaml')), ConfigError)
  t.throws(() => parseAccountSetup(ConfigNode.parse('initial_credit: -3\n', 'a.yaml')), ConfigError)
})
