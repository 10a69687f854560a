// The ledger's public face for other domains.

export type {
  AccountBalance, AccountSetup, Ledger, LedgerEntry, LedgerEntryKind, LowCreditAlert, LowCreditListener,
  MoveResult, ReconcileResult, Refusal, RefusalReason, SmsType, TrafficItem
} from './types.js'
export { SMS_TYPES } from './types.js'
export { Pricing, DEFAULT_PRICING, type PricingConfig, type CountryPrice } from './pricing.js'
export { parsePricing, parseAccountSetup, creditsToMilli, LEDGER_ACCOUNT_KEYS } from './config.js'
export { refusal } from './refusal.js'
