// The whole Instrada config file: each domain parses its own section; accounts are shared, so
// their keys are the union of what each domain owns and anything else is refused here.
// Parsing is pure and deterministic, so worker threads re-parse the same text instead of
// receiving objects that cannot cross a thread boundary.

import { ConfigNode } from './node.js'
import { parseSmppAccount, parseSmppConfig, SMPP_ACCOUNT_KEYS, type SmppAccount, type SmppServerConfig } from '../smpp/config.js'
import { parseAccountRules, parseRulesConfig, RULES_ACCOUNT_KEYS, defaultRulesConfig, type AccountRules, type RulesConfig } from '../rules/index.js'
import { parseAccountSetup, parsePricing, LEDGER_ACCOUNT_KEYS, DEFAULT_PRICING, type PricingConfig } from '../ledger/index.js'
import type { AccountSetup } from '../ledger/types.js'
import { parseStoreConfig, type StoreConfig } from '../store/index.js'
import { parseCarriers, type CarrierConfig } from '../carriers/index.js'
import { parseRoutes, type RoutingTable } from '../routing/index.js'
import { parseSimulatorConfig, type SimulatorConfig } from '../sim/index.js'
import { parseApiKeys, parseHttpConfig, HTTP_ACCOUNT_KEYS, type HttpConfig } from '../http/config.js'
import { parseAccountLimits, parseRouterConfig, ROUTER_ACCOUNT_KEYS, ROUTER_DEFAULTS, type AccountLimits, type RouterConfig } from '../router/config.js'

export interface AccountConfig {
  id: string
  smpp: SmppAccount
  rules: AccountRules
  ledger: AccountSetup
  limits: AccountLimits
  /** Hashes of the account's HTTP API keys. */
  apiKeys: string[]
}

export interface InstradaConfig {
  file: string
  /** The file's text, for worker threads to parse again. */
  text: string
  log: { level: string }
  smpp: SmppServerConfig
  accounts: AccountConfig[]
  rules: RulesConfig
  pricing: PricingConfig
  store: StoreConfig
  carriers: CarrierConfig[]
  routes: RoutingTable
  /** In-process simulated carriers; null = none. */
  simulator: SimulatorConfig | null
  router: RouterConfig
  /** GET /metrics listener; null = none. */
  metrics: { host: string, port: number } | null
  /** The HTTP API listener; null = none. */
  http: HttpConfig | null
}

const TOP_KEYS = ['log', 'smpp', 'accounts', 'rules', 'pricing', 'store', 'carriers', 'routes', 'simulator', 'router', 'metrics', 'http'] as const
const ACCOUNT_KEYS: readonly string[] = [...SMPP_ACCOUNT_KEYS, ...RULES_ACCOUNT_KEYS, ...LEDGER_ACCOUNT_KEYS, ...ROUTER_ACCOUNT_KEYS, ...HTTP_ACCOUNT_KEYS]

export function loadConfig (file: string): InstradaConfig {
  return parseConfigText(ConfigNode.readText(file), file)
}

export function parseConfigText (text: string, file: string): InstradaConfig {
  return parseConfig(ConfigNode.parse(text, file), file, text)
}

function parseConfig (root: ConfigNode, file: string, text: string): InstradaConfig {
  root.allowOnly(TOP_KEYS)
  const log = root.child('log').allowOnly(['level'])
  const rules = root.child('rules').exists ? parseRulesConfig(root.child('rules')) : defaultRulesConfig()
  const accounts = parseAccounts(root, rules)
  const carriers = parseCarriers(root)
  const routes = parseRoutes(root, new Set(carriers.map((c) => c.name)))
  const sim = root.child('simulator')
  return {
    file,
    text,
    log: { level: log.oneOf('level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info') },
    smpp: parseSmppConfig(root.child('smpp')),
    accounts,
    rules,
    pricing: root.child('pricing').exists ? parsePricing(root.child('pricing')) : DEFAULT_PRICING,
    store: parseStoreConfig(root.child('store')),
    carriers,
    routes,
    simulator: sim.exists ? parseSimulatorConfig(sim) : null,
    router: root.child('router').exists ? parseRouterConfig(root.child('router')) : ROUTER_DEFAULTS,
    metrics: parseMetrics(root.child('metrics')),
    http: parseHttpConfig(root.child('http'))
  }
}

function parseAccounts (root: ConfigNode, rules: RulesConfig): AccountConfig[] {
  const seen = new Set<string>()
  return root.list('accounts').map((node) => {
    node.allowOnly(ACCOUNT_KEYS)
    const smpp = parseSmppAccount(node)
    if (seen.has(smpp.systemId)) throw node.fail('system_id', `duplicate system_id '${smpp.systemId}'`)
    seen.add(smpp.systemId)
    return {
      id: smpp.systemId,
      smpp,
      rules: parseAccountRules(node, rules),
      ledger: parseAccountSetup(node),
      limits: parseAccountLimits(node),
      apiKeys: parseApiKeys(node)
    }
  })
}

function parseMetrics (m: ConfigNode): { host: string, port: number } | null {
  if (!m.exists) return null
  m.allowOnly(['host', 'port'])
  return { host: m.string('host', '127.0.0.1'), port: m.int('port', 9464, { min: 0, max: 65535 }) }
}
