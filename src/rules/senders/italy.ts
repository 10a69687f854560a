import { violation, type Violation } from '../violations.js'
import type { SenderContext, SenderRule } from '../sender.js'

/** Only holders of an Italian VAT number may send from an alias to Italy (AGCOM rules). */
export class ItalianAliasRule implements SenderRule {
  readonly name = 'italian-alias-vat'
  check (ctx: SenderContext): Violation | null {
    if (ctx.destCountry !== 'IT' || ctx.kind !== 'alpha' || ctx.account.italianVat) return null
    return violation('ALIAS_NEEDS_ITALIAN_VAT', `alias '${ctx.raw}' cannot send to Italy: the account holds no Italian VAT number`)
  }
}
