// The one-writer discipline. Every write of this thread is queued here; the first write of a
// turn asks lmdb for one async transaction, and when that transaction's callback runs (on this
// thread, holding the environment's write lock) it applies everything queued so far — writes
// that arrive meanwhile join the next transaction. Under load the batches grow by themselves
// (group commit). Several threads or processes each run their own Writer on the same
// environment; LMDB's write lock serialises their transactions, and every credit check reads
// inside the lock, so none can overspend. A write's promise settles only after its batch has
// committed (and, with durability `flush`, reached the disk).

import type { RootDatabase } from 'lmdb'
import { Book } from '../ledger/book.js'
import type { Pricing } from '../ledger/pricing.js'
import { applyAdjust, applyEnsureAccount, applyHlr, applyHold, applyHoldEnd, applyTopUp, applyTransfer } from '../ledger/apply.js'
import type { LowCreditAlert } from '../ledger/types.js'
import { ClosedError } from '../errors.js'
import { ApplyContext, applyAccept, applyCancel, applyCommit, applyDispatch, applyFinish, applyPrune, applyRetry } from './apply.js'
import type { Durability } from './config.js'
import { Op, OpKind } from './ops.js'
import { applyReplace } from './replace.js'
import { applyAcceptBulk, applyExpandBulk } from './bulk.js'
import { applyEnqueueEvent, applyEventDelivered, applyEventExpired, applyEventRetry, pruneEvents, putEvent } from './events.js'
import type { Dbs } from './schema.js'
import type { AcceptResult } from './types.js'

export interface WriterStats {
  batches: number
  ops: number
  messages: number
}

export class Writer {
  private readonly dbs: Dbs
  private readonly env: RootDatabase
  private readonly ctx: ApplyContext
  private readonly durability: Durability
  private readonly onAlerts: (alerts: LowCreditAlert[]) => void
  private queue: Op[] = []
  private scheduled = false
  private inflight = new Set<Promise<void>>()
  private closing = false
  private inLoop = false
  private readonly endLoop = (): void => { this.inLoop = false }
  readonly stats: WriterStats = { batches: 0, ops: 0, messages: 0 }

  constructor (dbs: Dbs, pricing: Pricing, durability: Durability, onAlerts: (alerts: LowCreditAlert[]) => void) {
    this.dbs = dbs
    this.env = dbs.env
    this.durability = durability
    this.onAlerts = onAlerts
    this.ctx = new ApplyContext(dbs, new Book(dbs), pricing)
    this.run = this.run.bind(this)
  }

  /** Accounts whose low-credit alerts are written as `credit.low` webhook events. */
  setLowCreditEvents (accounts: ReadonlySet<string>): void {
    this.ctx.lowCreditEvents = accounts
  }

  /** Queues an op; its promise settles with `op.result` after the commit. */
  submit<T> (op: Op): Promise<T> {
    if (this.closing) return Promise.reject(new ClosedError('message store'))
    const p = new Promise<T>((resolve, reject) => {
      op.resolve = resolve as (v: unknown) => void
      op.reject = reject
    })
    this.queue.push(op)
    if (!this.scheduled) this.schedule()
    return p
  }

  /** Settles once everything queued so far has committed. */
  async drain (): Promise<void> {
    while (this.queue.length > 0 || this.inflight.size > 0) {
      await Promise.allSettled([...this.inflight])
      if (this.queue.length > 0 && !this.scheduled) this.schedule()
      if (this.inflight.size === 0 && this.queue.length > 0) await Promise.resolve()
    }
  }

  close (): Promise<void> {
    this.closing = true
    return this.drain()
  }

  private schedule (): void {
    this.scheduled = true
    let batch: Op[] = []
    let alerts: LowCreditAlert[] | null = null
    const txn = this.env.transaction(() => {
      // Take what is queued now: later writes go to the next transaction.
      batch = this.queue
      this.queue = []
      this.scheduled = false
      alerts = this.run(batch)
    })
    const done = txn.then(async () => {
      if (this.durability === 'flush') await this.env.flushed
      for (const op of batch) {
        if (op.result instanceof Failure) op.reject(op.result.cause)
        else op.resolve(op.result)
      }
      if (alerts !== null) this.onAlerts(alerts)
    }, (err: unknown) => {
      // Nothing of this transaction is known to have committed (state rows, event id slot).
      this.ctx.forget()
      if (batch.length === 0) {
        // The transaction failed before its callback ran: what it would have taken is still
        // queued, and nothing else will schedule it.
        batch = this.queue
        this.queue = []
        this.scheduled = false
      }
      for (const op of batch) op.reject(err)
    }).finally(() => { this.inflight.delete(done) })
    this.inflight.add(done)
  }

  /** Applies one batch; returns the low-credit alerts it caused. */
  private run (batch: Op[]): LowCreditAlert[] | null {
    const book = this.ctx.book
    book.reset(Date.now())
    // Callbacks that lmdb-js runs in one synchronous loop share one LMDB transaction.
    const sameTxn = this.inLoop
    if (!sameTxn) {
      this.inLoop = true
      queueMicrotask(this.endLoop)
    }
    this.ctx.begin(book.now, this.env.getWriteTxnId(), sameTxn)
    let failed = false
    this.stats.batches++
    this.stats.ops += batch.length
    for (let i = 0; i < batch.length; i++) {
      const op = batch[i]
      try {
        this.apply(op)
      } catch (err) {
        // Only storage failures land here (business outcomes are results); the transaction
        // will most likely fail as a whole and reject every op of the batch.
        op.result = new Failure(err)
        failed = true
      }
    }
    try {
      this.ctx.flushStates()
      book.flush()
      // The ledger found its crossings while flushing the account rows, still inside this
      // transaction: the credit.low events commit with the debit that caused them.
      const wanted = this.ctx.lowCreditEvents
      if (wanted.size > 0) {
        for (const a of book.alerts) {
          if (wanted.has(a.account)) putEvent(this.ctx, 'credit.low', a.account, null, { threshold: a.threshold, available: a.available }, a.at)
        }
      }
    } catch (err) {
      this.ctx.forget()
      throw err
    }
    if (failed) this.ctx.forget()
    return book.alerts.length > 0 ? book.alerts.splice(0) : null
  }

  private apply (op: Op): void {
    const ctx = this.ctx
    const dbs = this.dbs
    switch (op.kind) {
      case OpKind.ACCEPT: {
        const msgs = op.msgs ?? []
        const out: AcceptResult[] = new Array(msgs.length)
        for (let i = 0; i < msgs.length; i++) out[i] = applyAccept(ctx, msgs[i])
        this.stats.messages += msgs.length
        op.result = op.part === 1 ? out[0] : out
        break
      }
      case OpKind.ACCEPT_BULK: op.result = applyAcceptBulk(ctx, op.bulk!); this.stats.messages += op.bulk!.destinations.length; break
      case OpKind.EXPAND_BULK: op.result = applyExpandBulk(ctx, op.account, op.id, op.amount); break
      case OpKind.DISPATCH: op.result = applyDispatch(ctx, op.account, op.id, op.part, op.s1 as string); break
      case OpKind.CANCEL: op.result = applyCancel(ctx, op.account, op.id, op.amount); break
      case OpKind.COMMIT: applyCommit(ctx, op.account, op.id, op.part, op.s1 as string, op.s2 as string); break
      case OpKind.COMMIT_MANY: {
        const items = op.commits ?? []
        for (let i = 0; i < items.length; i++) {
          const c = items[i]
          applyCommit(ctx, c.account, c.id, c.part, c.carrierId, c.carrierMessageId)
        }
        break
      }
      case OpKind.RETRY: applyRetry(ctx, op.account, op.id, op.part, op.amount, op.s2); break
      case OpKind.FINISH: op.result = applyFinish(ctx, op.account, op.id, op.part, op.state ?? 'failed', op.s2, op.amount); break
      case OpKind.REPLACE: op.result = applyReplace(ctx, op.account, op.id, op.replace!); break
      case OpKind.PRUNE: ctx.flushStates(); op.result = applyPrune(ctx, op.amount, op.part); pruneEvents(ctx, op.amount, op.part); break
      case OpKind.EVENT_ADD: op.result = applyEnqueueEvent(ctx, op.event!); break
      case OpKind.EVENT_DONE: applyEventDelivered(ctx, { id: op.id, dueAt: op.part }); break
      case OpKind.EVENT_RETRY: applyEventRetry(ctx, { id: op.id, dueAt: op.part }, op.amount, op.s2); break
      case OpKind.EVENT_EXPIRE: applyEventExpired(ctx, { id: op.id, dueAt: op.part }, op.s2, op.amount); break
      case OpKind.ENSURE_ACCOUNT: if (op.setup !== null) applyEnsureAccount(dbs, ctx.book, op.account, op.setup); break
      case OpKind.TOPUP: op.result = applyTopUp(ctx.book, op.account, op.amount, op.s1); break
      case OpKind.ADJUST: op.result = applyAdjust(ctx.book, op.account, op.amount, op.s1); break
      case OpKind.TRANSFER: op.result = applyTransfer(ctx.book, op.account, op.s2 as string, op.amount, op.s1); break
      case OpKind.HLR: op.result = applyHlr(ctx.book, op.account, op.s1 as string, op.amount); break
      case OpKind.HOLD: op.result = applyHold(ctx, ctx.book, op.account, op.s1 as string, op.amount); break
      case OpKind.HOLD_COMMIT: applyHoldEnd(ctx, ctx.book, op.account, op.s1 as string, op.amount, true); break
      case OpKind.HOLD_RELEASE: applyHoldEnd(ctx, ctx.book, op.account, op.s1 as string, op.amount, false); break
      default: break
    }
  }
}

class Failure {
  readonly cause: unknown
  constructor (cause: unknown) { this.cause = cause }
}
