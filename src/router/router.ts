// The router process: optional in-process simulated carriers, the engines (inline or worker
// threads), and the customer-facing SMPP server with its intake, ingress and outbox.
// Start order follows the data: carriers first (so engines can bind), then engines, then the
// customer port. Close runs the other way round.

import { loadConfig, type InstradaConfig } from '../config/instrada.js'
import { createLogger, type Logger } from '../log.js'
import { Registry } from '../metrics.js'
import { Simulator } from '../sim/index.js'
import { SmppServer } from '../smpp/server.js'
import { EngineSet } from './host.js'
import { CustomerIngress } from './ingress.js'
import { Intake } from './intake.js'
import { CustomerOutbox } from './outbox.js'
import { MetricsServer } from './metrics-server.js'
import { HttpApi } from '../http/index.js'
import { Pricing } from '../ledger/index.js'
import { LmdbStore } from '../store/index.js'

export interface RouterOptions {
  logger?: Logger
  registry?: Registry
}

export class Router {
  config: InstradaConfig
  readonly log: Logger
  readonly registry: Registry
  readonly simulator: Simulator | null
  readonly engines: EngineSet
  readonly intake: Intake
  readonly server: SmppServer
  readonly metrics: MetricsServer | null
  /** The HTTP API, when the config has an `http:` section. */
  readonly http: HttpApi | null
  /**
   * The main thread's handle on the node's store, for the HTTP API (search, admin, documents) and
   * the webhook sender. Inline: the engine's own; with worker threads: a second handle on the same
   * environment (no recovery, no pruning: engine 0 does those).
   */
  readonly store: LmdbStore
  private enginesStarted = false
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor (config: InstradaConfig, opts: RouterOptions = {}) {
    this.config = config
    this.log = opts.logger ?? createLogger({ level: config.log.level })
    this.registry = opts.registry ?? new Registry()
    this.simulator = config.simulator !== null ? new Simulator(config.simulator, { logger: this.log, registry: this.registry }) : null
    this.engines = new EngineSet(config, this.log, this.registry)
    this.store = this.engines.engine?.store ??
      new LmdbStore({ config: config.store, pricing: new Pricing(config.pricing), logger: this.log, recover: false, prune: false })
    this.intake = new Intake(config)
    const outbox = new CustomerOutbox(this.engines, this.log, this.registry)
    const ingress = new CustomerIngress(this.intake, this.engines, outbox, this.log, this.registry)
    this.server = new SmppServer({
      config: config.smpp,
      accounts: config.accounts.map((a) => a.smpp),
      handler: ingress,
      logger: this.log,
      registry: this.registry
    })
    this.metrics = config.metrics === null ? null : new MetricsServer(config.metrics, this.registry, async () => await this.engines.workerMetrics(), this.log)
    this.http = config.http === null ? null : this.buildHttp(config)
  }

  private buildHttp (config: InstradaConfig): HttpApi {
    // Not started when there is no metrics listener: only its merged text() is used.
    const merged = this.metrics ?? new MetricsServer({ host: '127.0.0.1', port: 0 }, this.registry, async () => await this.engines.workerMetrics(), this.log)
    return new HttpApi(config.http!, {
      config,
      intake: this.intake,
      engines: this.engines,
      store: this.store,
      logger: this.log,
      registry: this.registry,
      system: {
        started: () => this.enginesStarted,
        carriersUp: async () => await this.carrierBindsUp(),
        metricsText: async () => await merged.text(),
        metricsContentType: this.registry.contentType
      }
    })
  }

  /** Carrier sessions bound, over the main registry (inline engine) and every worker's. */
  private async carrierBindsUp (): Promise<number> {
    let n = 0
    for (const reg of [await this.registry.getMetricsAsJSON(), ...await this.engines.workerMetrics()]) {
      for (const m of reg) if (m.name === 'instrada_carrier_binds_up') for (const v of m.values) n += v.value
    }
    return n
  }

  static fromFile (file: string, opts: RouterOptions = {}): Router {
    return new Router(loadConfig(file), opts)
  }

  get port (): number { return this.server.port }

  start (): Promise<void> {
    this.starting ??= (async () => {
      if (this.simulator !== null) await this.simulator.start()
      await this.engines.start()
      await this.store.start()
      this.enginesStarted = true
      await this.server.start()
      await this.metrics?.start()
      await this.http?.start()
      this.log.info({ port: this.server.port, http: this.http?.port, engines: this.engines.size, carriers: this.config.carriers.map((c) => c.name) }, 'router started')
    })()
    return this.starting
  }

  /**
   * Re-reads the config file and applies accounts, routes and limits without a restart. The new
   * file is validated completely first: a bad file changes nothing and the error says why.
   */
  async reload (file = this.config.file): Promise<void> {
    const next = loadConfig(file)
    await this.engines.reload(next)
    this.intake.reload(next)
    this.server.setAccounts(next.accounts.map((a) => a.smpp))
    this.http?.reload(next)
    this.config = next
    this.log.info({ file }, 'config reloaded')
  }

  close (): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => {})
      await this.http?.close()
      await this.metrics?.close()
      await this.server.close()
      await this.engines.close()
      await this.store.close()
      if (this.simulator !== null) await this.simulator.close()
    })()
    return this.closing
  }
}
