// The main thread's handle on the engines: one inline Engine, or N worker threads each running
// one. Calls are batched into one postMessage per event-loop turn in each direction (cloning an
// array of small objects costs a fraction of one message per object).

import { Worker } from 'node:worker_threads'
import type { ConfigOverlay, InstradaConfig } from '../config/instrada.js'
import { EngineError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Registry } from '../metrics.js'

export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>
import { Engine } from './engine.js'
import type { AcceptJob, AcceptReply, AutoReply, BulkJob, BulkReply, EngineApi, LookupJob, OutboxItem, QueryReply, ReplaceJob } from './protocol.js'
import { reviveDeliverSm } from './revive.js'
import { ownerOf } from './shares.js'
import type { MessageRecord } from '../store/types.js'

export type Inbound =
  | { t: 'accept', rid: number, job: AcceptJob }
  | { t: 'acceptBulk', rid: number, job: BulkJob }
  | { t: 'query', rid: number, job: LookupJob }
  | { t: 'cancel', rid: number, job: LookupJob }
  | { t: 'get', rid: number, job: LookupJob }
  | { t: 'replace', rid: number, job: ReplaceJob }
  | { t: 'delivered', account: string, keys: string[] }
  | { t: 'undelivered', account: string, keys: string[] }
  | { t: 'drain', account: string }
  | { t: 'adopt', item: OutboxItem }
  | { t: 'reload', rid: number, text: string, file: string, overlay: ConfigOverlay | null }
  | { t: 'metrics', rid: number }
  | { t: 'close', rid: number }

export type Outbound =
  | { t: 'r', rid: number, v?: unknown, error?: string }
  | { t: 'outbox', item: OutboxItem }
  | { t: 'adopt', item: OutboxItem }
  | { t: 'autoReply', reply: AutoReply }
  | { t: 'ready', slot: number }
  | { t: 'failed', error: string }

interface Pending { resolve: (v: unknown) => void, reject: (e: Error) => void }

/** One engine in a worker thread. */
class WorkerEngine {
  readonly worker: Worker
  slot = -1
  private rid = 0
  private readonly pending = new Map<number, Pending>()
  private out: Inbound[] = []
  private readonly ready: Promise<void>
  private exited = false
  private closing = false

  constructor (config: InstradaConfig, readonly index: number, of: number, private readonly set: EngineSet) {
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
    const young = config.router.engineYoungMb
    this.worker = new Worker(new URL(`./engine-worker${ext}`, import.meta.url), {
      resourceLimits: young > 0 ? { maxYoungGenerationSizeMb: young } : undefined,
      workerData: { text: config.text, file: config.file, overlay: config.overlay, index, of }
    })
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (batch: Outbound[]) => {
        for (const m of batch) {
          if (m.t === 'ready') { this.slot = m.slot; resolve() } else if (m.t === 'failed') reject(new EngineError(`engine ${index} failed to start: ${m.error}`))
          else this.receive(m)
        }
      })
      this.worker.on('error', (err) => { reject(err); this.set.log.error({ err, engine: index }, 'engine worker crashed') })
      this.worker.on('exit', (code) => {
        this.exited = true
        const err = new EngineError(`engine ${index} exited (code ${code})`)
        reject(err)
        for (const p of this.pending.values()) p.reject(err)
        this.pending.clear()
        if (!this.closing) this.set.engineDied(err)
      })
    })
  }

  start (): Promise<void> { return this.ready }

  call<T> (build: (rid: number) => Inbound): Promise<T> {
    if (this.exited) return Promise.reject(new EngineError(`engine ${this.index} is not running`))
    const rid = ++this.rid
    return new Promise<T>((resolve, reject) => {
      this.pending.set(rid, { resolve: resolve as (v: unknown) => void, reject })
      this.send(build(rid))
    })
  }

  send (m: Inbound): void {
    if (this.exited) return
    if (this.out.length === 0) setImmediate(() => this.flush())
    this.out.push(m)
  }

  private flush (): void {
    const batch = this.out
    this.out = []
    if (!this.exited) this.worker.postMessage(batch)
  }

  private receive (m: Outbound): void {
    switch (m.t) {
      case 'r': {
        const p = this.pending.get(m.rid)
        if (p === undefined) return
        this.pending.delete(m.rid)
        if (m.error !== undefined) p.reject(new EngineError(m.error))
        else p.resolve(m.v)
        return
      }
      case 'outbox':
        m.item.pdu = reviveDeliverSm(m.item.pdu)
        this.set.onOutbox?.(m.item)
        return
      case 'adopt':
        this.set.adopt(m.item)
        return
      case 'autoReply':
        this.set.onAutoReply?.(m.reply)
    }
  }

  async close (): Promise<void> {
    if (this.exited) return
    this.closing = true
    await this.call((rid) => ({ t: 'close', rid })).catch(() => {})
    await this.worker.terminate()
  }
}

/**
 * The engines as one EngineApi. Accepts go round robin; lookups to the engine whose id slot
 * made the message (its memory may hold it), else by hash; an account's outbox to its owner.
 */
export class EngineSet implements EngineApi {
  onOutbox: ((item: OutboxItem) => void) | null = null
  onAutoReply: ((reply: AutoReply) => void) | null = null
  /**
   * A worker engine ended without being asked to (an uncaught error). The router stops rather
   * than run on without it: a restart recovers its work from the store, while a half-running
   * node would refuse or strand that engine's messages.
   */
  onEngineDied: ((err: Error) => void) | null = null
  private readonly workers: WorkerEngine[] = []
  private readonly inline: Engine | null = null
  private next = 0
  private closing: Promise<void> | null = null

  constructor (private config: InstradaConfig, readonly log: Logger, registry: Registry) {
    const n = config.router.workers
    if (n === 0) {
      this.inline = new Engine({ config, logger: log, registry })
      this.inline.onOutbox = (item) => this.onOutbox?.(item)
      this.inline.onAutoReply = (reply) => this.onAutoReply?.(reply)
    } else {
      for (let i = 0; i < n; i++) this.workers.push(new WorkerEngine(config, i, n, this))
    }
  }

  get size (): number { return this.inline !== null ? 1 : this.workers.length }

  async start (): Promise<void> {
    if (this.inline !== null) await this.inline.start()
    else await Promise.all(this.workers.map(async (w) => await w.start()))
  }

  accept (job: AcceptJob): Promise<AcceptReply> {
    if (this.inline !== null) return this.inline.accept(job)
    const w = this.workers[this.next]
    this.next = (this.next + 1) % this.workers.length
    return w.call((rid) => ({ t: 'accept', rid, job }))
  }

  acceptBulk (job: BulkJob): Promise<BulkReply> {
    if (this.inline !== null) return this.inline.acceptBulk(job)
    const w = this.workers[this.next]
    this.next = (this.next + 1) % this.workers.length
    return w.call((rid) => ({ t: 'acceptBulk', rid, job }))
  }

  query (job: LookupJob): Promise<QueryReply> {
    if (this.inline !== null) return this.inline.query(job)
    return this.byId(job.messageId).call((rid) => ({ t: 'query', rid, job }))
  }

  cancel (job: LookupJob): Promise<number> {
    if (this.inline !== null) return this.inline.cancel(job)
    return this.byId(job.messageId).call((rid) => ({ t: 'cancel', rid, job }))
  }

  replace (job: ReplaceJob): Promise<number> {
    if (this.inline !== null) return this.inline.replace(job)
    return this.byId(job.messageId).call((rid) => ({ t: 'replace', rid, job }))
  }

  get (job: LookupJob): Promise<MessageRecord | null> {
    if (this.inline !== null) return this.inline.get(job)
    return this.byId(job.messageId).call((rid) => ({ t: 'get', rid, job }))
  }

  delivered (account: string, keys: string[]): void {
    if (this.inline !== null) this.inline.delivered(account, keys)
    else this.owner(account).send({ t: 'delivered', account, keys })
  }

  undelivered (account: string, keys: string[]): void {
    if (this.inline !== null) this.inline.undelivered(account, keys)
    else this.owner(account).send({ t: 'undelivered', account, keys })
  }

  drain (account: string): void {
    if (this.inline !== null) this.inline.drain(account)
    else this.owner(account).send({ t: 'drain', account })
  }

  adopt (item: OutboxItem): void {
    if (this.inline !== null) this.inline.adopt(item)
    else this.owner(item.account).send({ t: 'adopt', item })
  }

  async reload (config: InstradaConfig): Promise<void> {
    this.config = config
    if (this.inline !== null) await this.inline.reload(config)
    else await Promise.all(this.workers.map(async (w) => await w.call((rid) => ({ t: 'reload', rid, text: config.text, file: config.file, overlay: config.overlay }))))
  }

  /** Each worker engine's metrics as prom-client JSON (empty inline: those share the main registry). */
  async workerMetrics (): Promise<MetricsJson[]> {
    return await Promise.all(this.workers.map(async (w) => await w.call<MetricsJson>((rid) => ({ t: 'metrics', rid }))))
  }

  /** The inline engine, for tests and tools that need the store (null with worker threads). */
  get engine (): Engine | null { return this.inline }

  close (): Promise<void> {
    this.closing ??= (async () => {
      if (this.inline !== null) await this.inline.close()
      else await Promise.all(this.workers.map(async (w) => await w.close()))
    })()
    return this.closing
  }

  /** @internal from WorkerEngine */
  engineDied (err: Error): void {
    this.log.fatal({ err }, 'an engine thread died')
    this.onEngineDied?.(err)
  }

  private owner (account: string): WorkerEngine {
    return this.workers[ownerOf(account, this.workers.length)]
  }

  private byId (id: string): WorkerEngine {
    const slot = parseInt(id.slice(11, 13), 16)
    return this.workers.find((w) => w.slot === slot) ?? this.workers[ownerOf(id, this.workers.length)]
  }
}
