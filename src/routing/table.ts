// The routing table: routes tried in order. `plan()` returns, per message, the ordered list of
// carriers to try (every matching route contributes, in table order, so failover runs down the
// table); no cursor is kept on a route, so concurrent messages never disturb each other.

import type { RouteContext } from './filters.js'
import type { Route } from './route.js'

export class RoutingTable {
  readonly routes: readonly Route[]
  private readonly random: () => number

  constructor (routes: readonly Route[], random: () => number = Math.random) {
    this.routes = routes
    this.random = random
  }

  /** Carriers to try for this message, best first; empty when no route matches. */
  plan (ctx: RouteContext): string[] {
    const plan: string[] = []
    for (let i = 0; i < this.routes.length; i++) {
      const route = this.routes[i]
      if (route.match(ctx)) route.appendPlan(plan, this.random)
    }
    return plan
  }

  /** Carrier names referenced anywhere in the table. */
  carriers (): Set<string> {
    const names = new Set<string>()
    for (const r of this.routes) for (const c of r.carriers) names.add(c.carrier)
    return names
  }

  describe (): string[] {
    return this.routes.map((r) => r.describe())
  }
}
