// Sender policy: what a rule sees (SenderContext) and what it is (SenderRule: a small object
// built from config with one check). The policy runs them in order; the first violation wins.

import type { AccountRules, SenderEntry, SenderKind } from './config.js'
import type { Msisdn, NumberError } from './numbers.js'
import type { Violation } from './violations.js'

export class SenderContext {
  constructor (
    /** The source address as the customer sent it. */
    readonly raw: string,
    readonly kind: SenderKind,
    /** The normalised number (numeric senders that normalised), else null. */
    readonly number: Msisdn | null,
    /** Why a numeric sender did not normalise (0 when it did or is alphanumeric). */
    readonly numberError: NumberError | 0,
    /** The account's registered entry for this sender, null when absent or no list. */
    readonly entry: SenderEntry | null,
    readonly account: AccountRules,
    /** ISO country of the destination. */
    readonly destCountry: string
  ) {}
}

export interface SenderRule {
  readonly name: string
  check (ctx: SenderContext): Violation | null
}

const TON_ALPHANUMERIC = 5

/** Alphanumeric when TON says so, or when the address is not all digits (an optional '+' first). */
export function senderKind (addr: string, ton: number): SenderKind {
  if (ton === TON_ALPHANUMERIC) return 'alpha'
  if (addr.length === 0) return 'alpha'
  for (let i = addr.charCodeAt(0) === 43 ? 1 : 0; i < addr.length; i++) {
    const c = addr.charCodeAt(i)
    if ((c < 48 || c > 57) && c !== 32) return 'alpha'
  }
  return addr.length > 1 || addr.charCodeAt(0) !== 43 ? 'numeric' : 'alpha'
}
