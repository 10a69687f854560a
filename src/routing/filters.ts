// Route filters: each one a small object with a single `match(ctx)` that says whether a message
// qualifies. Built once from config, kept free of hidden state, so a route's decision depends on
// the message alone and each filter is tested by itself.

export type SmsType = 'smart' | 'pro' | 'reply'
export type SenderKind = 'alpha' | 'numeric'

/** What routing may look at for one mobile-terminated message. */
export interface RouteContext {
  account: string
  type: SmsType
  /** International digits, no `+` (e.g. `393471234567`). */
  destination: string
  /** ISO 3166 alpha-2 of the destination, upper case; '' when unknown. */
  country: string
  senderKind: SenderKind
}

export interface RouteFilter {
  /** For `describe()` and logs, e.g. `prefix 39,41`. */
  readonly description: string
  match (ctx: RouteContext): boolean
}

/** Destination starts with one of the prefixes (international digits). Longest first is irrelevant: any match. */
export class PrefixFilter implements RouteFilter {
  readonly description: string
  private readonly prefixes: readonly string[]
  constructor (prefixes: readonly string[]) {
    this.prefixes = prefixes
    this.description = `prefix ${prefixes.join(',')}`
  }

  match (ctx: RouteContext): boolean {
    for (let i = 0; i < this.prefixes.length; i++) {
      if (ctx.destination.startsWith(this.prefixes[i])) return true
    }
    return false
  }
}

/** Matches one field of the context against a set of allowed values. */
class SetFilter<K extends 'account' | 'type' | 'country' | 'senderKind'> implements RouteFilter {
  readonly description: string
  private readonly field: K
  private readonly values: ReadonlySet<string>
  constructor (field: K, label: string, values: readonly string[]) {
    this.field = field
    this.values = new Set(values)
    this.description = `${label} ${values.join(',')}`
  }

  match (ctx: RouteContext): boolean {
    return this.values.has(ctx[this.field])
  }
}

export class CountryFilter extends SetFilter<'country'> {
  constructor (countries: readonly string[]) { super('country', 'country', countries.map((c) => c.toUpperCase())) }
}

export class AccountFilter extends SetFilter<'account'> {
  constructor (accounts: readonly string[]) { super('account', 'account', accounts) }
}

export class TypeFilter extends SetFilter<'type'> {
  constructor (types: readonly SmsType[]) { super('type', 'type', types) }
}

export class SenderKindFilter extends SetFilter<'senderKind'> {
  constructor (kinds: readonly SenderKind[]) { super('senderKind', 'sender_kind', kinds) }
}
