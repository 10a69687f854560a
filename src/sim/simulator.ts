// The Simulator: several simulated carriers in one process (each its own listener, accounts and
// engine), one shared timer driving every carrier's receipt wheel, an optional control endpoint,
// and prom-client metrics read from the engines' plain counters at scrape time.

import { ClosedError, ConfigError } from '../errors.js'
import { silentLogger, type Logger } from '../log.js'
import { counter, gauge, Registry } from '../metrics.js'
import { SimCarrier } from './carrier.js'
import { defaultSimulatorConfig, loadSimulatorConfig, type SimulatorConfig } from './config.js'
import { SimListener } from './listener.js'
import { ControlServer } from './control.js'
import type { MoRequest } from './handsets.js'
import { STATS } from './outcomes.js'
import { statusName } from '../smpp/index.js'

export interface SimulatorOptions {
  logger?: Logger
  registry?: Registry
  /** The file the config came from: reload() without arguments reads it again. */
  configFile?: string | null
}

interface Entry { carrier: SimCarrier, listener: SimListener }

/** The busy timer period: receipts fire at most this late. */
const BUSY_TICK_MS = 1
const IDLE_TICK_MS = 20

export class Simulator {
  config: SimulatorConfig
  readonly registry: Registry
  readonly closed: Promise<void>
  readonly configFile: string | null
  private readonly log: Logger
  private readonly entries = new Map<string, Entry>()
  private control: ControlServer | null = null
  private timer: NodeJS.Timeout | null = null
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private resolveClosed!: () => void

  constructor (config: SimulatorConfig = defaultSimulatorConfig(), opts: SimulatorOptions = {}) {
    this.config = config
    this.log = (opts.logger ?? silentLogger).child({ component: 'sim' })
    this.registry = opts.registry ?? new Registry()
    this.configFile = opts.configFile ?? null
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve })
    for (const p of config.carriers) {
      const carrier = new SimCarrier(p, { recent: config.control.lastMessages })
      this.entries.set(p.name, { carrier, listener: new SimListener(carrier, { window: p.window, logger: this.log }) })
    }
    this.metrics()
  }

  start (): Promise<void> {
    if (this.closing !== null) return Promise.reject(new ClosedError('simulator'))
    if (this.starting === null) this.starting = this.listen()
    return this.starting
  }

  private async listen (): Promise<void> {
    try {
      await Promise.all([...this.entries.values()].map(async (e) => await e.listener.start()))
      if (this.config.control.port !== null) {
        this.control = new ControlServer(this, this.config.control.host, this.config.control.port)
        await this.control.start()
      }
    } catch (err) {
      // Not close(): it waits for this very start to settle.
      await Promise.all([...[...this.entries.values()].map(async (e) => await e.listener.close()), this.control?.close()])
      throw err
    }
    this.schedule(BUSY_TICK_MS)
    for (const e of this.entries.values()) {
      const p = e.carrier.profile
      this.log.info({ carrier: p.name, host: p.host, port: e.listener.port, accounts: p.accounts.map((a) => a.systemId) }, 'carrier listening')
    }
    if (this.control !== null) this.log.info({ host: this.config.control.host, port: this.control.port }, 'control endpoint listening')
  }

  /** Stops every listener (unbinding sessions) and the control endpoint. Idempotent. */
  close (): Promise<void> {
    if (this.closing === null) this.closing = this.shutdown()
    return this.closing
  }

  private async shutdown (): Promise<void> {
    await this.starting?.catch(() => {})
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    await Promise.all([
      ...[...this.entries.values()].map(async (e) => await e.listener.close()),
      this.control?.close()
    ])
    this.resolveClosed()
  }

  private schedule (ms: number): void {
    if (this.closing !== null) return
    this.timer = setTimeout(this.tick, ms)
    this.timer.unref()
  }

  private readonly tick = (): void => {
    let busy = false
    for (const e of this.entries.values()) {
      if (e.carrier.tick() || e.carrier.links.size > 0) busy = true
    }
    this.schedule(busy ? BUSY_TICK_MS : IDLE_TICK_MS)
  }

  get carrierNames (): string[] { return [...this.entries.keys()] }

  /** The named carrier's engine (the first one when no name is given). */
  carrier (name?: string): SimCarrier {
    return this.entry(name).carrier
  }

  /** The port the named (or first) carrier listens on: the real one when configured as 0. */
  port (name?: string): number {
    return this.entry(name).listener.port
  }

  get controlPort (): number { return this.control?.port ?? 0 }

  listener (name?: string): SimListener {
    return this.entry(name).listener
  }

  private entry (name?: string): Entry {
    const e = name === undefined ? this.entries.values().next().value : this.entries.get(name)
    if (e === undefined) throw new ConfigError('(simulator)', 0, 'carrier', `no carrier named '${name ?? ''}' (have: ${this.carrierNames.join(', ')})`)
    return e
  }

  /**
   * Applies a new configuration without a restart: profiles (outcomes, latency, faults, accounts,
   * handsets, HLR) change at once and the message state is kept. Carriers must keep their names
   * and listen addresses; otherwise nothing changes and a ConfigError says why.
   */
  reload (next?: SimulatorConfig): void {
    if (next === undefined) {
      if (this.configFile === null) throw new ConfigError('(simulator)', 0, '(reload)', 'no config file to reload (started without --config)')
      next = loadSimulatorConfig(this.configFile)
    }
    const have = this.carrierNames.join(',')
    const want = next.carriers.map((c) => c.name).join(',')
    if (have !== want) throw new ConfigError(this.configFile ?? '(reload)', 0, 'carriers', `adding, removing or renaming carriers needs a restart (running: ${have}; file: ${want})`)
    for (const p of next.carriers) {
      const old = this.entry(p.name).carrier.profile
      if (p.host !== old.host || p.port !== old.port) throw new ConfigError(this.configFile ?? '(reload)', 0, `carriers.${p.name}`, `changing the listen address (${old.host}:${old.port} → ${p.host}:${p.port}) needs a restart`)
      if (p.window !== old.window) throw new ConfigError(this.configFile ?? '(reload)', 0, `carriers.${p.name}.window`, 'changing the window needs a restart')
    }
    if (next.control.port !== this.config.control.port || next.control.host !== this.config.control.host) {
      throw new ConfigError(this.configFile ?? '(reload)', 0, 'control', 'changing the control address needs a restart')
    }
    for (const p of next.carriers) this.entry(p.name).carrier.reload(p)
    this.config = next
    this.log.info({ carriers: want }, 'profiles reloaded')
  }

  /** Forgets messages, queues and counters of one carrier, or of all. */
  reset (name?: string): void {
    for (const [n, e] of this.entries) if (name === undefined || n === name) e.carrier.reset()
  }

  injectMo (name: string | undefined, req: MoRequest): number {
    return this.carrier(name).sendMo(req)
  }

  /** Counters per carrier, per bind and per outcome (the control endpoint's /status). */
  status (): Record<string, unknown> {
    const carriers = [...this.entries.values()].map(({ carrier: c, listener: l }) => ({
      name: c.name,
      host: c.profile.host,
      port: l.port,
      accounts: c.profile.accounts.map((a) => a.systemId),
      latency: c.profile.latency.describe(),
      outcomeMix: Object.fromEntries(c.profile.outcomes.entries.map((e) => [STATS[e.stat], c.profile.outcomes.share(e.stat)])),
      pendingReceipts: c.pendingReceipts,
      queuedDeliveries: c.delivery.queued,
      messages: c.table.size,
      counters: c.counters.toJSON(),
      delivery: { ...c.delivery.stats },
      binds: [...c.links].map((ls) => ({
        id: ls.id,
        systemId: ls.link.systemId,
        receives: ls.link.receives,
        peer: ls.link.peer,
        boundAt: new Date(ls.boundAt).toISOString(),
        submits: ls.submits,
        accepted: ls.accepted,
        rejected: ls.rejected,
        unanswered: ls.unanswered,
        receipts: ls.receipts,
        mo: ls.mo,
        deliverErrors: ls.deliverErrors
      }))
    }))
    return { carriers }
  }

  private metrics (): void {
    const reg = this.registry
    const sim = this // prom-client calls collect() with the metric as `this`
    const each = (fn: (c: SimCarrier) => void): void => { for (const e of sim.entries.values()) fn(e.carrier) }
    const submits = counter(reg, 'sim_submits_total', 'Submits received by simulated carriers', ['carrier'])
    const statuses = counter(reg, 'sim_submit_responses_total', 'Refused submits by command_status', ['carrier', 'status'])
    const outcomes = counter(reg, 'sim_outcomes_total', 'Messages that reached a final state, by stat', ['carrier', 'stat'])
    const receipts = counter(reg, 'sim_receipts_sent_total', 'Receipts (final and ENROUTE) sent or queued', ['carrier'])
    const mo = counter(reg, 'sim_mo_sent_total', 'MO deliver_sm sent or queued', ['carrier'])
    const pending = gauge(reg, 'sim_pending_receipts', 'Messages waiting for their receipt', ['carrier'])
    const queued = gauge(reg, 'sim_queued_deliveries', 'deliver_sm waiting for a receiver bind', ['carrier'])
    const binds = gauge(reg, 'sim_binds', 'Bound sessions', ['carrier'])
    const collectors: Array<[{ reset: () => void }, () => void]> = [
      [submits, () => each((c) => submits.inc({ carrier: c.name }, c.counters.submits))],
      [statuses, () => each((c) => { for (const [s, n] of c.counters.byStatus) statuses.inc({ carrier: c.name, status: statusName(s) }, n) })],
      [outcomes, () => each((c) => STATS.forEach((s, i) => { if (c.counters.byOutcome[i] > 0) outcomes.inc({ carrier: c.name, stat: s }, c.counters.byOutcome[i]) }))],
      [receipts, () => each((c) => receipts.inc({ carrier: c.name }, c.counters.receiptsSent))],
      [mo, () => each((c) => mo.inc({ carrier: c.name }, c.counters.moSent))],
      [pending, () => each((c) => pending.set({ carrier: c.name }, c.pendingReceipts))],
      [queued, () => each((c) => queued.set({ carrier: c.name }, c.delivery.queued))],
      [binds, () => each((c) => binds.set({ carrier: c.name }, c.links.size))]
    ]
    // prom-client has no public "set a counter to a value": reset, then add the engine's total.
    for (const [metric, fill] of collectors) {
      (metric as unknown as { collect: () => void }).collect = () => { metric.reset(); fill() }
    }
  }
}
