// Public face of the routing domain.
export { parseRoutes } from './config.js'
export { RoutingTable } from './table.js'
export { Route } from './route.js'
export type { WeightedCarrier } from './route.js'
export {
  PrefixFilter, CountryFilter, AccountFilter, TypeFilter, SenderKindFilter
} from './filters.js'
export type { RouteContext, RouteFilter, SmsType, SenderKind } from './filters.js'
