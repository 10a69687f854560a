// prom-client metrics live in a Registry passed to each component (never the global one), so
// several servers in one process (tests, the simulator beside the router) don't collide.
// `counter()` and friends return the existing metric when a second component registers it.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

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

/**
 * Node's process metrics (process_*, nodejs_*: CPU, memory, event-loop lag, heap, GC) in
 * `registry`, once: a registry that has them already is left alone, so building a second
 * component on the same registry doesn't throw prom-client's duplicate-name error.
 * The engine workers don't collect them: the process-wide figures would be counted once per
 * thread (see isProcessMetric).
 */
export function collectProcessMetrics (registry: Registry): void {
  if (registry.getSingleMetric('process_cpu_user_seconds_total') !== undefined) return
  collectDefaultMetrics({ register: registry })
}

/** A metric of collectProcessMetrics: describes the main thread or the whole process, not one engine. */
export function isProcessMetric (name: string): boolean {
  return name.startsWith('process_') || name.startsWith('nodejs_')
}
