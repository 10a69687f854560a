import t from 'tap'
import { NumericSenderRule } from '../../../src/rules/senders/numeric.js'
import { ctx } from './ctx.js'

const rule = new NumericSenderRule()

t.test('numeric sender: international mobile, digits only, ≤ 12 digits for Italy', async (t) => {
  const rows: Array<[string, number, string | null]> = [
    ['393201234567', 1, null], ['+39 348 3333333', 0, null], ['3483333333', 0, null],
    ['3932012345678', 1, 'NUMBER_TOO_LONG'], // 13 digits: longer than the Italian 12
    ['390612345678', 1, 'NUMBER_NOT_MOBILE'], // landline
    ['4242', 0, 'NUMBER_TOO_SHORT'], // a short code (national format)
    ['+99912345678', 0, 'NUMBER_UNKNOWN_COUNTRY'],
    ['447911123456', 1, null], ['442071234567', 1, 'NUMBER_NOT_MOBILE'],
    ['12125551234', 1, null]
  ]
  for (const [n, ton, want] of rows) t.equal(rule.check(ctx(n, { ton }))?.reason ?? null, want, n)
})

t.test('aliases are not this rule’s business', async (t) => {
  t.equal(rule.check(ctx('ACME', { ton: 5 })), null)
})
