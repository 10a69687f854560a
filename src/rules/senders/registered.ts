import { violation, type Violation } from '../violations.js'
import type { SenderContext, SenderRule } from '../sender.js'

/** The sender must be one of the account's senders, active, and (numbers) verified. */
function registered (ctx: SenderContext, why: string): Violation | null {
  const e = ctx.entry
  const shown = ctx.number !== null ? ctx.number.digits : ctx.raw
  if (e === null) return violation('SENDER_NOT_REGISTERED', `sender '${shown}' is not registered for this account${why}`)
  if (e.state !== 'active') return violation('SENDER_NOT_ACTIVE', `sender '${shown}' is ${e.state}; only active senders may send`)
  if (e.kind === 'numeric' && !e.verified) return violation('SENDER_NOT_VERIFIED', `sender ${shown} has not been verified (one-time code)`)
  return null
}

/** Applies to accounts that have a sender list: only its active (and verified) senders send. */
export class SenderListRule implements SenderRule {
  readonly name = 'sender-list'
  check (ctx: SenderContext): Violation | null {
    if (ctx.account.senders === null) return null
    return registered(ctx, '')
  }
}

/**
 * Destinations where the regulator requires registered senders (Italy: an alias must be approved
 * and published by AGCOM, a number verified) — enforced even for accounts without a sender list.
 */
export class RegisteredSenderCountryRule implements SenderRule {
  readonly name = 'registered-sender-country'
  constructor (private readonly countries: readonly string[]) {}
  check (ctx: SenderContext): Violation | null {
    if (!this.countries.includes(ctx.destCountry)) return null
    return registered(ctx, ` (required for ${ctx.destCountry})`)
  }
}
