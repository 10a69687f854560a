import { violation, type Violation } from '../violations.js'
import type { SenderContext, SenderRule } from '../sender.js'

/**
 * US and Canada: only from a number registered under a brand and a campaign, and only from the
 * account's one SMS-enabled number (the config allows at most one).
 */
export class NanpSenderRule implements SenderRule {
  readonly name = 'nanp-registered-number'
  constructor (private readonly countries: readonly string[] = ['US', 'CA']) {}
  check (ctx: SenderContext): Violation | null {
    if (!this.countries.includes(ctx.destCountry)) return null
    const e = ctx.entry
    const c = ctx.destCountry
    if (ctx.kind !== 'numeric' || e === null || e.brand === null || e.campaign === null) {
      return violation('NANP_SENDER_NOT_REGISTERED', `texting ${c} needs a number registered under a brand and a campaign; '${ctx.raw}' is not`)
    }
    if (!e.smsEnabled) return violation('NANP_SENDER_NOT_ENABLED', `number ${e.addr} is not the account's SMS-enabled number for ${c}`)
    return null
  }
}
