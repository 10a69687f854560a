// Applies queued writes inside one LMDB write transaction. Runs on the thread that queued
// them, holding the environment's write lock, so every read here is the latest committed state
// plus this transaction's own writes: the credit check cannot race another thread or process.
// Nothing here throws for a business outcome; refusals are results.

import type { Book } from '../ledger/book.js'
import type { Pricing } from '../ledger/pricing.js'
import { refusal } from '../ledger/refusal.js'
import type { Refusal } from '../ledger/types.js'
import { canonicalCarrierId, readPartRef, writePartRef } from './carrier-id.js'
import { OpenSets } from './open-sets.js'
import { writeMemberEarly } from './bulk.js'
import { putEvent } from './events.js'
import { MessageIdGenerator } from './ids.js'
import { ByteReader, ByteWriter, FLAG_RECEIPT, FLAG_WEBHOOK, messageFlags, messageState, newState, readMessage, readState, writeMessage, writeState, type MessageRow, type PartStatus, type StateRow } from './codec.js'
import type { Dbs, Key } from './schema.js'
import type { AcceptRequest, AcceptResult, CancelOutcome, FinalState, FinishResult } from './types.js'

/** A message's state row as this writer last saw it. */
interface Live {
  /** Its cache key: the id, or account + NUL + id if another account used the same id. */
  k: string
  account: string
  id: string
  key: Key
  row: StateRow
  /** Listed in its open set (as stored): unfinished. */
  open: boolean
  dirty: boolean
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
   * State rows of unfinished messages this writer accepted or changed, so that a commit right
   * after its accept reads nothing. Valid only while no other writer committed in between:
   * begin() checks the LMDB transaction id and drops everything when it moved on by more than
   * our own commit (another thread or process wrote) or when our last transaction may have
   * failed.
   */
  private readonly live = new Map<string, Live>()
  private readonly dirty: Live[] = []
  /** This batch's changes to the index of unfinished work. */
  readonly openSets: OpenSets
  private lastTxn = -1
  private events: MessageIdGenerator | null = null
  /** Accounts whose webhook asks for `credit.low`: their alerts become events in the same transaction. */
  lowCreditEvents: ReadonlySet<string> = new Set()

  constructor (dbs: Dbs, book: Book, pricing: Pricing) {
    this.dbs = dbs
    this.book = book
    this.pricing = pricing
    this.openSets = new OpenSets(dbs.open)
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
    this.openSets.clear()
    const ok = this.lastTxn >= 0 && (txnId === this.lastTxn + 1 || (txnId === this.lastTxn && sameTxn))
    if (!ok) this.live.clear()
    this.lastTxn = txnId
  }

  /** Forgets every cached row (after a failure in a batch). */
  forget (): void {
    this.live.clear()
    this.openSets.clear()
    this.events = null
    this.lastTxn = -1
  }

  /** The state row of a message: from the cache, from `status`, or (no change yet) the one its
   *  message row implies. Undefined for an unknown message. */
  state (account: string, id: string): Live | undefined {
    // Keyed by id alone (ids are unique per node; the account is checked): building an
    // account + id string per lookup was a measurable share of the commit path.
    let l = this.live.get(id)
    if (l !== undefined && l.account !== account) l = this.live.get(account + '\u0000' + id)
    if (l !== undefined) return l
    const key: Key = [account, id]
    // Decoded at once: the next read reuses lmdb's buffer.
    const buf = this.dbs.status.getBinaryFast(key)
    let row: StateRow
    if (buf !== undefined) {
      row = readState(this.r.on(buf))
    } else {
      const mbuf = this.dbs.messages.getBinaryFast(key)
      if (mbuf === undefined) {
        // A bulk member not written yet: written now (its expansion passes over it).
        return writeMemberEarly(this, account, id) ? this.live.get(id) ?? this.live.get(account + '\u0000' + id) : undefined
      }
      row = messageState(this.r.on(mbuf))
    }
    l = { k: id, account, id, key, row, open: isOpen(row), dirty: false }
    this.keep(l)
    return l
  }

  /** A message accepted in this batch: its state is implied by its message row (nothing to
   *  write), kept so that its commit reads nothing. */
  created (account: string, id: string, key: Key, row: StateRow): void {
    this.keep({ k: id, account, id, key, row, open: true, dirty: false })
  }

  touch (l: Live): void {
    if (l.dirty) return
    l.dirty = true
    this.dirty.push(l)
  }

  private keep (l: Live): void {
    if (this.live.size >= CACHE_MAX) {
      this.live.clear()
      // Rows changed in this batch but not written yet stay: a second copy read from the
      // table would miss those changes, and the later write would undo them.
      for (let i = 0; i < this.dirty.length; i++) this.live.set(this.dirty[i].k, this.dirty[i])
    }
    const other = this.live.get(l.id)
    l.k = other === undefined || other.account === l.account ? l.id : l.account + '\u0000' + l.id
    this.live.set(l.k, l)
  }

  /** Writes the changed state rows into `status`, then the open sets (made by this batch's
   *  accepts, or without the members it closed). */
  flushStates (): void {
    const { dbs, w } = this
    for (let i = 0; i < this.dirty.length; i++) {
      const l = this.dirty[i]
      l.dirty = false
      dbs.status.put(l.key, writeState(w, l.row))
      if (!isOpen(l.row)) {
        // Out of the cache: later transitions are rare and may come from another thread.
        if (this.live.get(l.k) === l) this.live.delete(l.k)
        if (l.open && l.row.set !== null) this.openSets.delist(l.account, l.row.set, l.id)
        l.open = false
      }
    }
    this.dirty.length = 0
    this.openSets.flush(w)
  }
}

/** A part neither charged nor final keeps the message in its open set (unfinished work). */
export function isOpen (row: StateRow): boolean {
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
  if (cost > 0) book.hold(m.account, row, m.id, -1, cost)
  storeMessage(ctx, m, partCost, ctx.now)
  return { ok: true, id: m.id, cost, partCost }
}

/**
 * Writes an accepted message (its credit already held): the message row, its place in an open
 * set, the due entries of a scheduled send and the reply route. Its state row is implied by the
 * message row until its first change; kept in the cache for the commit.
 */
export function storeMessage (ctx: ApplyContext, m: AcceptRequest, partCost: number, receivedAt: number): void {
  storeRow(ctx, m.account, m.id, {
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
    rcv: receivedAt,
    vu: m.validUntil,
    sch: m.scheduledAt !== null && m.scheduledAt > ctx.now ? Math.floor(m.scheduledAt) : null,
    p: m.payloads,
    cb: m.callbackUrl ?? null,
    set: ''
  })
}

/** storeMessage for a row already in the table's terms; `row.set` is filled in here. */
export function storeRow (ctx: ApplyContext, account: string, id: string, row: MessageRow): void {
  const { dbs } = ctx
  const parts = row.p.length
  const key = [account, id]
  const set = ctx.openSets.enlist(account, id)
  row.set = set
  dbs.messages.put(key, writeMessage(ctx.w, row))
  const flags = messageFlags(row)
  ctx.created(account, id, key, newState(row.pc * parts, row.pc, parts, row.sch, row.vu, row.rcv, flags, set))
  if (row.sch !== null) for (let i = 0; i < parts; i++) dbs.due.put([row.sch, account, id, i], null)
  // The handset's answer to a reply-type message goes back to this account (the latest sender wins).
  if (row.type === 'reply') dbs.replies.put(replyKey(row.from, row.to), [account, id, row.rcv])
}

/** The `replies` key: both addresses as international digits, however the sides wrote them. */
export function replyKey (sender: string, handset: string): Key {
  return [intlDigits(sender), intlDigits(handset)]
}

/** '+39…', '0039…' and '39…' alike. */
export function intlDigits (addr: string): string {
  return addr.startsWith('+') ? addr.slice(1) : addr.startsWith('00') ? addr.slice(2) : addr
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

/**
 * Marks a part as handed to a carrier. False when it may not be sent: unknown, final (a cancel
 * or an expiry got there first) or already accepted by a carrier. A part already marked (a
 * failover or resend in this run) may be sent again: true, and nothing changes.
 */
export function applyDispatch (ctx: ApplyContext, account: string, id: string, part: number, carrierId: string): boolean {
  const l = ctx.state(account, id)
  const p = l?.row.st[part]
  if (l === undefined || p === undefined || p.chg !== 0 || isFinal(p.st)) return false
  if (p.st !== 'queued') return true
  p.st = 'submitting'
  p.d = ctx.now
  p.cid = carrierId
  p.n++
  dropDue(ctx.dbs, account, id, part, p)
  ctx.touch(l)
  return true
}

/**
 * A customer's cancel: every part failed, credit released — only if no part was handed to a
 * carrier yet, decided in the same transaction as the dispatch marks, so a part is either
 * cancelled or sent, never both (applyDispatch refuses a final part).
 */
export function applyCancel (ctx: ApplyContext, account: string, id: string, at: number): CancelOutcome {
  const l = ctx.state(account, id)
  if (l === undefined) return 'not_found'
  for (const p of l.row.st) if (p.st !== 'queued' || p.chg !== 0) return 'handed_over'
  for (let i = 0; i < l.row.st.length; i++) applyFinish(ctx, account, id, i, 'failed', 'cancelled by the customer', at)
  return 'ok'
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
  dbs.carrier.put([carrierId, canonicalCarrierId(cmid)], writePartRef(ctx.w, account, id, part))
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
    const cost = st.pc
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
  return done ? { changed: true, messageDone: true, receiptOwed: (st.flags & FLAG_RECEIPT) !== 0, receivedAt: st.rcv } : PART_DONE
}

const UNCHANGED: FinishResult = Object.freeze({ changed: false, messageDone: false })
const PART_DONE: FinishResult = Object.freeze({ changed: true, messageDone: false })

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
          const hit = dbs.carrier.getBinaryFast(ckey)
          if (hit !== undefined && readPartRef(hit)[1] === key[2]) dbs.carrier.remove(ckey)
        }
      }
    }
    const mbuf = dbs.messages.getBinaryFast(mkey)
    if (mbuf !== undefined) {
      const m = readMessage(ctx.r.on(mbuf))
      if (m.type === 'reply') {
        const rkey = replyKey(m.from, m.to)
        if ((dbs.replies.get(rkey))?.[1] === key[2]) dbs.replies.remove(rkey)
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
