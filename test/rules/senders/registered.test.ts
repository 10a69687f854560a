import t from 'tap'
import { RegisteredSenderCountryRule, SenderListRule } from '../../../src/rules/senders/registered.js'
import { account, ctx, entry } from './ctx.js'

const senders = [
  entry('ACME'),
  entry('PENDING1', { state: 'pending' }),
  entry('REJECTED1', { state: 'rejected' }),
  entry('SUSPEND1', { state: 'suspended' }),
  entry('393201234567'),
  entry('393331234567', { verified: false })
]
const acct = account({ senders })

t.test('sender list: only active senders, numbers verified', async (t) => {
  const rule = new SenderListRule()
  const rows: Array<[string, number, string | null]> = [
    ['ACME', 5, null], ['+39 320 1234567', 0, null],
    ['OTHER', 5, 'SENDER_NOT_REGISTERED'], ['PENDING1', 5, 'SENDER_NOT_ACTIVE'], ['REJECTED1', 5, 'SENDER_NOT_ACTIVE'],
    ['SUSPEND1', 5, 'SENDER_NOT_ACTIVE'], ['393331234567', 1, 'SENDER_NOT_VERIFIED'], ['393209999999', 1, 'SENDER_NOT_REGISTERED']
  ]
  for (const [from, ton, want] of rows) t.equal(rule.check(ctx(from, { ton, account: acct }))?.reason ?? null, want, from)
  t.equal(rule.check(ctx('ANYTHING', { ton: 5, account: account() })), null, 'no list: no check')
  t.match(rule.check(ctx('SUSPEND1', { ton: 5, account: acct }))!.message, /suspended/)
})

t.test('registered-sender countries: enforced even without a list', async (t) => {
  const rule = new RegisteredSenderCountryRule(['IT'])
  t.equal(rule.check(ctx('ANYTHING', { ton: 5, dest: 'IT' }))?.reason, 'SENDER_NOT_REGISTERED', 'Italy: unregistered alias')
  t.equal(rule.check(ctx('ANYTHING', { ton: 5, dest: 'FR' })), null, 'France: not a listed country')
  t.equal(rule.check(ctx('ACME', { ton: 5, dest: 'IT', account: acct })), null)
  t.equal(rule.check(ctx('PENDING1', { ton: 5, dest: 'IT', account: acct }))?.reason, 'SENDER_NOT_ACTIVE', 'an alias waiting for AGCOM approval')
  t.equal(rule.check(ctx('393331234567', { ton: 1, dest: 'IT', account: acct }))?.reason, 'SENDER_NOT_VERIFIED')
})
