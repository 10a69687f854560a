// The engine: store and ledger, carrier pools, the dispatcher, receipt correlation and the
// customer outbox for one thread. It runs inline on the main thread or in a worker thread
// (engine-worker.ts); either way the main thread reaches it only through EngineApi.
// With several engines, each owns a share: due parts by message-id hash, outbox items by account.

import type { InstradaConfig } from '../config/instrada.js'
import { silentLogger, type Logger } from '../log.js'
import { Gauge } from 'prom-client'
import { counter, gauge, histogram, Registry } from '../metrics.js'
import { CarrierPool, type CarrierConfig, type DeliverAck, type MessageIdForms } from '../carriers/index.js'
import { DlrCorrelator, parseCarrierReceipt, aggregateState, wantsReceipt, buildCustomerReceipt, type CarrierReceipt, type CorrelationResult } from '../receipts/index.js'
import { CommandStatus } from '../smpp/pdu/status.js'
import { formatAbsoluteTime } from '../smpp/time.js'
import type { DataSm, DeliverSm } from '../smpp/pdu/types.js'
import { LmdbStore, type MessageIdGenerator } from '../store/index.js'
import { Pricing } from '../ledger/index.js'
import type { AcceptRequest, AcceptResult, MessageRecord, PartRef } from '../store/types.js'
import { Dispatcher, OutMessage } from './dispatcher.js'
import { Fifo } from '../util/fifo.js'
import { EngineOutbox } from './engine-outbox.js'
import type { AcceptJob, AcceptReply, AutoReply, BulkJob, BulkReply, EngineApi, LookupJob, OutboxItem, QueryReply, ReplaceJob } from './protocol.js'
import { MESSAGE_STATE_OF, ownerOf } from './shares.js'
import type { AccountLimits } from './config.js'
import { MoRouter } from './mo.js'
import { MoInbox } from './mo-inbox.js'
import { wantsEvent, type AccountWebhook } from '../webhooks/index.js'

export interface EngineOptions {
  config: InstradaConfig
  /** This engine's share among `of` engines (worker threads). */
  index?: number
  of?: number
  logger?: Logger
  registry?: Registry
}

const DUE_BATCH = 1000

export class Engine implements EngineApi {
  readonly index: number
  readonly of: number
  readonly store: LmdbStore
  readonly pools = new Map<string, CarrierPool>()
  onOutbox: ((item: OutboxItem) => void) | null = null
  onAutoReply: ((reply: AutoReply) => void) | null = null
  /** Set by the host: hand an outbox item to the engine that owns its account. */
  onAdopt: ((item: OutboxItem) => void) | null = null
  private config: InstradaConfig
  private limits = new Map<string, AccountLimits>()
  private idForms = new Map<string, MessageIdForms>()
  private webhooks = new Map<string, AccountWebhook>()
  private ids: MessageIdGenerator | null = null
  private dispatcher: Dispatcher | null = null
  private correlator: DlrCorrelator | null = null
  private outbox: EngineOutbox | null = null
  private mo: MoRouter | null = null
  private moInbox: MoInbox | null = null
  private dueTimer: NodeJS.Timeout | null = null
  private polling = false
  /** Messages accepted and not yet settled in memory, per account and in all. */
  private queuedByAccount = new Map<string, number>()
  private queued = 0
  /** Due parts already loaded into memory, so a slow poll doesn't load them twice. */
  private readonly loading = new Set<string>()
  private readonly live = new Map<string, OutMessage>()
  /** Messages a replace_sm is rewriting: whoever loads one meanwhile holds the old text, so doesn't queue it. */
  private readonly replacing = new Set<string>()
  /** Accepted messages waiting in the store for room in memory (router.memory_queue), oldest first. */
  private readonly spool = new Fifo<Spooled>()
  /**
   * Bulks waiting the same way, oldest first. A lane of their own, served after `spool`: a
   * message submitted one by one (an OTP over SMPP, a single POST) overtakes a bulk backlog of
   * any size instead of waiting for all of it.
   */
  private readonly bulkSpool = new Fifo<Spooled>()
  /** Messages both spools stand for (a bulk entry stands for its members left). */
  private spooled = 0
  private refilling = false
  /** deliver_sm answers waiting for a held receipt to resolve. */
  private readonly heldAcks = new Map<CarrierReceipt, DeliverAck>()
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private readonly log: Logger
  readonly registry: Registry
  private readonly metrics

  constructor (opts: EngineOptions) {
    this.config = opts.config
    this.limits = new Map(opts.config.accounts.map((a) => [a.id, a.limits]))
    this.idForms = idFormsOf(opts.config)
    this.index = opts.index ?? 0
    this.of = opts.of ?? 1
    this.log = (opts.logger ?? silentLogger).child({ engine: this.index })
    this.registry = opts.registry ?? new Registry()
    // Only the first engine recovers and prunes: the others would only repeat its work.
    this.store = new LmdbStore({ config: opts.config.store, pricing: new Pricing(opts.config.pricing), logger: this.log, registry: this.registry, recover: this.index === 0, prune: this.index === 0 })
    this.setWebhooks(opts.config)
    this.metrics = {
      receipts: counter(this.registry, 'instrada_carrier_receipts_total', 'Carrier receipts by correlation result', ['result']),
      mo: counter(this.registry, 'instrada_carrier_mo_total', 'Mobile-originated messages from carriers, by result', ['result']),
      queued: gauge(this.registry, 'instrada_queued_messages', 'Messages accepted and not yet handed to a carrier (this engine)'),
      spooled: gauge(this.registry, 'instrada_spooled_messages', 'Of those, the ones waiting in the store for room in the memory queue (router.memory_queue)'),
      toReceipt: histogram(this.registry, 'instrada_submit_to_receipt_seconds', 'Customer submit accepted → final receipt ready for the customer',
        [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600])
    }
  }

  /** This engine's message-id slot (the main thread routes lookups by it). */
  get slot (): number { return this.ids?.slot ?? -1 }

  start (): Promise<void> {
    this.starting ??= this.doStart()
    return this.starting
  }

  private async doStart (): Promise<void> {
    const cfg = this.config
    await this.store.start()
    this.ids = this.store.idGenerator()
    for (const a of cfg.accounts) await this.store.ledger.ensureAccount(a.id, a.ledger)
    // Balances and open reservations, read from the ledger at scrape time. One engine reports
    // them: worker metrics are summed across threads, and the ledger is shared.
    if (this.index === 0) this.creditGauges()
    for (const c of cfg.carriers) this.createPool(c)
    this.correlator = new DlrCorrelator(this.store, {
      holdMs: cfg.router.receiptHoldMs,
      ackAfterMs: cfg.router.receiptAckMs,
      idTypes: (carrier) => this.idForms.get(carrier) ?? null,
      logger: this.log,
      registry: this.registry
    })
    this.correlator.on('late', (r: CorrelationResult, _carrier: string, receipt: CarrierReceipt) => {
      const ack = this.heldAcks.get(receipt)
      this.heldAcks.delete(receipt)
      const done = this.completed(r)
      done.then(() => ack?.(CommandStatus.ESME_ROK), (err: unknown) => {
        this.log.error({ err }, 'late receipt not recorded')
        ack?.(CommandStatus.ESME_RSYSERR)
      })
    })
    // Held past receipt_ack_ms: answer the carrier now (the receipt stays held for matching), so
    // receipts that will never match can't keep its window shut (docs/receipts.md).
    this.correlator.on('overdue', (_carrier: string, receipt: CarrierReceipt) => {
      const ack = this.heldAcks.get(receipt)
      if (ack === undefined) return
      this.heldAcks.delete(receipt)
      ack(CommandStatus.ESME_ROK)
    })
    await this.correlator.start()
    this.mo = new MoRouter(cfg, this.store)
    this.moInbox = new MoInbox({
      store: this.store,
      router: this.mo,
      wantsWebhook: (account) => wantsEvent(this.webhooks.get(account), 'message.inbound'),
      toOutbox: (item) => {
        if (ownerOf(item.account, this.of) === this.index) this.outbox!.adopt(item)
        else this.onAdopt?.(item)
      },
      onAutoReply: (reply) => this.onAutoReply?.(reply),
      counter: this.metrics.mo,
      log: this.log
    }, cfg.router.moConcatWaitMs)
    this.moInbox.start()
    this.outbox = new EngineOutbox(this.store, cfg.router.receiptTtlMs, (item) => this.onOutbox?.(item), customerReceipt, this.log)
    this.dispatcher = new Dispatcher(this.pools, cfg.routes, cfg.router.retry, this.store, {
      messageDone: (ref) => { this.messageDone(ref) },
      partAccepted: (carrier, id, ref) => this.correlator?.accepted(carrier, id, ref),
      partSubmitted: (carrier, id, committed) => this.correlator?.submitted(carrier, id, committed),
      messageSettled: (msg) => this.settled(msg)
    }, this.log, this.registry)
    await Promise.all([...this.pools.values()].map(async (p) => await p.start()))
    await this.recover()
    this.dueTimer = setInterval(() => { void this.pollDue() }, cfg.router.duePollMs)
    this.dueTimer.unref()
  }

  private creditGauges (): void {
    const ledger = this.store.ledger
    const read = async (field: 'balance' | 'held', g: { set: (labels: { account: string }, v: number) => void }): Promise<void> => {
      if (this.closing !== null) return
      for (const account of await ledger.accounts()) {
        const b = await ledger.balance(account)
        if (b !== null) g.set({ account }, b[field])
      }
    }
    new Gauge({
      name: 'instrada_credit_balance_milli', help: 'Credit owned per account, milli-credits (holds included)', labelNames: ['account'],
      registers: [this.registry], async collect () { await read('balance', this) }
    })
    new Gauge({
      name: 'instrada_credit_held_milli', help: 'Open reservations per account: credit held for parts not yet handed over, milli-credits', labelNames: ['account'],
      registers: [this.registry], async collect () { await read('held', this) }
    })
  }

  close (): Promise<void> {
    this.closing ??= this.doClose()
    return this.closing
  }

  private async doClose (): Promise<void> {
    await this.starting?.catch(() => {})
    if (this.dueTimer !== null) clearInterval(this.dueTimer)
    this.moInbox?.close()
    await this.dispatcher?.stop()
    await Promise.all([...this.pools.values()].map(async (p) => await p.close()))
    await this.correlator?.close()
    await this.store.close()
  }

  /**
   * Applies a reloaded config: accounts, routes, retry policy and carriers. A carrier added gets
   * a pool; one removed or changed is taken out of the dispatcher first (its queued parts fail
   * over along their plans) and its old pool closes gracefully; unchanged carriers keep their binds.
   */
  async reload (config: InstradaConfig): Promise<void> {
    const before = new Map(this.config.carriers.map((c) => [c.name, JSON.stringify(c)]))
    // Routes first: parts moved off a removed carrier are planned again with the new table.
    this.dispatcher?.reload(config.routes, config.router.retry)
    const closing: Array<Promise<void>> = []
    const starting: Array<Promise<void>> = []
    for (const [name, pool] of this.pools) {
      const next = config.carriers.find((c) => c.name === name)
      if (next !== undefined && JSON.stringify(next) === before.get(name)) continue
      this.dispatcher?.removePool(name)
      this.pools.delete(name)
      closing.push(pool.close())
    }
    for (const c of config.carriers) {
      if (this.pools.has(c.name)) continue
      const pool = this.createPool(c)
      this.dispatcher?.addPool(c.name, pool)
      starting.push(pool.start())
    }
    this.config = config
    this.limits = new Map(config.accounts.map((a) => [a.id, a.limits]))
    this.idForms = idFormsOf(config)
    this.mo?.reload(config)
    this.moInbox?.setWait(config.router.moConcatWaitMs)
    this.setWebhooks(config)
    for (const a of config.accounts) await this.store.ledger.ensureAccount(a.id, a.ledger)
    await Promise.all([...starting, ...closing])
  }

  /** Accounts' webhook settings: who gets status and inbound events; credit.low is decided in the store. */
  private setWebhooks (config: InstradaConfig): void {
    this.webhooks = new Map()
    for (const a of config.accounts) if (a.webhook !== null) this.webhooks.set(a.id, a.webhook)
    this.store.setLowCreditEvents(config.accounts.filter((a) => wantsEvent(a.webhook, 'credit.low')).map((a) => a.id))
  }

  /**
   * Where an accepted message's status webhook goes: HTTP messages only (SMPP customers get
   * deliver_sm receipts), the request's callback_url or else the account's webhook URL.
   */
  private callbackUrlOf (job: Pick<AcceptJob, 'account' | 'origin' | 'callbackUrl'>): string | null {
    if (job.origin.kind !== 'http') return null
    if (job.callbackUrl != null) return job.callbackUrl
    const wh = this.webhooks.get(job.account)
    return wh !== undefined && wh.url !== null && wh.events.includes('message.status') ? wh.url : null
  }

  private createPool (c: CarrierConfig): CarrierPool {
    const pool = new CarrierPool(c, { logger: this.log, registry: this.registry, share: { index: this.index, of: this.of } })
    pool.on('deliver', (pdu: DeliverSm | DataSm, ack: DeliverAck) => this.carrierDeliver(c.name, pdu, ack))
    this.pools.set(c.name, pool)
    return pool
  }

  // ---- customer side ----

  async accept (job: AcceptJob): Promise<AcceptReply> {
    return (await this.acceptMany([job]))[0]
  }

  /**
   * Several jobs in one store write (an HTTP request's recipients): one transaction, one promise,
   * the same checks and outcome per job as one by one.
   */
  async acceptMany (jobs: AcceptJob[]): Promise<AcceptReply[]> {
    if (this.closing !== null || this.ids === null) return jobs.map(() => ({ status: CommandStatus.ESME_RSYSERR, id: null }))
    const replies: AcceptReply[] = new Array(jobs.length)
    const reqs: AcceptRequest[] = []
    const at: number[] = []
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]
      if (this.queueFull(job.account)) { replies[i] = { status: CommandStatus.ESME_RMSGQFUL, id: null }; continue }
      // Counted before the write so concurrent accepts can't overshoot the queue limit.
      this.count(job.account, 1)
      reqs.push(this.acceptRequest(job, this.ids.next()))
      at.push(i)
    }
    if (reqs.length === 0) return replies
    let results: AcceptResult[]
    try {
      results = reqs.length === 1 ? [await this.store.accept(reqs[0])] : await this.store.acceptBatch(reqs)
    } catch (err) {
      for (const i of at) this.count(jobs[i].account, -1)
      throw err
    }
    for (let k = 0; k < reqs.length; k++) {
      const job = jobs[at[k]]
      const res = results[k]
      const id = reqs[k].id
      if (!res.ok) {
        this.count(job.account, -1)
        replies[at[k]] = { status: res.smppStatus, id: null }
        continue
      }
      if (job.scheduledAt !== null) {
        this.count(job.account, -1) // waits in the store's due index, not in memory
      } else if (this.memoryFull()) {
        this.toSpool({ account: job.account, id, counted: 1, bulk: false, left: 1 })
      } else {
        const msg = new OutMessage(job.account, id, job.type, job.sender, job.senderKind, job.destination, job.country,
          job.dataCoding, job.esmClass, job.protocolId, job.priorityFlag, job.bodies, job.concatRef, job.cutFor, job.validUntil)
        msg.counted = true
        this.live.set(id, msg)
        this.dispatcher!.enqueue(msg)
      }
      replies[at[k]] = { status: CommandStatus.ESME_ROK, id, cost: res.cost }
    }
    return replies
  }

  /**
   * An HTTP request's recipients of one text as one bulk: one store write and one credit hold
   * (BulkRequest); the members become messages as the memory queue has room for them.
   */
  async acceptBulk (job: BulkJob): Promise<BulkReply> {
    const n = job.destinations.length
    const statuses: number[] = new Array(n).fill(CommandStatus.ESME_ROK)
    if (this.closing !== null || this.ids === null) return { id: null, statuses: statuses.fill(CommandStatus.ESME_RSYSERR), costs: new Array(n).fill(-1) }
    const skip: number[] = []
    let counted = 0
    for (let i = 0; i < n; i++) {
      // Counted before the write so concurrent accepts can't overshoot the queue limit.
      if (this.queueFull(job.account)) { statuses[i] = CommandStatus.ESME_RMSGQFUL; skip.push(i) } else { this.count(job.account, 1); counted++ }
    }
    if (counted === 0) return { id: null, statuses, costs: new Array(n).fill(-1) }
    const id = this.ids.block(n)
    let res
    try {
      res = await this.store.acceptBulk({
        id,
        account: job.account,
        origin: job.origin,
        reference: job.reference,
        sender: job.sender,
        type: job.type,
        dataCoding: job.dataCoding,
        esmClass: job.esmClass,
        registeredDelivery: job.registeredDelivery,
        payloads: job.bodies,
        validUntil: job.validUntil,
        protocolId: job.protocolId,
        priorityFlag: job.priorityFlag,
        cutFor: job.cutFor,
        callbackUrl: this.callbackUrlOf(job),
        destinations: job.destinations,
        countries: job.countries,
        concatRefs: job.concatRefs,
        skip
      })
    } catch (err) {
      this.count(job.account, -counted)
      throw err
    }
    for (const [i, r] of res.refusals) statuses[i] = r.smppStatus
    counted -= res.refusals.length
    this.count(job.account, -res.refusals.length)
    if (counted > 0) {
      this.toSpool({ account: job.account, id, counted, bulk: true, left: counted })
      this.maybeRefill()
    }
    return { id, statuses, costs: res.costs }
  }

  /** This engine's share of the router's queue limit, or the account's, is used up. */
  private queueFull (account: string): boolean {
    const limits = this.limits.get(account)
    const mine = this.queuedByAccount.get(account) ?? 0
    return this.queued >= this.config.router.queueLimit / this.of || (limits !== undefined && mine >= limits.maxQueued / this.of)
  }

  private acceptRequest (job: AcceptJob, id: string): AcceptRequest {
    return {
      id,
      account: job.account,
      origin: job.origin,
      reference: job.reference,
      sender: job.sender,
      destination: job.destination,
      country: job.country,
      type: job.type,
      dataCoding: job.dataCoding,
      esmClass: job.esmClass,
      registeredDelivery: job.registeredDelivery,
      payloads: job.bodies,
      validUntil: job.validUntil,
      scheduledAt: job.scheduledAt,
      concatRef: job.concatRef,
      cutFor: job.cutFor,
      protocolId: job.protocolId,
      priorityFlag: job.priorityFlag,
      callbackUrl: this.callbackUrlOf(job)
    }
  }

  async get (job: LookupJob): Promise<MessageRecord | null> {
    return await this.store.get(job.account, job.messageId)
  }

  async query (job: LookupJob): Promise<QueryReply> {
    const rec = await this.store.get(job.account, job.messageId)
    if (rec === null) return { status: CommandStatus.ESME_RQUERYFAIL, finalDate: '', messageState: 0, errorCode: 0 }
    const agg = aggregateState(rec)
    const finalDate = agg.final && rec.finishedAt !== null ? formatAbsoluteTime(new Date(rec.finishedAt)) : ''
    const state = agg.final && agg.state !== null ? MESSAGE_STATE_OF[agg.state] : 1 // ENROUTE
    const errorPart = rec.parts.find((p) => p.error !== null && /^\d+$/.test(p.error))
    return { status: CommandStatus.ESME_ROK, finalDate, messageState: state, errorCode: errorPart !== undefined ? Number(errorPart.error) & 0xff : 0 }
  }

  /** Cancels a message none of whose parts was handed to a carrier yet. */
  async cancel (job: LookupJob): Promise<number> {
    // Decided by the store, in order with the dispatch marks: a part being handed over makes it
    // too late; once cancelled, a mark still on its way is refused and the part is not sent.
    const outcome = await this.store.cancel(job.account, job.messageId)
    if (outcome === 'not_found') return CommandStatus.ESME_RINVMSGID
    if (outcome !== 'ok') return CommandStatus.ESME_RCANCELFAIL
    const live = this.live.get(job.messageId)
    if (live !== undefined && live.account === job.account) live.cancelled = true
    this.messageDone({ account: job.account, id: job.messageId, part: 0 })
    return CommandStatus.ESME_ROK
  }

  /**
   * replace_sm: refused once any part's hand-off has begun. The message's parts in memory are
   * dropped, the store swaps the bodies (checking again, in its transaction, that no part left),
   * and the message is queued again from the store — unless it is now scheduled for later, when
   * the due poller takes it.
   */
  async replace (job: ReplaceJob): Promise<number> {
    const live = this.live.get(job.messageId)
    if (live !== undefined) {
      if (live.account !== job.account) return CommandStatus.ESME_RINVMSGID
      if (live.handedOver > 0) return CommandStatus.ESME_RREPLACEFAIL
      live.cancelled = true
      this.live.delete(job.messageId)
    }
    // Until it is queued again below, a refill, expansion or load that read the old text leaves it alone.
    this.replacing.add(job.messageId)
    try {
      return await this.replaceStored(job, live)
    } finally {
      this.replacing.delete(job.messageId)
    }
  }

  private async replaceStored (job: ReplaceJob, live: OutMessage | undefined): Promise<number> {
    const outcome = await this.store.replace(job.account, job.messageId, {
      payloads: job.bodies, scheduledAt: job.scheduledAt, validUntil: job.validUntil, registeredDelivery: job.registeredDelivery
    })
    if (outcome === 'not_found') return CommandStatus.ESME_RINVMSGID
    // Queued again: a message taken out of memory above, or a bulk member the replace wrote as
    // a message ahead of its turn (no queue holds it). Parts waiting for a retry stay with the due poller.
    if ((outcome === 'ok' || live !== undefined) && !this.live.has(job.messageId)) {
      const rec = await this.store.get(job.account, job.messageId)
      const parts = rec === null ? [] : rec.parts.filter((p) => p.state === 'queued' && (live !== undefined || p.dueAt === null)).map((p) => p.part)
      if (rec !== null && parts.length > 0 && (rec.scheduledAt === null || rec.scheduledAt <= Date.now())) {
        const msg = outMessageOf(rec)
        msg.remaining = parts.length
        if (live !== undefined) {
          msg.counted = true
          this.count(rec.account, 1)
        }
        this.live.set(rec.id, msg)
        this.dispatcher!.enqueue(msg, parts)
      }
    }
    return outcome === 'ok' ? CommandStatus.ESME_ROK : CommandStatus.ESME_RREPLACEFAIL
  }

  delivered (account: string, keys: string[]): void { this.outbox?.delivered(account, keys) }
  undelivered (account: string, keys: string[]): void { this.outbox?.undelivered(account, keys) }
  drain (account: string): void { this.outbox?.drain(account) }
  /** An outbox item stored by another engine, for an account this engine owns. */
  adopt (item: OutboxItem): void { this.outbox?.adopt(item, true) }

  // ---- carrier side ----

  private carrierDeliver (carrier: string, pdu: DeliverSm | DataSm, ack: DeliverAck): void {
    const receipt = parseCarrierReceipt(pdu)
    if (receipt === null) { this.moInbox!.receive(pdu, ack); return }
    this.correlator!.handle(carrier, receipt).then((r) => {
      this.metrics.receipts.inc({ result: r.kind })
      // A receipt that overtook its submit_sm_resp is held in memory: the carrier gets its
      // deliver_sm_resp only once it is recorded, so a crash meanwhile makes it send it again.
      if (r.kind === 'held') { this.heldAcks.set(receipt, ack); return }
      const done = this.completed(r)
      return done.then(() => ack(CommandStatus.ESME_ROK))
    }).then(undefined, (err: unknown) => {
      // Not acknowledged as OK: the carrier sends it again later, nothing is lost.
      this.log.error({ err, carrier }, 'receipt not recorded')
      ack(CommandStatus.ESME_RSYSERR)
    })
  }

  /**
   * A message just became final. The store wrote its outbox entry (keyed by the message id) in
   * the same transaction; hand the receipt out now, or drop the entry when the customer asked
   * only for failures and it was delivered.
   */
  private async messageFinal (rec: MessageRecord): Promise<void> {
    this.metrics.toReceipt.observe((Date.now() - rec.receivedAt) / 1000)
    if (rec.origin.kind !== 'smpp' || (rec.registeredDelivery & 3) === 0) return
    const pdu = customerReceipt(rec)
    if (pdu === null) { await this.store.ackReceipts(rec.account, [rec.id]); return }
    const item: OutboxItem = { account: rec.account, key: rec.id, pdu }
    if (ownerOf(rec.account, this.of) === this.index) this.outbox!.adopt(item)
    else this.onAdopt?.(item)
  }

  /** A receipt's outcome: when it completed its message, the customer's receipt (if owed) goes out. */
  private completed (r: CorrelationResult): Promise<void> {
    if (r.kind !== 'final' || !r.done) return Promise.resolve()
    if (r.message !== null) return this.messageFinal(r.message)
    if (r.receivedAt !== undefined) this.metrics.toReceipt.observe((Date.now() - r.receivedAt) / 1000)
    return Promise.resolve()
  }

  /** The store said this finish completed the message: exactly one caller gets here per message. */
  private messageDone (ref: PartRef): void {
    this.store.get(ref.account, ref.id).then(async (rec) => {
      if (rec !== null) await this.messageFinal(rec)
    }).catch((err: unknown) => this.log.error({ err, id: ref.id }, 'could not send the final receipt'))
  }

  // ---- queue bookkeeping, due parts and recovery ----

  private count (account: string, n: number): void {
    this.queued += n
    this.queuedByAccount.set(account, (this.queuedByAccount.get(account) ?? 0) + n)
    this.metrics.queued.set(this.queued)
  }

  private settled (msg: OutMessage): void {
    if (this.live.get(msg.id) === msg) this.live.delete(msg.id)
    if (msg.counted) { msg.counted = false; this.count(msg.account, -1) }
    for (let i = 0; i < msg.bodies.length; i++) this.loading.delete(`${msg.id}/${i}`)
    this.maybeRefill()
  }

  /** The memory queue is full, or messages already wait in the store (they go first). */
  private memoryFull (): boolean {
    return this.spool.length > 0 || this.live.size >= this.config.router.memoryQueue
  }

  /** The message (or bulk) waits in the store; the engine keeps its id, in order. */
  private toSpool (s: Spooled): void {
    if (s.bulk) this.bulkSpool.push(s)
    else this.spool.push(s)
    this.spooledBy(s.left)
  }

  private spooledBy (n: number): void {
    this.spooled += n
    this.metrics.spooled.set(this.spooled)
  }

  /** Refills from the spool once the memory queue is down to 90%: loads come in batches, not one per settle. */
  private maybeRefill (): void {
    if (this.spool.length + this.bulkSpool.length > 0 && !this.refilling && this.live.size < Math.max(1, Math.floor(this.config.router.memoryQueue * 0.9))) void this.refill()
  }

  /**
   * Moves spooled messages from the store into memory, oldest first, until the memory queue is
   * full again. A message cancelled, replaced for later or expired meanwhile is found so in the
   * store and only leaves the count.
   */
  private async refill (): Promise<void> {
    this.refilling = true
    try {
      while (this.spool.length + this.bulkSpool.length > 0 && this.live.size < this.config.router.memoryQueue && this.closing === null) {
        if (this.spool.length === 0) { await this.expand(this.bulkSpool.peek()!); continue }
        const s = this.spool.shift()!
        this.spooledBy(-1)
        const rec = await this.store.get(s.account, s.id)
        const parts = rec === null || (rec.scheduledAt !== null && rec.scheduledAt > Date.now()) ? [] : rec.parts.filter((p) => p.state === 'queued').map((p) => p.part)
        if (rec === null || parts.length === 0 || this.live.has(rec.id) || this.replacing.has(rec.id)) {
          if (s.counted > 0) this.count(s.account, -1)
          continue
        }
        const msg = outMessageOf(rec)
        msg.remaining = parts.length
        msg.counted = s.counted > 0
        this.live.set(rec.id, msg)
        this.dispatcher!.enqueue(msg, parts)
      }
    } catch (err) {
      this.log.error({ err }, 'could not load spooled messages; they are sent after a restart')
    } finally {
      this.refilling = false
    }
  }

  /**
   * The next members of the oldest spooled bulk become messages (one store write) and go into
   * memory; the entry leaves the bulk spool once its bulk is done. Members counted in the queue
   * limits pass their count on to their messages; members that never come (cancelled early,
   * refused) only leave the count.
   */
  private async expand (s: Spooled): Promise<void> {
    const room = Math.min(EXPAND_BATCH, this.config.router.memoryQueue - this.live.size)
    const got = await this.store.expandBulk(s.account, s.id, room)
    const n = got.ids.length
    for (let k = 0; k < n; k++) {
      const counted = s.counted > 0
      if (counted) s.counted--
      // A replace_sm wrote it meanwhile (it queues the new text itself).
      if (this.live.has(got.ids[k]) || this.replacing.has(got.ids[k])) { if (counted) this.count(s.account, -1); continue }
      const msg = new OutMessage(s.account, got.ids[k], got.type as OutMessage['type'], got.sender, /^\d+$/.test(got.sender) ? 'numeric' : 'alpha',
        got.destinations[k], got.countries[k] ?? '', got.dataCoding, got.esmClass, got.protocolId, got.priorityFlag,
        got.payloads, got.concatRefs[k], got.cutFor, got.validUntil ?? Number.MAX_SAFE_INTEGER)
      msg.counted = counted
      this.live.set(msg.id, msg)
      this.dispatcher!.enqueue(msg)
    }
    s.left -= n
    this.spooledBy(-n)
    if (got.done || n === 0) {
      this.bulkSpool.shift()
      this.spooledBy(-s.left)
      if (s.counted > 0) this.count(s.account, -s.counted)
    }
  }

  private async pollDue (): Promise<void> {
    if (this.polling || this.closing !== null) return
    // Also here: a refill that failed, or a memory queue emptied at once, gets no settle to start it.
    this.maybeRefill()
    // Due parts wait in the store while the memory queue is full, as spooled messages do.
    const room = Math.min(DUE_BATCH, this.config.router.memoryQueue - this.live.size)
    if (room <= 0) return
    this.polling = true
    try {
      const refs = await this.store.due(Date.now(), room)
      await this.load(refs.filter((r) => ownerOf(r.id, this.of) === this.index), false)
    } catch (err) {
      this.log.error({ err }, 'due poll failed')
    } finally {
      this.polling = false
    }
  }

  /** Loads stored parts back into the dispatcher (retries, scheduled sends, recovery). */
  private async load (refs: PartRef[], recovering: boolean): Promise<void> {
    const byMessage = new Map<string, PartRef[]>()
    for (const r of refs) {
      const k = `${r.id}/${r.part}`
      if (this.loading.has(k)) continue
      this.loading.add(k)
      const list = byMessage.get(r.id)
      if (list === undefined) byMessage.set(r.id, [r])
      else list.push(r)
    }
    for (const list of byMessage.values()) {
      const rec = await this.store.get(list[0].account, list[0].id)
      if (rec === null || this.replacing.has(rec.id)) { for (const r of list) this.loading.delete(`${r.id}/${r.part}`); continue }
      const parts = list.map((r) => r.part).filter((i) => rec.parts[i]?.state === 'queued')
      if (parts.length === 0) { for (const r of list) this.loading.delete(`${r.id}/${r.part}`); continue }
      if (recovering && this.memoryFull()) {
        // After a restart with a long backlog: the rest waits in the store like new accepts do.
        for (const r of list) this.loading.delete(`${r.id}/${r.part}`)
        this.toSpool({ account: rec.account, id: rec.id, counted: 0, bulk: false, left: 1 })
        continue
      }
      const msg = outMessageOf(rec)
      msg.remaining = parts.length
      // Known by id, so a replace_sm can take it back out before it is handed over.
      if (!this.live.has(rec.id)) this.live.set(rec.id, msg)
      const attempt = Math.max(...parts.map((i) => rec.parts[i].attempts)) + 1
      if (recovering) this.log.debug({ id: rec.id, parts }, 'requeued after restart')
      this.dispatcher!.enqueue(msg, parts, attempt)
    }
  }

  /**
   * After a crash: parts acknowledged but never handed over are sent again; parts handed to a
   * carrier with no answer recorded may have reached it, so they are not sent twice — they end
   * as failed with their credit released, and the customer gets a failure receipt.
   */
  private async recover (): Promise<void> {
    const report = this.store.recovery
    if (report === null) return
    await this.load(report.requeue, true)
    for (const b of report.bulks) this.toSpool({ account: b.account, id: b.id, counted: 0, bulk: true, left: b.left })
    this.maybeRefill()
    for (const ref of report.inFlight) {
      const r = await this.store.finish(ref, 'failed', 'in flight when the router stopped; not sent again')
      if (r.messageDone) this.messageDone(ref)
    }
  }
}

export function outMessageOf (rec: MessageRecord): OutMessage {
  return new OutMessage(rec.account, rec.id, rec.type as OutMessage['type'], rec.sender, /^\d+$/.test(rec.sender) ? 'numeric' : 'alpha',
    rec.destination, rec.country ?? '', rec.dataCoding, rec.esmClass, rec.protocolId, rec.priorityFlag,
    rec.parts.map((p) => p.payload), rec.concatRef, rec.cutFor, rec.validUntil ?? Number.MAX_SAFE_INTEGER)
}

/** A message accepted (or recovered) while the memory queue was full, or a bulk (BulkRequest). */
interface Spooled {
  account: string
  /** The message's id, or the bulk's. */
  id: string
  /** How many of its messages are counted in the queue limits (accepted by this process): each count ends when its message settles. */
  counted: number
  bulk: boolean
  /** Messages it stands for: 1, or a bulk's members not expanded yet. */
  left: number
}

/** Bulk members written as messages per store write. */
const EXPAND_BATCH = 1000

function idFormsOf (config: InstradaConfig): Map<string, MessageIdForms> {
  const m = new Map<string, MessageIdForms>()
  for (const c of config.carriers) if (c.messageIds !== null) m.set(c.name, c.messageIds)
  return m
}

/** The customer's receipt for a final message, or null when registered_delivery doesn't ask for it. */
function customerReceipt (rec: MessageRecord): DeliverSm | null {
  const agg = aggregateState(rec)
  if (!agg.final || agg.state === null || !wantsReceipt(rec.registeredDelivery, agg.state)) return null
  return buildCustomerReceipt(rec, rec.finishedAt ?? Date.now())
}
