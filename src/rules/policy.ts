// One account's rules, built once from config and reused for every message: the message limits
// per type, the sender rules in order, the sender list as a map, the type senders normalised.
// accept() is the whole accept-time check for SMPP and HTTP alike.

import type { AccountRules, RulesConfig, SenderEntry, SmsType } from './config.js'
import { SMS_TYPES } from './config.js'
import { Msisdn, NumberError, normaliseNumber } from './numbers.js'
import { prepareSubmit, prepareText, PreparedMessage, type MessageOptions, type SubmitContent, type TextEncodingChoice } from './message.js'
import { SenderContext, senderKind, type SenderRule } from './sender.js'
import { AlphanumericSenderRule } from './senders/alphanumeric.js'
import { NumericSenderRule } from './senders/numeric.js'
import { RegisteredSenderCountryRule, SenderListRule } from './senders/registered.js'
import { ItalianAliasRule } from './senders/italy.js'
import { NanpSenderRule } from './senders/nanp.js'
import { Violation, violation } from './violations.js'

export const TON = { UNKNOWN: 0, INTERNATIONAL: 1, NATIONAL: 2, ALPHANUMERIC: 5 } as const
export const NPI = { UNKNOWN: 0, ISDN: 1 } as const

/** An address to send: what goes in source_addr / destination_addr with their TON and NPI. */
export class SendAddress {
  constructor (readonly addr: string, readonly ton: number, readonly npi: number) {}
}

/** Where a message comes from and goes to, as the customer gave it. TON −1 = not given (HTTP). */
export interface SendRequest {
  type: SmsType | null
  from: string
  fromTon: number
  to: string
  toTon: number
}

export class Accepted {
  constructor (
    readonly type: SmsType,
    readonly message: PreparedMessage,
    readonly source: SendAddress,
    readonly dest: SendAddress,
    /** ISO country of the destination (pricing, routing). */
    readonly country: string,
    /** True when the type's fixed sender replaced what the customer sent. */
    readonly senderReplaced: boolean
  ) {}
}

/** The built-in sender rules in the order they run. */
export function buildSenderRules (rules: RulesConfig): SenderRule[] {
  return [
    new AlphanumericSenderRule(),
    new NumericSenderRule(),
    new SenderListRule(),
    new RegisteredSenderCountryRule(rules.registeredSenderCountries),
    new ItalianAliasRule(),
    new NanpSenderRule(rules.nanpCountries)
  ]
}

export class AccountPolicy {
  readonly rules: RulesConfig
  readonly account: AccountRules
  readonly senderRules: readonly SenderRule[]
  private readonly senders: ReadonlyMap<string, SenderEntry>
  private readonly options: Readonly<Record<SmsType, MessageOptions>>
  private readonly typeSenders: Readonly<Record<SmsType, SendAddress | null>>

  constructor (rules: RulesConfig, account: AccountRules, senderRules: SenderRule[] = buildSenderRules(rules)) {
    this.rules = rules
    this.account = account
    this.senderRules = senderRules
    const map = new Map<string, SenderEntry>()
    for (const s of account.senders ?? []) map.set(s.addr, s)
    this.senders = map
    const options = {} as Record<SmsType, MessageOptions>
    const typeSenders = {} as Record<SmsType, SendAddress | null>
    for (const t of SMS_TYPES) {
      options[t] = { maxParts: rules.types[t].maxParts, transliterate: account.transliterate, unicode: account.unicode }
      const s = rules.types[t].sender
      if (s === null) { typeSenders[t] = null; continue }
      if (senderKind(s, TON.UNKNOWN) === 'alpha') { typeSenders[t] = new SendAddress(s, TON.ALPHANUMERIC, NPI.UNKNOWN); continue }
      const n = normaliseNumber(s, TON.INTERNATIONAL, rules.plan)
      typeSenders[t] = new SendAddress(n instanceof Msisdn ? n.digits : s.replace(/^\+/, ''), TON.INTERNATIONAL, NPI.ISDN)
    }
    this.options = options
    this.typeSenders = typeSenders
  }

  messageOptions (type: SmsType): MessageOptions { return this.options[type] }

  /** The normalised destination, or the violation. */
  checkDestination (to: string, ton: number): Msisdn | Violation {
    const n = normaliseNumber(to, ton < 0 ? TON.UNKNOWN : ton, this.rules.plan)
    if (n instanceof Msisdn) return n
    switch (n) {
      case NumberError.EMPTY: return violation('DEST_MISSING', 'no destination number')
      case NumberError.INVALID_CHARS: return violation('DEST_INVALID_CHARS', `destination '${to}' must be digits, optionally with a leading '+' or 00`)
      case NumberError.UNKNOWN_COUNTRY: return violation('DEST_UNKNOWN_COUNTRY', `destination '${to}' starts with no known country calling code`)
      default: return violation('DEST_BAD_LENGTH', `destination '${to}' has the wrong number of digits for its country`)
    }
  }

  /** The sender to use for `type`, after every sender rule; or the first violation. */
  checkSender (type: SmsType, from: string, fromTon: number, destCountry: string): SendAddress | Violation {
    const fixed = this.typeSenders[type]
    if (fixed !== null) return fixed
    if (type !== 'pro') return violation('SENDER_MISSING', `no sender is configured for type '${type}' (rules.types.${type}.sender)`)
    if (from.length === 0) return violation('SENDER_MISSING', 'a sender is required')
    const kind = senderKind(from, fromTon)
    let number: Msisdn | null = null
    let err: NumberError | 0 = 0
    let key = from
    if (kind === 'numeric') {
      const n = normaliseNumber(from, fromTon < 0 ? TON.UNKNOWN : fromTon, this.rules.plan)
      if (n instanceof Msisdn) { number = n; key = n.digits } else err = n
    }
    const ctx = new SenderContext(from, kind, number, err, this.senders.get(key) ?? null, this.account, destCountry)
    const rules = this.senderRules
    for (let i = 0; i < rules.length; i++) {
      const v = rules[i].check(ctx)
      if (v !== null) return v
    }
    return kind === 'alpha'
      ? new SendAddress(from, TON.ALPHANUMERIC, NPI.UNKNOWN)
      : new SendAddress(key, TON.INTERNATIONAL, NPI.ISDN)
  }

  /** The type of a request that names none: the account's. */
  typeOf (type: SmsType | null): SmsType {
    return type ?? this.account.type
  }

  /** The content rules (encoding, length, parts) for `type`: accept()'s last check, after the addresses. */
  prepareContent (type: SmsType, content: SubmitContent | string, encoding: TextEncodingChoice = 'auto'): PreparedMessage | Violation {
    const opts = this.options[type]
    return typeof content === 'string' ? prepareText(content, opts, encoding) : prepareSubmit(content, opts)
  }

  /**
   * Every accept-time rule for one message: destination, sender, encoding, length and limits.
   * `content` is an SMPP submit's bytes or an HTTP text (with an optional fixed encoding).
   */
  accept (req: SendRequest, content: SubmitContent | string, encoding: TextEncodingChoice = 'auto'): Accepted | Violation {
    const type = this.typeOf(req.type)
    const dest = this.checkDestination(req.to, req.toTon)
    if (dest instanceof Violation) return dest
    const source = this.checkSender(type, req.from, req.fromTon, dest.country)
    if (source instanceof Violation) return source
    const msg = this.prepareContent(type, content, encoding)
    if (msg instanceof Violation) return msg
    const replaced = this.typeSenders[type] !== null && req.from.length > 0 && req.from !== source.addr
    return new Accepted(type, msg, source, new SendAddress(dest.digits, TON.INTERNATIONAL, NPI.ISDN), dest.country, replaced)
  }
}
