import t from 'tap'
import { ItalianAliasRule } from '../../../src/rules/senders/italy.js'
import { account, ctx } from './ctx.js'

t.test('alias to Italy needs an Italian VAT number', async (t) => {
  const rule = new ItalianAliasRule()
  t.equal(rule.check(ctx('ACME', { ton: 5, dest: 'IT' }))?.reason, 'ALIAS_NEEDS_ITALIAN_VAT')
  t.equal(rule.check(ctx('ACME', { ton: 5, dest: 'IT', account: account({ italianVat: true }) })), null)
  t.equal(rule.check(ctx('ACME', { ton: 5, dest: 'FR' })), null, 'other countries')
  t.equal(rule.check(ctx('393201234567', { ton: 1, dest: 'IT' })), null, 'numbers')
})
