import t from 'tap'
import { defaultRulesConfig, normaliseNumber, Msisdn, NumberError, parseRulesConfig } from '../../src/rules/index.js'
import { isMobile } from '../../src/rules/numbers.js'
import { ConfigNode } from '../../src/config/node.js'

const plan = defaultRulesConfig().plan // default country IT
const gbPlan = parseRulesConfig(ConfigNode.parse('default_country: GB', 't.yaml')).plan

function norm (raw: string, ton: number, p = plan): string {
  const r = normaliseNumber(raw, ton, p)
  return r instanceof Msisdn ? `${r.digits} ${r.country}` : `error ${Object.entries(NumberError).find(([, v]) => v === r)![0]}`
}

t.test('normalisation to international digits', async (t) => {
  const rows: Array<[string, number, string, string?, string?]> = [
    ['+393201234567', 0, '393201234567 IT'],
    ['+39 320 123 4567', 0, '393201234567 IT'],
    ['0039 320-123-4567', 0, '393201234567 IT'],
    ['393201234567', 1, '393201234567 IT'],
    ['3201234567', 2, '393201234567 IT'],
    ['3201234567', 0, '393201234567 IT', 'national format with the default country'],
    ['3921234567', 0, '393921234567 IT', 'an Italian mobile starting 39 in national format'],
    ['393921234567', 0, '393921234567 IT', 'the same in international format'],
    ['3351234567', 0, '393351234567 IT', 'seed import example: 33… is also France, but 10 digits is an Italian national number'],
    ['393351234567', 0, '393351234567 IT', 'seed import example, already international'],
    ['33612345678', 0, '33612345678 FR', 'a French number in international format, TON unknown'],
    ['0612345678', 0, '390612345678 IT', 'Italian landline keeps its 0 (no trunk prefix in IT)'],
    ['447911123456', 0, '447911123456 GB', 'another country, TON unknown'],
    ['+1 (416) 555-1234', 0, '14165551234 CA'],
    ['07911123456', 0, '447911123456 GB', 'GB national: trunk 0 dropped', 'gb'],
    ['07911123456', 2, '447911123456 GB', '', 'gb'],
    ['', 0, 'error EMPTY'],
    ['+', 0, 'error EMPTY'],
    ['39320abc', 0, 'error INVALID_CHARS'],
    ['+39 320 1234567890', 0, 'error TOO_LONG'],
    ['+39320', 0, 'error TOO_SHORT'],
    ['+999123456789', 0, 'error UNKNOWN_COUNTRY'],
    ['+4479111234567', 0, 'error TOO_LONG', 'GB numbers are 12 digits']
  ]
  for (const [raw, ton, want, name, which] of rows) t.equal(norm(raw, ton, which === 'gb' ? gbPlan : plan), want, name || `${raw} ton ${ton}`)
})

t.test('mobile numbers by per-country prefixes', async (t) => {
  const m = (s: string) => isMobile(normaliseNumber(s, 1, plan) as Msisdn)
  t.ok(m('393201234567'))
  t.notOk(m('390612345678'), 'Italian landline')
  t.ok(m('447911123456'))
  t.notOk(m('442071234567'), 'London landline')
  t.ok(m('12125551234'), 'no split known for NANP: accepted')
})

t.test('a default country without a built-in rule still recognises its international form', async (t) => {
  const pt = parseRulesConfig(ConfigNode.parse('default_country: PT', 't.yaml')).plan
  t.equal(norm('351912345678', 0, pt), '351912345678 PT')
  t.equal(norm('912345678', 0, pt), '351912345678 PT')
})
