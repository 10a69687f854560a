// Number normalisation: whatever a customer wrote (`+39 320 123 4567`, `0039…`, `320…` in the
// national format of the account's default country, TON 1/2/0) becomes international digits
// without '+', with its country. Used for destinations and for numeric senders.

import { countryOf } from './countries.js'

/** Length and shape rules for one country's international numbers (digits incl. calling code). */
export interface CountryRule {
  iso: string
  callingCode: string
  minDigits: number
  maxDigits: number
  /** National significant number prefixes of mobile numbers ([] = no mobile/landline split known). */
  mobilePrefixes: readonly string[]
  /** National trunk prefix dropped when going international ('0' in GB/FR/DE, '' in IT/US). */
  trunkPrefix: string
  /** Most digits a numeric sender may have (the Italian rule set says 12). */
  senderMaxDigits: number
}

export interface NumberPlan {
  defaultCountry: CountryRule
  internationalPrefix: string
  countries: ReadonlyMap<string, CountryRule>
  /** Used for countries without a rule of their own. */
  generic: CountryRule
}

/** Why a number could not be normalised. */
export const NumberError = {
  EMPTY: 1,
  INVALID_CHARS: 2,
  UNKNOWN_COUNTRY: 3,
  TOO_SHORT: 4,
  TOO_LONG: 5
} as const
export type NumberError = (typeof NumberError)[keyof typeof NumberError]

export class Msisdn {
  constructor (readonly digits: string, readonly country: string, readonly rule: CountryRule) {}
}

const TON_INTERNATIONAL = 1
const TON_NATIONAL = 2

function isDigits (s: string, from: number): boolean {
  if (from >= s.length) return false
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** Drops the separators people type (space, '-', '.', '(', ')', '/'); null if anything else is left. */
function clean (raw: string): string | null {
  let fast = true
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c < 48 || c > 57) { if (!(i === 0 && c === 43)) { fast = false; break } }
  }
  if (fast) return raw
  const s = raw.replace(/[\s\-.()/]/g, '')
  if (s.length === 0) return s
  return isDigits(s, s[0] === '+' ? 1 : 0) ? s : null
}

function ruleFor (plan: NumberPlan, iso: string): CountryRule {
  return plan.countries.get(iso) ?? plan.generic
}

/**
 * International digits of `raw`, or a NumberError. TON 1 or a leading '+' or the international
 * prefix mean international; TON 2 means national (default country). TON 0 without a prefix:
 * international when it has the length the rule of its calling code's country asks for (a country
 * with a built-in or configured rule); national when it fits the default country's national
 * length; otherwise international if it starts with a known calling code, else national (and then
 * it usually fails the length check: a short code).
 */
export function normaliseNumber (raw: string, ton: number, plan: NumberPlan): Msisdn | NumberError {
  if (raw.length === 0) return NumberError.EMPTY
  const s = clean(raw)
  if (s === null) return NumberError.INVALID_CHARS
  if (s.length === 0) return NumberError.EMPTY
  let digits: string
  const home = plan.defaultCountry
  if (s.charCodeAt(0) === 43) digits = s.slice(1)
  else if (plan.internationalPrefix !== '' && s.startsWith(plan.internationalPrefix)) digits = s.slice(plan.internationalPrefix.length)
  else if (ton === TON_INTERNATIONAL) digits = s
  else if (ton === TON_NATIONAL) digits = national(s, home)
  else {
    // TON unknown, no prefix: international if it fits the length rule of the country its prefix
    // names (a configured/built-in rule, not the generic one), national if it fits the default
    // country, else international when the calling code is known at all.
    const iso = countryOf(s)
    const rule = iso !== null ? plan.countries.get(iso) : undefined
    if (rule !== undefined && s.length >= rule.minDigits && s.length <= rule.maxDigits) digits = s
    else if (iso === null || fitsNational(s, home)) digits = national(s, home)
    else digits = s
  }
  if (digits.length === 0) return NumberError.EMPTY
  const iso = countryOf(digits)
  if (iso === null) return NumberError.UNKNOWN_COUNTRY
  const rule = ruleFor(plan, iso)
  if (digits.length < rule.minDigits) return NumberError.TOO_SHORT
  if (digits.length > rule.maxDigits) return NumberError.TOO_LONG
  return new Msisdn(digits, iso, rule)
}

function fitsNational (s: string, home: CountryRule): boolean {
  const body = home.trunkPrefix !== '' && s.startsWith(home.trunkPrefix) ? s.length - home.trunkPrefix.length : s.length
  const cc = home.callingCode.length
  return body + cc >= home.minDigits && body + cc <= home.maxDigits
}

function national (s: string, home: CountryRule): string {
  const body = home.trunkPrefix !== '' && s.startsWith(home.trunkPrefix) ? s.slice(home.trunkPrefix.length) : s
  return home.callingCode + body
}

/** True when the number is a mobile one as far as the country's rule knows. */
export function isMobile (m: Msisdn): boolean {
  const prefixes = m.rule.mobilePrefixes
  if (prefixes.length === 0) return true
  const cc = m.rule.callingCode.length
  for (const p of prefixes) if (m.digits.startsWith(p, cc)) return true
  return false
}
