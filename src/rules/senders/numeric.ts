import { NumberError, isMobile } from '../numbers.js'
import { violation, type Violation } from '../violations.js'
import type { SenderContext, SenderRule } from '../sender.js'

/**
 * A numeric sender: a mobile number in international format, digits only, at most the country's
 * sender_max_digits (12 in the Italian rule set); landlines and short codes are refused.
 */
export class NumericSenderRule implements SenderRule {
  readonly name = 'numeric-format'

  check (ctx: SenderContext): Violation | null {
    if (ctx.kind !== 'numeric') return null
    const raw = ctx.raw
    switch (ctx.numberError) {
      case 0: break
      case NumberError.TOO_SHORT: return violation('NUMBER_TOO_SHORT', `'${raw}' is too short for a mobile number (short codes cannot send)`)
      case NumberError.TOO_LONG: return violation('NUMBER_TOO_LONG', `'${raw}' is too long for its country`)
      case NumberError.UNKNOWN_COUNTRY: return violation('NUMBER_UNKNOWN_COUNTRY', `'${raw}' starts with no known country calling code`)
      default: return violation('NUMBER_INVALID_CHARS', `'${raw}' must be digits only, in international format`)
    }
    const n = ctx.number!
    if (n.digits.length > n.rule.senderMaxDigits) {
      return violation('NUMBER_TOO_LONG', `sender ${n.digits} has ${n.digits.length} digits; at most ${n.rule.senderMaxDigits} allowed for ${n.country}`)
    }
    if (!isMobile(n)) return violation('NUMBER_NOT_MOBILE', `sender ${n.digits} is not a mobile number (landlines and short codes cannot send)`)
    return null
  }
}
