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
import { AutoReplySender } from './auto-reply.js'
import { MetricsServer } from './metrics-server.js'
import { HttpApi } from '../http/index.js'
import { Pricing } from '../ledger/index.js'
import { LmdbStore } from '../store/index.js'
import { wantsEvent, WebhookSender, type AccountWebhook } from '../webhooks/index.js'
import { AdminAccounts, SenderVerifier, configWithStoredOverlay } from '../admin/index.js'

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
  /**
   * Resolves with the error if an engine thread dies; the router has then closed itself (the
   * `start` command exits non-zero so a supervisor restarts it, and recovery resumes the work).
   */
  readonly failed: Promise<Error>
  private fail!: (err: Error) => void
  /** Sends the stored webhook events (status, inbound, low credit), over `store`. */
  readonly webhooks: WebhookSender
  private accountWebhooks = new Map<string, AccountWebhook>()
  /** Account changes made over the admin API: an overlay on the file, kept in the store. */
  readonly admin: AdminAccounts
  private enginesStarted = false
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor (config: InstradaConfig, opts: RouterOptions = {}) {
    this.config = config
    this.log = opts.logger ?? createLogger({ level: config.log.level })
    this.registry = opts.registry ?? new Registry()
    this.simulator = config.simulator !== null ? new Simulator(config.simulator, { logger: this.log, registry: this.registry }) : null
    this.engines = new EngineSet(config, this.log, this.registry)
    this.failed = new Promise((resolve) => { this.fail = resolve })
    this.engines.onEngineDied = (err) => {
      this.fail(err)
      this.close().catch((e: unknown) => this.log.error({ err: e }, 'close after an engine died failed'))
    }
    this.store = this.engines.engine?.store ??
      new LmdbStore({ config: config.store, pricing: new Pricing(config.pricing), logger: this.log, recover: false, prune: false })
    this.setWebhooks(config)
    this.webhooks = new WebhookSender({
      store: this.store,
      config: config.webhooks,
      accounts: (account) => this.accountWebhooks.get(account) ?? null,
      logger: this.log,
      registry: this.registry
    })
    this.intake = new Intake(config)
    const outbox = new CustomerOutbox(this.engines, this.log, this.registry)
    const autoReplies = new AutoReplySender(this.intake, this.engines, this.log, this.registry)
    this.engines.onAutoReply = (reply) => { void autoReplies.send(reply) }
    const ingress = new CustomerIngress(this.intake, this.engines, outbox, this.log, this.registry)
    this.server = new SmppServer({
      config: config.smpp,
      accounts: config.accounts.map((a) => a.smpp),
      handler: ingress,
      logger: this.log,
      registry: this.registry
    })
    void this.server.setSuspended(config.accounts.filter((a) => a.limits.suspended).map((a) => a.id))
    this.admin = new AdminAccounts({ store: this.store, current: () => this.config, apply: async (next) => await this.applyConfig(next) })
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
      // The admin route already runs inside the accounts' queue (AdminAccounts.exclusive).
      admin: { accounts: this.admin, verifier: new SenderVerifier(this.store), reload: async () => await this.reloadFile(this.config.file) },
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
    // The one gauge, not the whole registry: that would run the process collectors (a readdir of
    // /proc/self/fd among them) on every readiness probe.
    const own = await this.registry.getSingleMetric('instrada_carrier_binds_up')?.get()
    for (const reg of [own === undefined ? [] : [own], ...await this.engines.workerMetrics()]) {
      for (const m of reg) if (m.name === 'instrada_carrier_binds_up') for (const v of m.values) n += v.value
    }
    return n
  }

  /** The accounts' webhook settings, read by the sender at send time (so a reload rotates secrets). */
  private setWebhooks (config: InstradaConfig): void {
    const m = new Map<string, AccountWebhook>()
    for (const a of config.accounts) if (a.webhook !== null) m.set(a.id, a.webhook)
    this.accountWebhooks = m
    // Low-credit crossings caused on this thread (admin moves over HTTP) become events too.
    this.store.setLowCreditEvents(config.accounts.filter((a) => wantsEvent(a.webhook, 'credit.low')).map((a) => a.id))
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
      // Admin changes from earlier runs, applied before any customer port opens.
      const withOverlay = await configWithStoredOverlay(this.store, this.config, this.log)
      if (withOverlay !== this.config) await this.applyConfig(withOverlay)
      this.webhooks.start()
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
    // Queued behind (and ahead of) admin account changes: each reads the config in force when
    // its turn comes, so a SIGHUP can't put back an overlay an admin change just replaced.
    await this.admin.exclusive(async () => await this.reloadFile(file))
  }

  private async reloadFile (file: string): Promise<void> {
    const next = loadConfig(file, this.config.overlay)
    await this.applyConfig(next)
    this.log.info({ file }, 'config reloaded')
  }

  /** Puts a parsed config in force everywhere (file reload and admin changes alike). */
  private async applyConfig (next: InstradaConfig): Promise<void> {
    await this.engines.reload(next)
    this.intake.reload(next)
    this.server.setAccounts(next.accounts.map((a) => a.smpp))
    this.http?.reload(next)
    this.setWebhooks(next)
    this.webhooks.reload(next.webhooks, (account) => this.accountWebhooks.get(account) ?? null)
    this.config = next
    await this.server.setSuspended(next.accounts.filter((a) => a.limits.suspended).map((a) => a.id))
  }

  close (): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => {})
      await this.http?.close()
      // Before the engines: inline, the store it writes to is the engine's.
      await this.webhooks.close()
      await this.metrics?.close()
      await this.server.close()
      await this.engines.close()
      await this.store.close()
      if (this.simulator !== null) await this.simulator.close()
    })()
    return this.closing
  }
}
