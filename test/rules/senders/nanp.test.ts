import t from 'tap'
import { NanpSenderRule } from '../../../src/rules/senders/nanp.js'
import { account, ctx, entry } from './ctx.js'

const acct = account({
  senders: [
    entry('14155550100', { brand: 'B1', campaign: 'C1', smsEnabled: true }),
    entry('14155550101', { brand: 'B1', campaign: 'C1' }),
    entry('14155550102', { brand: 'B1' }),
    entry('SHOP', {})
  ]
})

t.test('US/Canada: a brand+campaign number, the one SMS-enabled', async (t) => {
  const rule = new NanpSenderRule(['US', 'CA'])
  const rows: Array<[string, number, string, string | null]> = [
    ['14155550100', 1, 'US', null], ['14155550100', 1, 'CA', null],
    ['14155550101', 1, 'US', 'NANP_SENDER_NOT_ENABLED'],
    ['14155550102', 1, 'US', 'NANP_SENDER_NOT_REGISTERED'], // no campaign
    ['14155550199', 1, 'US', 'NANP_SENDER_NOT_REGISTERED'], // not on the list
    ['SHOP', 5, 'CA', 'NANP_SENDER_NOT_REGISTERED'], // aliases cannot text North America
    ['SHOP', 5, 'GB', null]
  ]
  for (const [from, ton, dest, want] of rows) t.equal(rule.check(ctx(from, { ton, dest, account: acct }))?.reason ?? null, want, `${from} → ${dest}`)
})
