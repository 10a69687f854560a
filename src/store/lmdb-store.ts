// The LMDB implementation of MessageStore (and, through `ledger`, of Ledger): one environment
// per node, opened by every thread that needs it. start() opens it and runs recovery; close()
// drains queued writes and closes the environment.

import type { Registry } from 'prom-client'
import type { Logger } from '../log.js'
import { silentLogger } from '../log.js'
import { counter } from '../metrics.js'
import { LmdbLedger } from '../ledger/lmdb-ledger.js'
import { Pricing } from '../ledger/pricing.js'
import { ClosedError } from '../errors.js'
import type { StoreConfig } from './config.js'
import { canonicalCarrierId, readPartRef } from './carrier-id.js'
import { idFloor, MessageIdGenerator } from './ids.js'
import { Op, OpKind } from './ops.js'
import { recover } from './recovery.js'
import { replyKey } from './apply.js'
import { findBulk, isPending, memberRow, pendingMembers, type BulkRow } from './bulk.js'
import { addMoPart, claimStaleMoSets, moSetDone } from './mo-parts.js'
import { ByteReader, messageFlags, newState, readMessage, readState, type MessageRow, type StateRow } from './codec.js'
import { MAX_STR, openDbs, type Dbs, type Key } from './schema.js'
import type {
  AcceptRequest, AcceptResult, BulkAcceptResult, CancelOutcome, BulkMembers, BulkRequest, CommitRequest, DocStore, EventRef, FinalState, FinishResult, ListOptions, MessageRecord, MessageStore, NewEvent, Page, PartRef,
  MoSet, MoSetKey, RecoveryReport, StoredDoc, StoredMoPart, StoredReceipt, WebhookEvent
} from './types.js'
import { DUE_RANGE, EXPIRED_RANGE, eventOf, PENDING_RANGE, type EventRow } from './events.js'
import { Writer } from './writer.js'
import type { ReplaceOutcome, ReplaceRequest } from './replace.js'

export interface LmdbStoreOptions {
  config: StoreConfig
  pricing?: Pricing
  logger?: Logger
  registry?: Registry | null
  /** Run the recovery scan in start() (one thread or process per node should). Default true. */
  recover?: boolean
  /** Run background retention pruning (one thread per node should). Default true. */
  prune?: boolean
}

const DAY = 86_400_000

export class LmdbStore implements MessageStore, DocStore {
  readonly config: StoreConfig
  readonly pricing: Pricing
  readonly ledger: LmdbLedger
  private readonly logger: Logger
  private readonly opts: LmdbStoreOptions
  private dbs: Dbs | null = null
  private writer: Writer | null = null
  private receiptIds: MessageIdGenerator | null = null
  private pruneTimer: NodeJS.Timeout | null = null
  private pruning = false
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private report: RecoveryReport | null = null
  private readonly reader = new ByteReader()
  private readonly pruned
  private lowCredit: ReadonlySet<string> = new Set()
  closed = false

  constructor (opts: LmdbStoreOptions) {
    this.opts = opts
    this.config = opts.config
    this.pricing = opts.pricing ?? new Pricing()
    this.logger = opts.logger ?? silentLogger
    this.ledger = new LmdbLedger(this, this.logger, opts.registry ?? null)
    this.pruned = opts.registry != null ? counter(opts.registry, 'instrada_store_pruned_total', 'Finished messages deleted by retention') : null
  }

  get recovery (): RecoveryReport | null { return this.report }

  /** Opens the environment and (unless disabled) recovers unfinished work. Idempotent. */
  start (): Promise<void> {
    this.starting ??= this.doStart()
    return this.starting
  }

  private async doStart (): Promise<void> {
    const dbs = openDbs({ path: this.config.path, mapSizeMb: this.config.mapSizeMb, noSync: this.config.durability === 'none' })
    this.dbs = dbs
    this.writer = new Writer(dbs, this.pricing, this.config.durability, (alerts) => this.ledger.emitAlerts(alerts))
    this.writer.setLowCreditEvents(this.lowCredit)
    if (this.opts.recover !== false) {
      this.report = await recover(dbs, this.writer, Date.now())
      this.logger.info({ ...this.report, requeue: this.report.requeue.length, inFlight: this.report.inFlight.length }, 'store recovered')
    }
    if (this.opts.prune !== false && this.config.retentionDays > 0) {
      this.pruneTimer = setInterval(() => { this.pruneTick() }, this.config.pruneIntervalMs)
      this.pruneTimer.unref()
    }
  }

  /** A generator for message ids with a slot of its own (allocated once, here). */
  idGenerator (): MessageIdGenerator {
    const dbs = this.open()
    const slot = dbs.env.transactionSync(() => {
      const n = ((dbs.meta.get('idSlot') as number | undefined) ?? -1) + 1
      dbs.meta.putSync('idSlot', n)
      return n % 256
    })
    return new MessageIdGenerator(slot)
  }

  close (): Promise<void> {
    this.closing ??= this.doClose()
    return this.closing
  }

  private async doClose (): Promise<void> {
    if (this.pruneTimer !== null) clearInterval(this.pruneTimer)
    await this.starting?.catch(() => {})
    if (this.writer !== null) await this.writer.close()
    while (this.pruning) await new Promise((resolve) => setTimeout(resolve, 5))
    if (this.dbs !== null) await this.dbs.env.close()
    this.closed = true
  }

  /** @internal the open tables, for the ledger facade and tools in this package. */
  open (): Dbs {
    if (this.dbs === null || this.closed) throw new ClosedError('message store')
    return this.dbs
  }

  /** @internal */
  write<T> (op: Op): Promise<T> {
    if (this.writer === null || this.closing !== null) return Promise.reject(new ClosedError('message store'))
    return this.writer.submit<T>(op)
  }

  get stats (): { batches: number, ops: number, messages: number } {
    return this.writer?.stats ?? { batches: 0, ops: 0, messages: 0 }
  }

  accept (msg: AcceptRequest): Promise<AcceptResult> {
    const op = new Op(OpKind.ACCEPT, msg.account, msg.id, 1, 0, null, null)
    op.msgs = [msg]
    return this.write<AcceptResult>(op)
  }

  acceptBatch (msgs: AcceptRequest[]): Promise<AcceptResult[]> {
    const op = new Op(OpKind.ACCEPT, '', '', 0, 0, null, null)
    op.msgs = msgs
    return this.write<AcceptResult[]>(op)
  }

  acceptBulk (bulk: BulkRequest): Promise<BulkAcceptResult> {
    const op = new Op(OpKind.ACCEPT_BULK, bulk.account, bulk.id, 0, 0, null, null)
    op.bulk = bulk
    return this.write<BulkAcceptResult>(op)
  }

  expandBulk (account: string, id: string, max: number): Promise<BulkMembers> {
    return this.write<BulkMembers>(new Op(OpKind.EXPAND_BULK, account, id, 0, max, null, null))
  }

  dispatch (ref: PartRef, carrierId: string): Promise<boolean> {
    return this.write<boolean>(new Op(OpKind.DISPATCH, ref.account, ref.id, ref.part, 0, carrierId, null))
  }

  cancel (account: string, id: string, at = Date.now()): Promise<CancelOutcome> {
    return this.write<CancelOutcome>(new Op(OpKind.CANCEL, account, id, 0, at, null, null))
  }

  commit (ref: PartRef, carrierId: string, carrierMessageId: string): Promise<void> {
    return this.write(new Op(OpKind.COMMIT, ref.account, ref.id, ref.part, 0, carrierId, carrierMessageId))
  }

  commitBatch (items: CommitRequest[]): Promise<void> {
    const op = new Op(OpKind.COMMIT_MANY, '', '', 0, 0, null, null)
    op.commits = items
    return this.write(op)
  }

  retry (ref: PartRef, dueAt: number, error: string | null): Promise<void> {
    return this.write(new Op(OpKind.RETRY, ref.account, ref.id, ref.part, dueAt, null, error))
  }

  finish (ref: PartRef, state: FinalState, error: string | null, at = Date.now()): Promise<FinishResult> {
    const op = new Op(OpKind.FINISH, ref.account, ref.id, ref.part, at, null, error)
    op.state = state
    return this.write(op)
  }

  replace (account: string, id: string, r: ReplaceRequest): Promise<ReplaceOutcome> {
    const op = new Op(OpKind.REPLACE, account, id, 0, 0, null, null)
    op.replace = r
    return this.write<ReplaceOutcome>(op)
  }

  async get (account: string, id: string): Promise<MessageRecord | null> {
    const dbs = this.open()
    const key = [account, id]
    const row = dbs.messages.getBinaryFast(key)
    if (row === undefined) {
      const hit = findBulk(dbs, account, id)
      return hit !== null && isPending(hit.row, hit.index) ? toRecord(account, id, memberRow(hit.row, hit.index), undefined) : null
    }
    const msg = readMessage(this.reader.on(row))
    return toRecord(account, id, msg, this.stateOf(key))
  }

  async replyRoute (sender: string, handset: string, since: number): Promise<PartRef | null> {
    const hit = this.open().replies.get(replyKey(sender, handset))
    if (hit === undefined || hit[2] < since) return null
    return { account: hit[0], id: hit[1], part: 0 }
  }

  async byCarrierId (carrierId: string, carrierMessageId: string): Promise<PartRef | null> {
    const dbs = this.open()
    // Exact form only: the other reading of an all-digit id may be another message's id, and
    // a receipt that overtook its own commit would be pinned on that message. Carriers that
    // quote ids in another form say so in their config (message_ids), converted before this.
    const buf = dbs.carrier.getBinaryFast([carrierId, canonicalCarrierId(carrierMessageId)])
    if (buf === undefined) return null
    const [account, id, part] = readPartRef(buf)
    return { account, id, part }
  }

  async due (now: number, limit: number): Promise<PartRef[]> {
    const out: PartRef[] = []
    for (const k of this.open().due.getKeys({ end: [Math.floor(now) + 1], limit }) as Iterable<[number, string, string, number]>) {
      out.push({ account: k[1], id: k[2], part: k[3] })
    }
    return out
  }

  async list (account: string, opts: ListOptions = {}): Promise<Page<MessageRecord>> {
    const dbs = this.open()
    const limit = Math.max(1, Math.min(opts.limit ?? 100, 1000))
    let lo: string = opts.since !== undefined ? idFloor(opts.since) : ''
    let hi: string = opts.until !== undefined ? idFloor(opts.until) : MAX_STR
    if (opts.after !== undefined) {
      // The cursor itself is skipped below (reverse range starts are inclusive).
      if (opts.reverse === true) hi = opts.after < hi ? opts.after : hi
      else lo = opts.after > lo ? opts.after : lo
    }
    const n = opts.after !== undefined ? limit + 2 : limit + 1
    const range = opts.reverse === true
      ? { start: [account, hi], end: [account, lo], reverse: true, limit: n }
      : { start: [account, lo], end: [account, hi], limit: n }
    const items: MessageRecord[] = []
    let next: string | null = null
    // Stored messages merged, in id order, with the bulk members not written as messages yet.
    const reverse = opts.reverse === true
    const stored = dbs.messages.getRange(range)[Symbol.iterator]()
    const pending = pendingMembers(dbs, account, lo, hi, reverse)
    let a = stored.next()
    let b = pending.next()
    while (a.done !== true || b.done !== true) {
      const aId = a.done === true ? null : (a.value.key as [string, string])[1]
      const takeStored = aId !== null && (b.done === true || (reverse ? aId > b.value[0] : aId < b.value[0]))
      const id = takeStored ? aId : (b.value as [string, BulkRow, number])[0]
      if (id !== opts.after) {
        if (items.length === limit) { next = items[items.length - 1].id; break }
        if (takeStored) items.push(toRecord(account, id, readMessage(this.reader.on(a.value!.value)), this.stateOf([account, id])))
        else { const [, row, i] = b.value as [string, BulkRow, number]; items.push(toRecord(account, id, memberRow(row, i), undefined)) }
      }
      if (takeStored) a = stored.next()
      else b = pending.next()
    }
    return { items, next }
  }

  /** The state row of a message once something happened to it (before that, toRecord uses the
   *  state its message row implies). */
  private stateOf (key: Key): StateRow | undefined {
    const buf = this.open().status.getBinaryFast(key)
    return buf === undefined ? undefined : readState(this.reader.on(buf))
  }

  async enqueueReceipt (account: string, receipt: Record<string, unknown>): Promise<string> {
    const dbs = this.open()
    this.receiptIds ??= this.idGenerator()
    const key = this.receiptIds.next()
    await dbs.receipts.put([account, key], receipt)
    if (this.config.durability === 'flush') await dbs.env.flushed
    return key
  }

  async addMoPart (key: MoSetKey, part: StoredMoPart): Promise<StoredMoPart[] | null> {
    const dbs = this.open()
    const parts = await addMoPart(dbs, key, part)
    if (this.config.durability === 'flush') await dbs.env.flushed
    return parts
  }

  async claimStaleMoSets (waitingBefore: number, claimedBefore: number, now: number, limit: number): Promise<MoSet[]> {
    return await claimStaleMoSets(this.open(), waitingBefore, claimedBefore, now, limit)
  }

  async moSetDone (key: MoSetKey): Promise<void> {
    await moSetDone(this.open(), key)
  }

  async peekReceipts (account: string, limit: number): Promise<StoredReceipt[]> {
    const out: StoredReceipt[] = []
    for (const { key, value } of this.open().receipts.getRange({ start: [account, ''], end: [account, MAX_STR], limit })) {
      out.push({ key: (key as [string, string])[1], receipt: value })
    }
    return out
  }

  /**
   * Whether an outbox entry is still stored (not acknowledged, not expired), as of now: lmdb-js
   * keeps a read snapshot until its next timer tick, which can predate a commit another thread
   * made and told us about within the same event-loop turn, so the snapshot is renewed first.
   */
  hasReceipt (account: string, key: string): boolean {
    const receipts = this.open().receipts
    receipts.resetReadTxn()
    return receipts.doesExist([account, key])
  }

  async ackReceipts (account: string, keys: string[]): Promise<void> {
    const dbs = this.open()
    await dbs.env.transaction(() => { for (const k of keys) dbs.receipts.remove([account, k]) })
    if (this.config.durability === 'flush') await dbs.env.flushed
  }

  // Documents: rare writes, each its own lmdb transaction (not through the message Writer, whose
  // batches stay free of them); lmdb serialises them with the Writer's under the one write lock.

  async getDoc<T> (kind: string, key: string): Promise<T | null> {
    return (this.open().docs.get([kind, key]) as T | undefined) ?? null
  }

  async putDoc (kind: string, key: string, value: unknown): Promise<void> {
    await this.open().docs.put([kind, key], value)
  }

  async deleteDoc (kind: string, key: string): Promise<boolean> {
    const dbs = this.open()
    // lmdb's async remove() resolves true for a missing key too; decide inside the transaction.
    return await dbs.env.transaction(() => {
      if (dbs.docs.get([kind, key]) === undefined) return false
      void dbs.docs.remove([kind, key])
      return true
    })
  }

  async updateDoc<T> (kind: string, key: string, fn: (current: T | null) => T | null | undefined): Promise<T | null> {
    const dbs = this.open()
    return await dbs.env.transaction(() => {
      const cur = (dbs.docs.get([kind, key]) as T | undefined) ?? null
      const next = fn(cur)
      if (next === undefined) return cur
      if (next === null) void dbs.docs.remove([kind, key])
      else void dbs.docs.put([kind, key], next)
      return next
    })
  }

  async listDocs<T> (kind: string, opts: { prefix?: string, after?: string, limit?: number } = {}): Promise<Array<StoredDoc<T>>> {
    const prefix = opts.prefix ?? ''
    const start = opts.after !== undefined && opts.after >= prefix ? opts.after + '\u0000' : prefix
    const out: Array<StoredDoc<T>> = []
    for (const { key, value } of this.open().docs.getRange({ start: [kind, start], end: [kind, prefix + MAX_STR], limit: opts.limit })) {
      out.push({ key: (key as Key)[1] as string, value: value as T })
    }
    return out
  }

  // Webhook events (events.ts). Writes go through the Writer: the sender's bookkeeping joins the
  // group commit like everything else.

  /** Accounts whose low-credit alerts are also written as `credit.low` events (config, on start and reload). */
  setLowCreditEvents (accounts: Iterable<string>): void {
    this.lowCredit = new Set(accounts)
    this.writer?.setLowCreditEvents(this.lowCredit)
  }

  enqueueEvent (e: NewEvent): Promise<string> {
    const op = new Op(OpKind.EVENT_ADD, e.account, '', 0, 0, null, null)
    op.event = e
    return this.write<string>(op)
  }

  async dueEvents (now: number, limit: number): Promise<WebhookEvent[]> {
    const out: WebhookEvent[] = []
    for (const { key, value } of this.open().webhooks.getRange(DUE_RANGE(now, limit))) out.push(eventOf(key as Key, value as EventRow))
    return out
  }

  eventDelivered (ref: EventRef): Promise<void> {
    return this.write(new Op(OpKind.EVENT_DONE, '', ref.id, ref.dueAt, 0, null, null))
  }

  eventRetry (ref: EventRef, dueAt: number, error: string | null): Promise<void> {
    return this.write(new Op(OpKind.EVENT_RETRY, '', ref.id, ref.dueAt, dueAt, null, error))
  }

  eventExpired (ref: EventRef, error: string | null, at = Date.now()): Promise<void> {
    return this.write(new Op(OpKind.EVENT_EXPIRE, '', ref.id, ref.dueAt, at, null, error))
  }

  async expiredEvents (opts: { after?: string, limit?: number } = {}): Promise<WebhookEvent[]> {
    const limit = Math.max(1, Math.min(opts.limit ?? 100, 1000))
    const out: WebhookEvent[] = []
    let skipping = opts.after !== undefined
    for (const { key, value } of this.open().webhooks.getRange(EXPIRED_RANGE())) {
      const row = value as EventRow
      if (skipping) { if (row.id === opts.after) skipping = false; continue }
      out.push(eventOf(key as Key, row))
      if (out.length === limit) break
    }
    return out
  }

  async eventCounts (): Promise<{ pending: number, expired: number }> {
    const db = this.open().webhooks
    return { pending: db.getKeysCount(PENDING_RANGE()), expired: db.getKeysCount(EXPIRED_RANGE()) }
  }

  prune (now: number, limit: number): Promise<number> {
    const cutoff = now - this.config.retentionDays * DAY
    return this.write<number>(new Op(OpKind.PRUNE, '', '', limit, cutoff, null, null))
  }

  private pruneTick (): void {
    if (this.pruning || this.closing !== null) return
    this.pruning = true
    this.prune(Date.now(), this.config.pruneBatch).then((n) => {
      if (n > 0) {
        this.pruned?.inc(n)
        this.logger.debug({ pruned: n }, 'retention pruned messages')
      }
    }, (err: unknown) => {
      this.logger.warn({ err }, 'retention pruning failed')
    }).finally(() => { this.pruning = false })
  }
}

function toRecord (account: string, id: string, row: MessageRow, st: StateRow | undefined): MessageRecord {
  const status = st ?? newState(row.pc * row.p.length, row.pc, row.p.length, row.sch, row.vu, row.rcv, messageFlags(row), row.set)
  return {
    id,
    account,
    origin: row.origin,
    reference: row.ref,
    sender: row.from,
    destination: row.to,
    country: row.cc,
    type: row.type,
    dataCoding: row.dc,
    esmClass: row.esm,
    registeredDelivery: row.rd,
    protocolId: row.pid ?? 0,
    priorityFlag: row.pri ?? 0,
    concatRef: row.cref ?? 0,
    cutFor: row.cut ?? 'udh8',
    partCost: row.pc,
    cost: row.pc * row.p.length,
    receivedAt: row.rcv,
    validUntil: row.vu,
    scheduledAt: row.sch,
    finishedAt: status.fin,
    callbackUrl: row.cb,
    parts: row.p.map((payload, i) => {
      const p = status.st[i]
      return {
        part: i,
        payload,
        state: p.st,
        queuedAt: p.q,
        dispatchedAt: p.d,
        submittedAt: p.s,
        doneAt: p.f,
        carrierId: p.cid,
        carrierMessageId: p.cmid,
        error: p.err,
        attempts: p.n,
        charged: p.chg > 0 ? p.chg : 0,
        dueAt: p.due
      }
    })
  }
}
