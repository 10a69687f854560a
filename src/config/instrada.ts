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
import { parseAccountWebhook, parseWebhooksConfig, WEBHOOK_ACCOUNT_KEYS, type AccountWebhook, type WebhooksConfig } from '../webhooks/config.js'
import { parseAccountLimits, parseRouterConfig, ROUTER_ACCOUNT_KEYS, ROUTER_DEFAULTS, type AccountLimits, type RouterConfig } from '../router/config.js'

export interface AccountConfig {
  id: string
  smpp: SmppAccount
  rules: AccountRules
  ledger: AccountSetup
  limits: AccountLimits
  /** Hashes of the account's HTTP API keys. */
  apiKeys: string[]
  /** Where and how the account's webhooks go; null = none (per-message callback_url needs it too). */
  webhook: AccountWebhook | null
}

/**
 * Account changes made over the admin API (src/admin/), kept in the store: per system_id, a
 * mapping in the config's own account shape (snake_case keys, what a YAML account would hold).
 * For an account in the file it holds the keys that override the file's (null removes a key);
 * an account created over the API has its full mapping, system_id included. Plain data, so it
 * crosses to worker threads with the text.
 */
export interface ConfigOverlay {
  accounts: Record<string, Record<string, unknown>>
}

export interface InstradaConfig {
  file: string
  /** The file's text, for worker threads to parse again. */
  text: string
  /** The admin overlay this config was parsed with (null = the file alone). */
  overlay: ConfigOverlay | null
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
  /** The webhook sender (defaults when the section is absent). */
  webhooks: WebhooksConfig
}

const TOP_KEYS = ['log', 'smpp', 'accounts', 'rules', 'pricing', 'store', 'carriers', 'routes', 'simulator', 'router', 'metrics', 'http', 'webhooks'] as const
const ACCOUNT_KEYS: readonly string[] = [...SMPP_ACCOUNT_KEYS, ...RULES_ACCOUNT_KEYS, ...LEDGER_ACCOUNT_KEYS, ...ROUTER_ACCOUNT_KEYS, ...HTTP_ACCOUNT_KEYS, ...WEBHOOK_ACCOUNT_KEYS]

export function loadConfig (file: string, overlay: ConfigOverlay | null = null): InstradaConfig {
  return parseConfigText(ConfigNode.readText(file), file, overlay)
}

/**
 * The effective config: the file's text plus the admin overlay, both through the same parsers,
 * so admin input is checked exactly as the file is (its errors name `admin:accounts/<id>`).
 */
export function parseConfigText (text: string, file: string, overlay: ConfigOverlay | null = null): InstradaConfig {
  return parseConfig(ConfigNode.parse(text, file), file, text, overlay)
}

function parseConfig (root: ConfigNode, file: string, text: string, overlay: ConfigOverlay | null): InstradaConfig {
  root.allowOnly(TOP_KEYS)
  const log = root.child('log').allowOnly(['level'])
  const rules = root.child('rules').exists ? parseRulesConfig(root.child('rules')) : defaultRulesConfig()
  const accounts = parseAccounts(accountNodes(root, overlay), rules)
  const carriers = parseCarriers(root)
  const routes = parseRoutes(root, new Set(carriers.map((c) => c.name)))
  const sim = root.child('simulator')
  return {
    file,
    text,
    overlay,
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
    http: parseHttpConfig(root.child('http')),
    webhooks: parseWebhooksConfig(root.child('webhooks'))
  }
}

/**
 * The account mappings to parse: the file's, each overlaid by its admin document (shallow: a key
 * of the document replaces the file's), then the accounts created over the API. A document
 * without system_id overrides a file account; if that account has left the file, it is ignored.
 */
function accountNodes (root: ConfigNode, overlay: ConfigOverlay | null): ConfigNode[] {
  const fileNodes = root.list('accounts')
  if (overlay === null) return fileNodes
  const docs = overlay.accounts
  const used = new Set<string>()
  const nodes = fileNodes.map((node) => {
    const id = node.isMap() ? node.toJS('system_id') : undefined
    if ((typeof id !== 'string' && typeof id !== 'number') || !Object.hasOwn(docs, String(id))) return node
    used.add(String(id))
    return overlayNode(String(id), { ...(node.toJS() as Record<string, unknown>), ...docs[String(id)], system_id: id })
  })
  for (const [id, doc] of Object.entries(docs)) {
    if (!used.has(id) && Object.hasOwn(doc, 'system_id')) nodes.push(overlayNode(id, doc))
  }
  return nodes
}

function overlayNode (id: string, mapping: Record<string, unknown>): ConfigNode {
  const clean: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(mapping)) if (v !== null && v !== undefined) clean[k] = v
  // YAML is a superset of JSON: the same parser, and errors name the admin document.
  return ConfigNode.parse(JSON.stringify(clean), `admin:accounts/${id}`)
}

function parseAccounts (list: ConfigNode[], rules: RulesConfig): AccountConfig[] {
  const seen = new Set<string>()
  const keywords = new Map<string, string>()
  return list.map((node) => {
    node.allowOnly(ACCOUNT_KEYS)
    const smpp = parseSmppAccount(node)
    if (seen.has(smpp.systemId)) throw node.fail('system_id', `duplicate system_id '${smpp.systemId}'`)
    seen.add(smpp.systemId)
    const limits = parseAccountLimits(node)
    if (limits.moKeyword !== null) {
      const owner = keywords.get(limits.moKeyword)
      if (owner !== undefined) throw node.fail('mo_keyword', `'${limits.moKeyword}' is already account '${owner}'s receive code`)
      keywords.set(limits.moKeyword, smpp.systemId)
    }
    return {
      id: smpp.systemId,
      smpp,
      rules: parseAccountRules(node, rules),
      ledger: parseAccountSetup(node),
      limits,
      apiKeys: parseApiKeys(node),
      webhook: parseAccountWebhook(node)
    }
  })
}

function parseMetrics (m: ConfigNode): { host: string, port: number } | null {
  if (!m.exists) return null
  m.allowOnly(['host', 'port'])
  return { host: m.string('host', '127.0.0.1'), port: m.int('port', 9464, { min: 0, max: 65535 }) }
}
