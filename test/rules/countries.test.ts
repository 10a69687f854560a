import t from 'tap'
import { callingCodeOf, countryOf } from '../../src/rules/index.js'

t.test('countryOf: longest calling-code match', async (t) => {
  const rows: Array<[string, string | null]> = [
    ['393201234567', 'IT'], ['447911123456', 'GB'], ['33612345678', 'FR'], ['4915112345678', 'DE'],
    ['34612345678', 'ES'], ['12125551234', 'US'], ['14165551234', 'CA'], ['16045551234', 'CA'],
    ['18765551234', 'JM'], ['17875551234', 'PR'], ['79161234567', 'RU'], ['77011234567', 'KZ'],
    ['380501234567', 'UA'], ['353871234567', 'IE'], ['8613812345678', 'CN'], ['919812345678', 'IN'],
    ['5511912345678', 'BR'], ['61412345678', 'AU'], ['27821234567', 'ZA'], ['971501234567', 'AE'],
    ['3790', 'VA'], ['', null], ['0039320', null], ['abc', null], ['8', null]
  ]
  for (const [n, want] of rows) t.equal(countryOf(n), want, n)
})

t.test('callingCodeOf', async (t) => {
  t.equal(callingCodeOf('IT'), '39')
  t.equal(callingCodeOf('CA'), '1')
  t.equal(callingCodeOf('KZ'), '7')
  t.equal(callingCodeOf('XX'), null)
})
