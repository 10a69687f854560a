// Prices per part in milli-credits: a base price per SMS type, times a multiplier per
// destination country, or an absolute per-country price for a type. The country comes from
// the caller (the rules module maps numbers to countries).

import type { SmsType } from './types.js'

export interface CountryPrice {
  /** Multiplier applied to the base price of types without an absolute price. */
  multiplier: number
  /** Absolute prices per type for this country, milli-credits. */
  prices: Partial<Record<SmsType, number>>
}

export interface PricingConfig {
  types: Record<SmsType, number>
  hlr: number
  countries: Record<string, CountryPrice>
  /** Multiplier for countries not in the table (and for a null country). */
  defaultMultiplier: number
}

export const DEFAULT_PRICING: PricingConfig = {
  types: { smart: 625, pro: 1000, reply: 1000 },
  hlr: 500,
  countries: {},
  defaultMultiplier: 1
}

export class Pricing {
  readonly config: PricingConfig

  constructor (config: PricingConfig = DEFAULT_PRICING) {
    this.config = config
  }

  /** Price of one part in milli-credits, or -1 when the type has no price. */
  partPrice (type: string, country: string | null): number {
    const base = (this.config.types as Record<string, number | undefined>)[type]
    if (base === undefined) return -1
    const c = country === null ? undefined : this.config.countries[country.toUpperCase()]
    if (c === undefined) return Math.round(base * this.config.defaultMultiplier)
    const abs = (c.prices as Record<string, number | undefined>)[type]
    if (abs !== undefined) return abs
    return Math.round(base * c.multiplier)
  }

  /** Price of a whole message, or -1 when the type has no price. */
  messagePrice (type: string, country: string | null, parts: number): number {
    const p = this.partPrice(type, country)
    return p < 0 ? -1 : p * parts
  }

  get hlr (): number { return this.config.hlr }
}
