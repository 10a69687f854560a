// The `pricing:` section and the ledger's keys on each account. Money in config is written in
// credits (decimals allowed, at most three: 0.625) and held internally as integer milli-credits.
//
// pricing:
//   smart: 0.625          # per part
//   pro: 1
//   reply: 1
//   hlr: 0.5
//   default_multiplier: 1
//   countries:
//     IT: 1               # a multiplier
//     US: { multiplier: 8, pro: 9.5 }   # or per-type absolute prices
// accounts[n]:
//   initial_credit: 1000  # applied once, the first time the account is seen
//   low_credit_alerts: [100, 500]

import type { ConfigNode } from '../config/node.js'
import { DEFAULT_PRICING, type CountryPrice, type PricingConfig } from './pricing.js'
import { SMS_TYPES, type AccountSetup, type SmsType } from './types.js'

/** Account keys the ledger reads; the accounts section belongs to several domains. */
export const LEDGER_ACCOUNT_KEYS = ['initial_credit', 'low_credit_alerts'] as const

const PRICING_KEYS = [...SMS_TYPES, 'hlr', 'countries', 'default_multiplier']

/** Credits (number with ≤ 3 decimals) → integer milli-credits; ConfigError otherwise. */
export function creditsToMilli (node: ConfigNode, key: string, credits: number): number {
  const milli = Math.round(credits * 1000)
  if (Math.abs(credits * 1000 - milli) > 1e-6) throw node.fail(key, 'at most three decimals (milli-credits)')
  return milli
}

function money (node: ConfigNode, key: string, fallbackMilli: number): number {
  return creditsToMilli(node, key, node.number(key, fallbackMilli / 1000, { min: 0 }))
}

export function parsePricing (node: ConfigNode): PricingConfig {
  node.allowOnly(PRICING_KEYS)
  const types = {} as Record<SmsType, number>
  for (const t of SMS_TYPES) types[t] = money(node, t, DEFAULT_PRICING.types[t])
  const countries: Record<string, CountryPrice> = {}
  const table = node.child('countries')
  for (const [code, entry] of node.entries('countries')) {
    if (!/^[A-Z]{2}$/.test(code)) throw table.fail(code, 'must be an ISO 3166 alpha-2 code in upper case')
    if (!entry.isMap()) {
      const m = table.number(code, undefined, { min: 0 })
      countries[code] = { multiplier: m, prices: {} }
      continue
    }
    entry.allowOnly(['multiplier', ...SMS_TYPES])
    const prices: Partial<Record<SmsType, number>> = {}
    for (const t of SMS_TYPES) if (entry.has(t)) prices[t] = money(entry, t, 0)
    countries[code] = { multiplier: entry.number('multiplier', 1, { min: 0 }), prices }
  }
  return {
    types,
    hlr: money(node, 'hlr', DEFAULT_PRICING.hlr),
    countries,
    defaultMultiplier: node.number('default_multiplier', DEFAULT_PRICING.defaultMultiplier, { min: 0 })
  }
}

/** Reads only LEDGER_ACCOUNT_KEYS from one account node (never allowOnly: other domains own the rest). */
export function parseAccountSetup (node: ConfigNode): AccountSetup {
  const initialCredit = money(node, 'initial_credit', 0)
  const alerts: number[] = []
  const list = node.child('low_credit_alerts')
  for (const [i, item] of node.list('low_credit_alerts').entries()) {
    const v = item.scalar()
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw list.fail('', `item ${i} must be a non-negative number of credits`)
    alerts.push(creditsToMilli(list, '', v))
  }
  alerts.sort((a, b) => b - a)
  return { initialCredit, alerts: [...new Set(alerts)] }
}
