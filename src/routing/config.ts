// `routes:` from YAML → a RoutingTable. Checked completely at load: unknown keys, empty carrier
// sets, bad weights and carriers that don't exist are refused with file, line and key, so a
// reload with a bad file changes nothing.

import type { ConfigNode } from '../config/node.js'
import {
  AccountFilter, CountryFilter, PrefixFilter, SenderKindFilter, TypeFilter,
  type RouteFilter, type SenderKind, type SmsType
} from './filters.js'
import { Route, type WeightedCarrier } from './route.js'
import { RoutingTable } from './table.js'

const ROUTE_KEYS = ['name', 'match', 'carrier', 'carriers'] as const
const MATCH_KEYS = ['prefix', 'country', 'account', 'type', 'sender_kind'] as const
const TYPES: readonly SmsType[] = ['smart', 'pro', 'reply']
const KINDS: readonly SenderKind[] = ['alpha', 'numeric']

/**
 * @param root the config root holding `routes:`
 * @param knownCarriers names of the configured carriers; a route naming another is an error
 */
export function parseRoutes (root: ConfigNode, knownCarriers: ReadonlySet<string>, random?: () => number): RoutingTable {
  const routes: Route[] = []
  const names = new Set<string>()
  for (const [i, node] of root.list('routes').entries()) {
    node.allowOnly(ROUTE_KEYS)
    const name = node.string('name', `route-${i + 1}`)
    if (names.has(name)) throw node.fail('name', `duplicate route name '${name}'`)
    names.add(name)
    routes.push(new Route(name, parseFilters(node.child('match')), parseCarriers(node, knownCarriers)))
  }
  if (routes.length === 0) throw root.fail('routes', 'at least one route is required')
  return new RoutingTable(routes, random)
}

function parseFilters (match: ConfigNode): RouteFilter[] {
  if (!match.exists) return []
  match.allowOnly(MATCH_KEYS)
  const filters: RouteFilter[] = []
  if (match.has('prefix')) {
    const prefixes = match.strings('prefix')
    for (const p of prefixes) if (!/^\d{1,15}$/.test(p)) throw match.fail('prefix', `'${p}' is not a digit prefix`)
    filters.push(new PrefixFilter(prefixes))
  }
  if (match.has('country')) {
    const countries = match.strings('country')
    for (const c of countries) if (!/^[A-Za-z]{2}$/.test(c)) throw match.fail('country', `'${c}' is not an ISO 3166 alpha-2 code`)
    filters.push(new CountryFilter(countries))
  }
  if (match.has('account')) filters.push(new AccountFilter(match.strings('account')))
  if (match.has('type')) filters.push(new TypeFilter(oneOfEach(match, 'type', TYPES)))
  if (match.has('sender_kind')) filters.push(new SenderKindFilter(oneOfEach(match, 'sender_kind', KINDS)))
  return filters
}

function oneOfEach<T extends string> (node: ConfigNode, key: string, allowed: readonly T[]): T[] {
  const values = node.strings(key)
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) throw node.fail(key, `'${v}' is not one of ${allowed.join(', ')}`)
  }
  return values as T[]
}

function parseCarriers (node: ConfigNode, known: ReadonlySet<string>): WeightedCarrier[] {
  const single = node.has('carrier')
  const set = node.has('carriers')
  if (single === set) throw node.fail(single ? 'carriers' : '', 'a route needs exactly one of `carrier` or `carriers`')
  const check = (key: string, name: string): void => {
    if (!known.has(name)) throw node.fail(key, `unknown carrier '${name}' (configured: ${[...known].join(', ') || 'none'})`)
  }
  if (single) {
    const name = node.string('carrier')
    check('carrier', name)
    return [{ carrier: name, weight: 1 }]
  }
  const list = node.list('carriers')
  if (list.length === 0) throw node.fail('carriers', 'must name at least one carrier')
  const seen = new Set<string>()
  return list.map((item) => {
    item.allowOnly(['name', 'weight'])
    const name = item.string('name')
    check('carriers', name)
    if (seen.has(name)) throw item.fail('name', `carrier '${name}' listed twice`)
    seen.add(name)
    return { carrier: name, weight: item.int('weight', 1, { min: 1, max: 1_000_000 }) }
  })
}
