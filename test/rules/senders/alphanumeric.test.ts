import t from 'tap'
import { AlphanumericSenderRule } from '../../../src/rules/senders/alphanumeric.js'
import { ctx } from './ctx.js'

const rule = new AlphanumericSenderRule()

t.test('alias: 4–11 of A–Z, a–z, 0–9 (seed: no accents, symbols; spaces, - and _ badly handled)', async (t) => {
  const rows: Array<[string, string | null]> = [
    ['AIMON', null], ['TuaAzienda', null], ['Shop24', null], ['ABCD', null], ['ABCDEFGHIJK', null],
    ['ABC', 'ALIAS_TOO_SHORT'], ['ABCDEFGHIJKL', 'ALIAS_TOO_LONG'],
    ['Caffè', 'ALIAS_INVALID_CHARS'], ['My Shop', 'ALIAS_INVALID_CHARS'], ['my-shop', 'ALIAS_INVALID_CHARS'],
    ['my_shop', 'ALIAS_INVALID_CHARS'], ['50%OFF', 'ALIAS_INVALID_CHARS'], ['€uro', 'ALIAS_INVALID_CHARS'], ['A/B£', 'ALIAS_INVALID_CHARS']
  ]
  for (const [alias, want] of rows) t.equal(rule.check(ctx(alias, { ton: 5 }))?.reason ?? null, want, alias)
  const v = rule.check(ctx('ABCDEFGHIJKL', { ton: 5 }))!
  t.equal(v.smppStatus, 0x0a, 'ESME_RINVSRCADR')
  t.equal(v.field, 'from')
})

t.test('numbers are not this rule’s business', async (t) => {
  t.equal(rule.check(ctx('393201234567', { ton: 1 })), null)
})

t.test('limits come from the constructor', async (t) => {
  t.equal(new AlphanumericSenderRule(3, 5).check(ctx('ABC', { ton: 5 })), null)
})
