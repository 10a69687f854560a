// prom-client metrics live in a Registry passed to each component (never the global one), so
// several servers in one process (tests, the simulator beside the router) don't collide.
// `counter()` and friends return the existing metric when a second component registers it.

import { Counter, Gauge, Histogram, Registry } from 'prom-client'

export { Registry }

export function counter<L extends string> (registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  const existing = registry.getSingleMetric(name)
  if (existing !== undefined) return existing as Counter<L>
  return new Counter<L>({ name, help, labelNames, registers: [registry] })
}

export function gauge<L extends string> (registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  const existing = registry.getSingleMetric(name)
  if (existing !== undefined) return existing as Gauge<L>
  return new Gauge<L>({ name, help, labelNames, registers: [registry] })
}

export function histogram<L extends string> (registry: Registry, name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
  const existing = registry.getSingleMetric(name)
  if (existing !== undefined) return existing as Histogram<L>
  return new Histogram<L>({ name, help, buckets, labelNames, registers: [registry] })
}
