// A route: filters that must all match, and the carriers it sends to — one, or a weighted set.

import type { RouteContext, RouteFilter } from './filters.js'

export interface WeightedCarrier {
  carrier: string
  weight: number
}

export class Route {
  readonly name: string
  readonly filters: readonly RouteFilter[]
  readonly carriers: readonly WeightedCarrier[]
  private readonly totalWeight: number

  constructor (name: string, filters: readonly RouteFilter[], carriers: readonly WeightedCarrier[]) {
    this.name = name
    this.filters = filters
    this.carriers = carriers
    this.totalWeight = carriers.reduce((sum, c) => sum + c.weight, 0)
  }

  match (ctx: RouteContext): boolean {
    for (let i = 0; i < this.filters.length; i++) {
      if (!this.filters[i].match(ctx)) return false
    }
    return true
  }

  /**
   * Appends this route's carriers to `plan` in the order to try them: a weighted draw without
   * replacement, so a 3:1 split sends 75% of first attempts to the heavier carrier and the other
   * one is still the next fallback. `random` returns [0, 1).
   */
  appendPlan (plan: string[], random: () => number): void {
    if (this.carriers.length === 1) {
      const only = this.carriers[0].carrier
      if (!plan.includes(only)) plan.push(only)
      return
    }
    const left = this.carriers.slice()
    let weight = this.totalWeight
    while (left.length > 0) {
      let r = random() * weight
      let i = 0
      while (i < left.length - 1 && r >= left[i].weight) { r -= left[i].weight; i++ }
      const picked = left[i]
      left.splice(i, 1)
      weight -= picked.weight
      if (!plan.includes(picked.carrier)) plan.push(picked.carrier)
    }
  }

  describe (): string {
    const when = this.filters.length === 0 ? 'always' : this.filters.map((f) => f.description).join(' and ')
    const to = this.carriers.map((c) => this.carriers.length === 1 ? c.carrier : `${c.carrier}×${c.weight}`).join(' | ')
    return `${this.name}: ${when} → ${to}`
  }
}
