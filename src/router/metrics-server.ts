// GET /metrics on loopback: the main thread's registry and every engine worker's, merged
// (counters and gauges summed across threads, as prom-client's AggregatorRegistry does), plus
// Node's process metrics, collected on the main thread only.

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AggregatorRegistry } from 'prom-client'
import type { Logger } from '../log.js'
import { collectProcessMetrics, isProcessMetric, type Registry } from '../metrics.js'
import type { MetricsJson } from './host.js'

export interface MetricsListenConfig {
  host: string
  port: number
}

export class MetricsServer {
  private server: Server | null = null
  private closing: Promise<void> | null = null

  constructor (
    private readonly config: MetricsListenConfig,
    private readonly main: Registry,
    private readonly workers: () => Promise<MetricsJson[]>,
    private readonly log: Logger
  ) {
    collectProcessMetrics(main)
  }

  get port (): number { return (this.server?.address() as AddressInfo | null)?.port ?? 0 }

  /** The merged exposition text. */
  async text (): Promise<string> {
    const parts = await this.workers()
    if (parts.length === 0) return await this.main.metrics()
    // Process metrics come from the main thread alone, taken as they are: not summed with a
    // worker's copy (were one ever collected there), and not dropped by their own aggregator
    // (process_start_time_seconds says 'omit', meant for cluster processes).
    const own = (await this.main.getMetricsAsJSON()).map((m) => isProcessMetric(m.name) ? { ...m, aggregator: 'first' as const } : m)
    const theirs = parts.map((p) => p.filter((m) => !isProcessMetric(m.name)))
    return await AggregatorRegistry.aggregate([own, ...theirs]).metrics()
  }

  async start (): Promise<void> {
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found: GET /metrics"}')
        return
      }
      this.text().then((body) => {
        res.writeHead(200, { 'content-type': this.main.contentType }).end(body)
      }, (err: unknown) => {
        this.log.error({ err }, 'metrics collection failed')
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"metrics collection failed"}')
      })
    })
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.config.port, this.config.host, () => { server.off('error', reject); resolve() })
    })
  }

  close (): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      if (this.server === null) { resolve(); return }
      this.server.closeAllConnections()
      this.server.close(() => resolve())
    })
    return this.closing
  }
}
