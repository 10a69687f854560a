// Builds a SenderContext the way AccountPolicy does, so each rule can be tested alone.
import { defaultRulesConfig, normaliseNumber, Msisdn, SenderContext, type AccountRules, type SenderEntry } from '../../../src/rules/index.js'
import { senderKind } from '../../../src/rules/sender.js'

export const rules = defaultRulesConfig()

export function account (over: Partial<AccountRules> = {}): AccountRules {
  return { type: 'pro', senders: null, transliterate: false, unicode: true, italianVat: false, ...over }
}

export function entry (addr: string, over: Partial<SenderEntry> = {}): SenderEntry {
  const kind = /^[0-9]+$/.test(addr) ? 'numeric' : 'alpha'
  return { addr, kind, state: 'active', verified: kind === 'numeric', brand: null, campaign: null, smsEnabled: false, ...over }
}

export function ctx (from: string, opts: { ton?: number, dest?: string, account?: AccountRules } = {}): SenderContext {
  const ton = opts.ton ?? 0
  const acct = opts.account ?? account()
  const kind = senderKind(from, ton)
  let number: Msisdn | null = null
  let err = 0
  let key = from
  if (kind === 'numeric') {
    const n = normaliseNumber(from, ton, rules.plan)
    if (n instanceof Msisdn) { number = n; key = n.digits } else err = n
  }
  const e = acct.senders?.find((s) => s.addr === key) ?? null
  return new SenderContext(from, kind, number, err as 0, e, acct, opts.dest ?? 'IT')
}
