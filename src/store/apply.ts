// Applies queued writes inside one LMDB write transaction. Runs on the thread that queued
// them, holding the environment's write lock, so every read here is the latest committed state
// plus this transaction's own writes: the credit check cannot race another thread or process.
// Nothing here throws for a business outcome; refusals are results.

import type { Book } from '../ledger/book.js'
import type { Pricing } from '../ledger/pricing.js'
import { refusal } from '../ledger/refusal.js'
import type { Refusal } from '../ledger/types.js'
import { canonicalCarrierId } from './carrier-id.js'
import { putEvent } from './events.js'
import { MessageIdGenerator } from './ids.js'
import { ByteReader, ByteWriter, FLAG_RECEIPT, FLAG_WEBHOOK, newState, readMessage, readState, writeMessage, writeState, type PartStatus, type StateRow } from './codec.js'
import type { Dbs, Key } from './schema.js'
import type { AcceptRequest, AcceptResult, FinalState, FinishResult } from './types.js'

/** A message's state row as this writer last saw it, and where it is stored. */
interface Live {
  key: Key
  row: StateRow
  /** 0: not stored yet, 1: in holds, 2: in status. */
  at: number
  dirty: boolean
  /** Rebuilt from the message row (no state row was found): holds nothing. */
  rebuilt: boolean
}

/** Open state rows kept between batches (about 300 bytes each). */
const CACHE_MAX = 100_000

export class ApplyContext {
  readonly dbs: Dbs
  readonly book: Book
  readonly pricing: Pricing
  now = 0
  readonly w = new ByteWriter()
  readonly r = new ByteReader()
  /**
   * State rows of unfinished messages this writer wrote, so that a commit right after its
   * accept reads nothing. Valid only while no other writer committed in between: begin()
   * checks the LMDB transaction id and drops everything when it moved on by more than our
   * own commit (another thread or process wrote) or when our last transaction may have
   * failed.
   */
  private readonly live = new Map<string, Live>()
  private readonly dirty: Live[] = []
  private lastTxn = -1
  private events: MessageIdGenerator | null = null
  /** Accounts whose webhook asks for `credit.low`: their alerts become events in the same transaction. */
  lowCreditEvents: ReadonlySet<string> = new Set()

  constructor (dbs: Dbs, book: Book, pricing: Pricing) {
    this.dbs = dbs
    this.book = book
    this.pricing = pricing
  }

  /**
   * The generator for webhook event ids. Its slot is taken on first use, inside the current
   * write transaction (the same `meta` counter as idGenerator()), so a store that never writes
   * an event takes no slot; forget() drops it, since the transaction that took it may not commit.
   */
  eventIds (): MessageIdGenerator {
    if (this.events === null) {
      const n = ((this.dbs.meta.get('idSlot') as number | undefined) ?? -1) + 1
      this.dbs.meta.put('idSlot', n)
      this.events = new MessageIdGenerator(n % 256)
    }
    return this.events
  }

  /** Starts a batch. `txnId`: this write transaction's id; `sameTxn`: the previous batch ran
   *  in the same LMDB transaction (lmdb-js ran both callbacks in one synchronous loop). */
  begin (now: number, txnId: number, sameTxn: boolean): void {
    this.now = now
    this.dirty.length = 0
    const ok = this.lastTxn >= 0 && (txnId === this.lastTxn + 1 || (txnId === this.lastTxn && sameTxn))
    if (!ok) this.live.clear()
    this.lastTxn = txnId
  }

  /** Forgets every cached row (after a failure in a batch). */
  forget (): void {
    this.live.clear()
    this.events = null
    this.lastTxn = -1
  }

  /** The state row of a message, from the cache, holds, status, or (for a message stored
   *  without one) built from the message row. */
  state (account: string, id: string): Live | undefined {
    const k = account + '\u0000' + id
    let l = this.live.get(k)
    if (l !== undefined) return l
    const key: Key = [account, id]
    // Decoded at once: the next read reuses lmdb's buffer.
    let buf = this.dbs.holds.getBinaryFast(key)
    let at = 1
    if (buf === undefined) {
      buf = this.dbs.status.getBinaryFast(key)
      at = 2
    }
    let row: StateRow
    let rebuilt = false
    if (buf !== undefined) {
      row = readState(this.r.on(buf))
    } else {
      const mbuf = this.dbs.messages.getBinaryFast(key)
      if (mbuf === undefined) return undefined
      const m = readMessage(this.r.on(mbuf))
      row = newState(0, m.pc, m.p.length, m.sch, m.vu, m.rcv, receiptFlag(m.origin.kind, m.rd) | (m.cb !== null ? FLAG_WEBHOOK : 0))
      at = 0
      rebuilt = true
    }
    l = { key, row, at, dirty: false, rebuilt }
    this.keep(k, l)
    return l
  }

  /** A state row created by accept in this batch. */
  created (account: string, id: string, key: Key, row: StateRow): void {
    const l: Live = { key, row, at: 0, dirty: false, rebuilt: false }
    this.keep(account + '\u0000' + id, l)
    this.touch(l)
  }

  touch (l: Live): void {
    if (l.dirty) return
    l.dirty = true
    this.dirty.push(l)
  }

  private keep (k: string, l: Live): void {
    if (this.live.size >= CACHE_MAX) this.live.clear()
    this.live.set(k, l)
  }

  /** Writes the changed state rows: in holds while a part is open, in status after (and then
   *  out of the cache: later transitions are rare and may come from another thread). */
  flushStates (): void {
    const { dbs, w } = this
    for (let i = 0; i < this.dirty.length; i++) {
      const l = this.dirty[i]
      l.dirty = false
      const buf = writeState(w, l.row)
      if (isOpen(l.row)) {
        dbs.holds.put(l.key, buf)
        if (l.at === 2) dbs.status.remove(l.key)
        l.at = 1
      } else {
        dbs.status.put(l.key, buf)
        if (l.at === 1) dbs.holds.remove(l.key)
        l.at = 2
        this.live.delete((l.key[0] as string) + '\u0000' + (l.key[1] as string))
      }
    }
    this.dirty.length = 0
  }
}

function receiptFlag (origin: string, rd: number): number {
  return origin === 'smpp' && (rd & 3) !== 0 ? FLAG_RECEIPT : 0
}

/** A part neither charged nor final keeps the message in the unfinished-work index. */
function isOpen (row: StateRow): boolean {
  for (let i = 0; i < row.st.length; i++) {
    const p = row.st[i]
    if (p.chg === 0 && !isFinal(p.st)) return true
  }
  return false
}

export function applyAccept (ctx: ApplyContext, m: AcceptRequest): AcceptResult {
  const { dbs, book } = ctx
  const row = book.account(m.account)
  const parts = m.payloads.length
  const partCost = ctx.pricing.partPrice(m.type, m.country)
  if (row === undefined) return refusal('unknown_account', 0, 0)
  const available = row.balance - row.held
  if (partCost < 0 || parts === 0) return refusal('no_price', 0, available)
  const cost = partCost * parts
  if (cost > available) return refusal('no_credit', cost, available)
  const key = [m.account, m.id]
  const sch = m.scheduledAt !== null && m.scheduledAt > ctx.now ? Math.floor(m.scheduledAt) : null
  dbs.messages.put(key, writeMessage(ctx.w, {
    origin: m.origin,
    ref: m.reference,
    from: m.sender,
    to: m.destination,
    cc: m.country,
    type: m.type,
    dc: m.dataCoding,
    esm: m.esmClass,
    rd: m.registeredDelivery,
    pid: m.protocolId ?? 0,
    pri: m.priorityFlag ?? 0,
    cref: m.concatRef ?? 0,
    cut: m.cutFor ?? 'udh8',
    pc: partCost,
    rcv: ctx.now,
    vu: m.validUntil,
    sch,
    p: m.payloads,
    cb: m.callbackUrl ?? null
  }))
  if (cost > 0) {
    book.hold(m.account, row, m.id, -1, cost)
  }
  // The state row in holds is also the unfinished-work index, so it exists even for a free
  // message. Written with the batch's other state rows (flushStates), kept for the commit.
  const flags = receiptFlag(m.origin.kind, m.registeredDelivery) | (m.callbackUrl != null ? FLAG_WEBHOOK : 0)
  ctx.created(m.account, m.id, key, newState(cost, partCost, parts, sch, m.validUntil, ctx.now, flags))
  if (sch !== null) for (let i = 0; i < parts; i++) dbs.due.put([sch, m.account, m.id, i], null)
  return { ok: true, id: m.id, cost, partCost }
}

function isFinal (s: string): boolean {
  return s === 'delivered' || s === 'undeliverable' || s === 'expired' || s === 'rejected' || s === 'failed'
}

export function dropDue (dbs: Dbs, account: string, id: string, part: number, p: PartStatus): void {
  if (p.due !== null) {
    dbs.due.remove([p.due, account, id, part])
    p.due = null
  }
}

export function applyDispatch (ctx: ApplyContext, account: string, id: string, part: number, carrierId: string): void {
  const l = ctx.state(account, id)
  const p = l?.row.st[part]
  if (l === undefined || p === undefined || p.st !== 'queued') return
  p.st = 'submitting'
  p.d = ctx.now
  p.cid = carrierId
  p.n++
  dropDue(ctx.dbs, account, id, part, p)
  ctx.touch(l)
}

export function applyCommit (ctx: ApplyContext, account: string, id: string, part: number, carrierId: string, cmid: string): void {
  const { dbs, book } = ctx
  const l = ctx.state(account, id)
  const p = l?.row.st[part]
  if (l === undefined || p === undefined || p.chg !== 0 || isFinal(p.st)) return
  const row = book.account(account)
  if (row === undefined) return
  const cost = l.row.pc
  if (p.st === 'queued') p.n++
  p.st = 'submitted'
  p.s = ctx.now
  p.cid = carrierId
  p.cmid = cmid
  p.chg = cost > 0 ? cost : -1
  dropDue(dbs, account, id, part, p)
  if (cost > 0) {
    book.charge(account, row, id, part, cost)
    l.row.rem -= cost
  }
  dbs.carrier.put([carrierId, canonicalCarrierId(cmid)], [account, id, part])
  ctx.touch(l)
}

export function applyRetry (ctx: ApplyContext, account: string, id: string, part: number, dueAt: number, error: string | null): void {
  const { dbs } = ctx
  const l = ctx.state(account, id)
  const p = l?.row.st[part]
  if (l === undefined || p === undefined || p.chg !== 0 || isFinal(p.st)) return
  dropDue(dbs, account, id, part, p)
  p.st = 'queued'
  p.err = error
  p.due = Math.floor(dueAt)
  dbs.due.put([p.due, account, id, part], null)
  ctx.touch(l)
}

/** A final outcome. An uncharged part is charged if the network had it (delivered /
 *  undeliverable), released otherwise (expired / rejected / failed before a carrier took it). */
export function applyFinish (ctx: ApplyContext, account: string, id: string, part: number, state: FinalState, error: string | null, at: number): FinishResult {
  const { dbs, book } = ctx
  const l = ctx.state(account, id)
  const p = l?.row.st[part]
  if (l === undefined || p === undefined || isFinal(p.st)) return UNCHANGED
  const row = book.account(account)
  if (row === undefined) return UNCHANGED
  const st = l.row
  dropDue(dbs, account, id, part, p)
  p.st = state
  p.f = at
  p.err = error
  if (p.chg === 0) {
    // A row rebuilt from the message alone (from 0) holds nothing to release.
    const cost = l.rebuilt ? 0 : st.pc
    if (state === 'delivered' || state === 'undeliverable') {
      p.chg = cost > 0 ? cost : -1
      if (cost > 0) book.charge(account, row, id, part, cost)
    } else if (cost > 0) {
      book.release(account, row, id, part, cost)
    }
    st.rem -= cost
  }
  ctx.touch(l)
  let done = true
  for (const q of st.st) if (!isFinal(q.st)) { done = false; break }
  if (done) {
    st.fin = at
    dbs.finished.put([at, account, id], null)
    // The customer's receipt is owed from this transaction on: its outbox entry commits with
    // the outcome, so a crash can't keep the one and lose the other. The router builds the
    // deliver_sm from the message record when it sends it.
    if ((st.flags & FLAG_RECEIPT) !== 0) dbs.receipts.put([account, id], { message: id, queuedAt: at })
    // Likewise the status webhook: the sender builds its body from the (now final) message record.
    if ((st.flags & FLAG_WEBHOOK) !== 0) putEvent(ctx, 'message.status', account, id, null, ctx.now)
  }
  return done ? MESSAGE_DONE : PART_DONE
}

const UNCHANGED: FinishResult = Object.freeze({ changed: false, messageDone: false })
const PART_DONE: FinishResult = Object.freeze({ changed: true, messageDone: false })
const MESSAGE_DONE: FinishResult = Object.freeze({ changed: true, messageDone: true })

/** Deletes finished messages older than `cutoff`, at most `limit`. */
export function applyPrune (ctx: ApplyContext, cutoff: number, limit: number): number {
  const { dbs } = ctx
  let n = 0
  for (const key of dbs.finished.getKeys({ end: [cutoff], limit }) as Iterable<[number, string, string]>) {
    const mkey = [key[1], key[2]]
    const buf = dbs.status.getBinaryFast(mkey)
    if (buf !== undefined) {
      for (const p of readState(ctx.r.on(buf)).st) {
        if (p.cid !== null && p.cmid !== null) {
          const ckey = [p.cid, canonicalCarrierId(p.cmid)]
          const hit = dbs.carrier.get(ckey)
          if (hit !== undefined && hit[1] === key[2]) dbs.carrier.remove(ckey)
        }
      }
    }
    dbs.status.remove(mkey)
    dbs.messages.remove(mkey)
    dbs.finished.remove(key)
    n++
  }
  return n
}

export type { Refusal }
