import { violation, type Violation } from '../violations.js'
import type { SenderContext, SenderRule } from '../sender.js'

/** An alias: 4–11 of A–Z, a–z, 0–9. Spaces, '-' and '_' are refused: some networks mangle them. */
export class AlphanumericSenderRule implements SenderRule {
  readonly name = 'alphanumeric-format'
  constructor (private readonly min = 4, private readonly max = 11) {}

  check (ctx: SenderContext): Violation | null {
    if (ctx.kind !== 'alpha') return null
    const a = ctx.raw
    for (let i = 0; i < a.length; i++) {
      const c = a.charCodeAt(i)
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) {
        return violation('ALIAS_INVALID_CHARS', `alias '${a}' may hold only letters A–Z/a–z and digits (no accents, spaces, '-', '_' or symbols)`)
      }
    }
    if (a.length < this.min) return violation('ALIAS_TOO_SHORT', `alias '${a}' has ${a.length} characters; at least ${this.min} needed`)
    if (a.length > this.max) return violation('ALIAS_TOO_LONG', `alias '${a}' has ${a.length} characters; at most ${this.max} allowed`)
    return null
  }
}
