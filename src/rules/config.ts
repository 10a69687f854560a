// The `rules:` section (type limits, number plan, type senders, defaults) and the rule keys of an
// account. Accounts also carry keys owned by other domains, so parseAccountRules reads only
// RULES_ACCOUNT_KEYS and leaves allowOnly to whoever owns the account mapping as a whole.

import { ConfigNode } from '../config/node.js'
import { callingCodeOf } from './countries.js'
import { Msisdn, normaliseNumber, type CountryRule, type NumberPlan } from './numbers.js'

export type SmsType = 'smart' | 'pro' | 'reply'
export const SMS_TYPES: readonly SmsType[] = ['smart', 'pro', 'reply']

export interface TypeConfig {
  maxParts: number
  /** The sender every message of this type gets (smart, reply); null = the customer's (pro). */
  sender: string | null
}

export interface RulesConfig {
  types: Readonly<Record<SmsType, TypeConfig>>
  plan: NumberPlan
  /** Account defaults. */
  transliterate: boolean
  unicode: boolean
  /** Destination countries where the sender must be registered and active even for accounts without a sender list. */
  registeredSenderCountries: readonly string[]
  /** Destination countries where only a brand/campaign-registered, SMS-enabled number may send. */
  nanpCountries: readonly string[]
}

export type SenderKind = 'alpha' | 'numeric'
export type SenderState = 'pending' | 'active' | 'rejected' | 'suspended'
export const SENDER_STATES: readonly SenderState[] = ['pending', 'active', 'rejected', 'suspended']

export interface SenderEntry {
  /** The alias as registered, or the number as international digits. */
  addr: string
  kind: SenderKind
  state: SenderState
  verified: boolean
  brand: string | null
  campaign: string | null
  /** The account's one number allowed to text the US/Canada. */
  smsEnabled: boolean
}

export interface AccountRules {
  type: SmsType
  /** null = no sender list (formats are still checked; registeredSenderCountries still apply). */
  senders: readonly SenderEntry[] | null
  transliterate: boolean
  unicode: boolean
  /** Holds an Italian VAT number: required to send from an alias to Italy. */
  italianVat: boolean
}

/** The account keys this domain owns. */
export const RULES_ACCOUNT_KEYS: readonly string[] = ['sms_type', 'senders', 'transliterate', 'unicode', 'italian_vat']
const RULES_KEYS = ['default_country', 'international_prefix', 'transliterate', 'unicode', 'registered_sender_countries', 'nanp_countries', 'types', 'countries']
const COUNTRY_KEYS = ['min_digits', 'max_digits', 'mobile_prefixes', 'trunk_prefix', 'sender_max_digits']
const SENDER_KEYS = ['addr', 'kind', 'state', 'verified', 'brand', 'campaign', 'sms_enabled']

type CountryDefaults = Omit<CountryRule, 'iso' | 'callingCode'>
const generic: CountryDefaults = { minDigits: 8, maxDigits: 15, mobilePrefixes: [], trunkPrefix: '', senderMaxDigits: 15 }
/** Built-in rules for common countries; `rules.countries` overrides them field by field. */
const BUILTIN_COUNTRIES: Record<string, Partial<CountryDefaults>> = {
  IT: { minDigits: 11, maxDigits: 13, mobilePrefixes: ['3'], senderMaxDigits: 12 },
  US: { minDigits: 11, maxDigits: 11, senderMaxDigits: 11 },
  CA: { minDigits: 11, maxDigits: 11, senderMaxDigits: 11 },
  GB: { minDigits: 12, maxDigits: 12, mobilePrefixes: ['7'], trunkPrefix: '0', senderMaxDigits: 12 },
  FR: { minDigits: 11, maxDigits: 11, mobilePrefixes: ['6', '7'], trunkPrefix: '0', senderMaxDigits: 11 },
  DE: { minDigits: 10, maxDigits: 15, mobilePrefixes: ['15', '16', '17'], trunkPrefix: '0', senderMaxDigits: 15 },
  ES: { minDigits: 11, maxDigits: 11, mobilePrefixes: ['6', '7'], senderMaxDigits: 11 },
  CH: { minDigits: 11, maxDigits: 11, mobilePrefixes: ['7'], trunkPrefix: '0', senderMaxDigits: 11 },
  UA: { minDigits: 12, maxDigits: 12, trunkPrefix: '0', senderMaxDigits: 12 }
}

const DEFAULT_TYPES: Record<SmsType, TypeConfig> = {
  smart: { maxParts: 1, sender: 'Instrada' },
  pro: { maxParts: 4, sender: null },
  reply: { maxParts: 1, sender: null }
}

function countryRule (iso: string, base: Partial<CountryDefaults>, node: ConfigNode | null): CountryRule {
  const cc = callingCodeOf(iso)
  if (cc === null) throw (node ?? ConfigNode.empty()).fail('', `unknown country '${iso}' (ISO 3166 alpha-2 with an ITU calling code expected)`)
  const d = { ...generic, ...base }
  if (node === null) return { iso, callingCode: cc, ...d }
  node.allowOnly(COUNTRY_KEYS)
  const minDigits = node.int('min_digits', d.minDigits, { min: 4, max: 15 })
  const maxDigits = node.int('max_digits', d.maxDigits, { min: minDigits, max: 15 })
  return {
    iso,
    callingCode: cc,
    minDigits,
    maxDigits,
    mobilePrefixes: node.strings('mobile_prefixes', [...d.mobilePrefixes]),
    trunkPrefix: node.string('trunk_prefix', d.trunkPrefix),
    senderMaxDigits: node.int('sender_max_digits', d.senderMaxDigits, { min: 4, max: 15 })
  }
}

function isoList (node: ConfigNode, key: string, fallback: string[]): string[] {
  const list = node.strings(key, fallback)
  for (const iso of list) if (callingCodeOf(iso) === null) throw node.fail(key, `unknown country '${iso}'`)
  return list
}

/** Parses the `rules:` mapping (pass `root.child('rules')`; a missing section gives the defaults). */
export function parseRulesConfig (node: ConfigNode): RulesConfig {
  node.allowOnly(RULES_KEYS)
  const countries = new Map<string, CountryRule>()
  const overrides = new Map(node.entries('countries'))
  for (const iso of new Set([...Object.keys(BUILTIN_COUNTRIES), ...overrides.keys()])) {
    const o = overrides.get(iso) ?? null
    if (o !== null && !o.isMap()) throw node.child('countries').fail(iso, 'must be a mapping')
    countries.set(iso, countryRule(iso, BUILTIN_COUNTRIES[iso] ?? {}, o))
  }
  const defaultIso = node.string('default_country', 'IT')
  if (callingCodeOf(defaultIso) === null) throw node.fail('default_country', `unknown country '${defaultIso}'`)
  // The default country always has a rule of its own, so its international form is recognised.
  if (!countries.has(defaultIso)) countries.set(defaultIso, countryRule(defaultIso, {}, null))
  const defaultCountry = countries.get(defaultIso)!
  const plan: NumberPlan = {
    defaultCountry,
    internationalPrefix: node.string('international_prefix', '00'),
    countries,
    generic: { iso: 'ZZ', callingCode: '', ...generic }
  }
  const typesNode = node.child('types')
  typesNode.allowOnly(SMS_TYPES)
  const types = {} as Record<SmsType, TypeConfig>
  for (const t of SMS_TYPES) {
    const tn = typesNode.child(t)
    tn.allowOnly(t === 'pro' ? ['max_parts'] : ['max_parts', 'sender'])
    const d = DEFAULT_TYPES[t]
    const sender = t === 'pro' ? null : tn.optionalString('sender') ?? d.sender
    if (sender !== null && !validTypeSender(sender)) throw tn.fail('sender', `'${sender}' is neither an alias of 4–11 letters/digits nor an international number`)
    types[t] = { maxParts: tn.int('max_parts', d.maxParts, { min: 1, max: 255 }), sender }
  }
  return {
    types,
    plan,
    transliterate: node.bool('transliterate', false),
    unicode: node.bool('unicode', true),
    registeredSenderCountries: isoList(node, 'registered_sender_countries', ['IT']),
    nanpCountries: isoList(node, 'nanp_countries', ['US', 'CA'])
  }
}

function validTypeSender (s: string): boolean {
  return /^[A-Za-z0-9]{4,11}$/.test(s) || /^\+?[0-9]{6,15}$/.test(s)
}

export function defaultRulesConfig (): RulesConfig {
  return parseRulesConfig(ConfigNode.empty())
}

/**
 * Reads the rule keys of one account mapping. Numeric senders are stored as international
 * digits (normalised with the number plan), so a lookup by the normalised source address hits.
 */
export function parseAccountRules (node: ConfigNode, rules: RulesConfig): AccountRules {
  const sendersNode = node.child('senders')
  let senders: SenderEntry[] | null = null
  if (sendersNode.exists) {
    senders = []
    let enabled: string | null = null
    for (const s of node.list('senders')) {
      s.allowOnly(SENDER_KEYS)
      const raw = s.string('addr')
      const kind = s.oneOf<SenderKind>('kind', ['alpha', 'numeric'], /^\+?[0-9]+$/.test(raw) ? 'numeric' : 'alpha')
      let addr = raw
      if (kind === 'numeric') {
        const n = normaliseNumber(raw, 1, rules.plan)
        if (!(n instanceof Msisdn)) throw s.fail('addr', `'${raw}' is not a valid international number`)
        addr = n.digits
      } else if (!/^[A-Za-z0-9]{4,11}$/.test(raw)) {
        throw s.fail('addr', `alias '${raw}' must be 4–11 letters A–Z/a–z or digits`)
      }
      const entry: SenderEntry = {
        addr,
        kind,
        state: s.oneOf<SenderState>('state', SENDER_STATES, 'pending'),
        verified: s.bool('verified', false),
        brand: s.optionalString('brand'),
        campaign: s.optionalString('campaign'),
        smsEnabled: s.bool('sms_enabled', false)
      }
      if (entry.smsEnabled) {
        if (kind !== 'numeric') throw s.fail('sms_enabled', 'only a number can be SMS-enabled')
        if (enabled !== null) throw s.fail('sms_enabled', `only one number may be SMS-enabled at a time (${enabled} already is)`)
        enabled = addr
      }
      senders.push(entry)
    }
  }
  return {
    type: node.oneOf<SmsType>('sms_type', SMS_TYPES, 'pro'),
    senders,
    transliterate: node.bool('transliterate', rules.transliterate),
    unicode: node.bool('unicode', rules.unicode),
    italianVat: node.bool('italian_vat', false)
  }
}
