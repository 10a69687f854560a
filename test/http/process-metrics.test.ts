// Node's process metrics (CPU, memory, event-loop lag, heap) on /metrics, from the main thread's
// registry: present with inline and worker engines, on the HTTP API and the metrics listener,
// each family once; a worker's copy of a process metric is never added to the main thread's;
// and a second router on the same registry doesn't trip prom-client's duplicate-name error.

import t from 'tap'
import { collectProcessMetrics, counter, Registry } from '../../src/metrics.js'
import { MetricsServer } from '../../src/router/metrics-server.js'
import { Router } from '../../src/router/router.js'
import { createLogger } from '../../src/log.js'
import { testConfig } from '../router/helpers.js'
import { startApi } from './helpers.js'

interface Family { type: string, samples: Map<string, number> }

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\]|\\\\.)*",?)*\\}`
const SAMPLE = new RegExp(`^(${NAME})(${LABELS})? (\\S+)$`)
const SUFFIXES = ['_bucket', '_sum', '_count']

/**
 * The Prometheus text format, strictly: every sample belongs to the family whose TYPE came last
 * (a histogram's _bucket/_sum/_count included), no family is declared twice, no sample (name and
 * labels) appears twice, every value is a number. Throws on the first problem.
 */
function parseExposition (text: string): Map<string, Family> {
  const families = new Map<string, Family>()
  let current: [string, Family] | null = null
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type !== null) {
      if (families.has(type[1])) throw new Error(`family ${type[1]} declared twice`)
      current = [type[1], { type: type[2], samples: new Map() }]
      families.set(...current)
      continue
    }
    const m = SAMPLE.exec(line)
    if (m === null) throw new Error(`not a sample line: ${line}`)
    const [, name, labels = '', value] = m
    if (current === null || !(name === current[0] || SUFFIXES.some((s) => name === current![0] + s))) throw new Error(`sample ${name} outside its family`)
    const key = name + labels
    if (current[1].samples.has(key)) throw new Error(`sample ${key} twice`)
    // prom-client writes NaN as 'Nan' (an event-loop histogram with no sample yet); Prometheus
    // reads floats with Go's ParseFloat, which takes NaN and Inf in any case.
    const v = /^nan$/i.test(value) ? NaN : /^[+-]?inf$/i.test(value) ? (value.startsWith('-') ? -Infinity : Infinity) : Number(value)
    if (Number.isNaN(v) && !/^nan$/i.test(value)) throw new Error(`not a number: ${line}`)
    current[1].samples.set(key, v)
  }
  return families
}

function value (families: Map<string, Family>, name: string): number | undefined {
  return families.get(name)?.samples.get(name)
}

const PROCESS = ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds']

for (const workers of [0, 1]) {
  t.test(`process metrics on /metrics (workers: ${workers})`, async (t) => {
    const api = await startApi(t, { workers, extra: 'metrics: { port: 0 }' })
    await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'count me' })
    const viaApi = await fetch(`${api.base}/metrics`)
    const viaListener = await fetch(`http://127.0.0.1:${api.router.metrics!.port}/metrics`)
    for (const [where, res] of [['HTTP API', viaApi], ['metrics listener', viaListener]] as const) {
      t.equal(res.status, 200, where)
      const text = await res.text()
      let families = new Map<string, Family>()
      t.doesNotThrow(() => { families = parseExposition(text) }, `${where}: parses, each family and sample once`)
      for (const name of PROCESS) t.ok(families.has(name), `${where}: ${name}`)
      t.ok((value(families, 'process_resident_memory_bytes') ?? 0) > 10_000_000, `${where}: resident memory in bytes`)
      t.ok((value(families, 'nodejs_eventloop_lag_seconds') ?? -1) >= 0, `${where}: event-loop lag in seconds`)
      const started = value(families, 'process_start_time_seconds') ?? 0
      t.ok(Math.abs(started - (Date.now() / 1000 - process.uptime())) < 5, `${where}: this process's start time (not dropped by the merge)`)
      t.ok((value(families, 'process_cpu_seconds_total') ?? Infinity) <= process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 + 0.5, `${where}: the process's CPU, counted once`)
      t.ok(families.has('instrada_carrier_binds_up'), `${where}: engine metrics still merged in`)
      t.equal(families.get('instrada_http_requests_total')?.samples.get('instrada_http_requests_total{route="/v1/messages",status="202"}'), 1, `${where}: main-thread metrics as before`)
    }
  })
}

t.test('a worker\'s copy of a process metric is ignored, its own metrics are summed', async (t) => {
  const main = new Registry()
  counter(main, 'instrada_test_total', 'a counter on both threads').inc(2)
  const other = new Registry()
  collectProcessMetrics(other)
  counter(other, 'instrada_test_total', 'a counter on both threads').inc(3)
  const worker = (await other.getMetricsAsJSON()).map((m) => m.name === 'process_resident_memory_bytes' ? { ...m, values: m.values.map((v) => ({ ...v, value: 1e15 })) } : m)
  const server = new MetricsServer({ host: '127.0.0.1', port: 0 }, main, async () => [worker], createLogger({ level: 'silent' }))
  const families = parseExposition(await server.text())
  t.equal(value(families, 'instrada_test_total'), 5, 'summed across threads')
  const rss = value(families, 'process_resident_memory_bytes') ?? 0
  t.ok(rss > 0 && rss < 1e15, 'the main thread\'s resident memory, not the worker\'s nor a sum')
  t.ok(families.has('process_start_time_seconds'), 'kept although its aggregator is \'omit\'')
})

t.test('two routers on one registry: process metrics registered once', async (t) => {
  const registry = new Registry()
  const routers: Router[] = []
  for (let i = 0; i < 2; i++) {
    const setup = await testConfig({ extra: 'http: { port: 0 }\nmetrics: { port: 0 }' })
    t.teardown(setup.cleanup)
    t.doesNotThrow(() => routers.push(new Router(setup.config, { registry })), `router ${i + 1} built`)
    t.teardown(() => routers[i]?.close())
  }
  collectProcessMetrics(registry)
  const families = parseExposition(await registry.metrics())
  t.ok(families.has('process_resident_memory_bytes'), 'collected in the shared registry')
})
