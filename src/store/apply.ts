// Applies queued writes inside one LMDB write transaction. Runs on the thread that queued
// them, holding the environment's write lock, so every read here is the latest committed state
// plus this transaction's own writes: the credit check cannot race another thread or process.
// Nothing here throws for a business outcome; refusals are results.

import type { Book } from '../ledger/book.js'
import type { Pricing } from '../ledger/pricing.js'
import { refusal } from '../ledger/refusal.js'
import type { Refusal } from '../ledger/types.js'
import { canonicalCarrierId } from './carrier-id.js'
import { initialStatus, type Dbs, type HoldRow, type MessageRow, type PartStatus, type StatusRow } from './schema.js'
import type { AcceptRequest, AcceptResult, FinalState, FinishResult } from './types.js'

export interface ApplyContext {
  dbs: Dbs
  book: Book
  pricing: Pricing
  now: number
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
  const msg: MessageRow = {
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
    p: m.payloads
  }
  dbs.messages.put(key, msg)
  if (cost > 0) {
    book.hold(m.account, row, m.id, -1, cost)
  }
  // The hold row is also the unfinished-work index, so it exists even for a free message.
  const hold: HoldRow = [cost, partCost, parts, sch, m.validUntil, ctx.now]
  dbs.holds.put(key, hold)
  if (sch !== null) for (let i = 0; i < parts; i++) dbs.due.put([sch, m.account, m.id, i], null)
  return { ok: true, id: m.id, cost, partCost }
}

/** The status row of a message, building the initial one on its first transition (from the
 *  hold row while the message is unfinished, so the payloads are not decoded). */
function loadStatus (dbs: Dbs, key: Array<string | number>, hold?: HoldRow): StatusRow | undefined {
  const st = dbs.status.get(key)
  if (st !== undefined) return st
  if (hold !== undefined) return initialStatus(hold[2], hold[5], hold[3])
  const msg = dbs.messages.get(key)
  if (msg === undefined) return undefined
  return initialStatus(msg.p.length, msg.rcv, msg.sch)
}

function partCostOf (dbs: Dbs, key: Array<string | number>, hold: HoldRow | undefined): number {
  if (hold !== undefined) return hold[1]
  return dbs.messages.get(key)?.pc ?? 0
}

/** Takes `amount` off the message's hold row; removes it when nothing is left unfinished. */
function reduceHold (ctx: ApplyContext, key: Array<string | number>, hold: HoldRow | undefined, amount: number, st: StatusRow): void {
  if (hold === undefined) return
  hold[0] -= amount
  let open = false
  for (const p of st.parts) if (p.chg === 0 && !isFinal(p.st)) { open = true; break }
  if (open) ctx.dbs.holds.put(key, hold)
  else ctx.dbs.holds.remove(key)
}

function isFinal (s: string): boolean {
  return s === 'delivered' || s === 'undeliverable' || s === 'expired' || s === 'rejected' || s === 'failed'
}

function dropDue (dbs: Dbs, account: string, id: string, part: number, p: PartStatus): void {
  if (p.due !== null) {
    dbs.due.remove([p.due, account, id, part])
    p.due = null
  }
}

export function applyDispatch (ctx: ApplyContext, account: string, id: string, part: number, carrierId: string): void {
  const key = [account, id]
  const st = loadStatus(ctx.dbs, key)
  const p = st?.parts[part]
  if (st === undefined || p === undefined || p.st !== 'queued') return
  p.st = 'submitting'
  p.d = ctx.now
  p.cid = carrierId
  p.n++
  dropDue(ctx.dbs, account, id, part, p)
  ctx.dbs.status.put(key, st)
}

export function applyCommit (ctx: ApplyContext, account: string, id: string, part: number, carrierId: string, cmid: string): void {
  const { dbs, book } = ctx
  const key = [account, id]
  const hold = dbs.holds.get(key)
  const st = loadStatus(dbs, key, hold)
  const p = st?.parts[part]
  if (st === undefined || p === undefined || p.chg !== 0 || isFinal(p.st)) return
  const cost = partCostOf(dbs, key, hold)
  const row = book.account(account)
  if (row === undefined) return
  if (p.st === 'queued') p.n++
  p.st = 'submitted'
  p.s = ctx.now
  p.cid = carrierId
  p.cmid = cmid
  p.chg = cost > 0 ? cost : -1
  dropDue(dbs, account, id, part, p)
  if (cost > 0) book.charge(account, row, id, part, cost)
  reduceHold(ctx, key, hold, cost, st)
  dbs.carrier.put([carrierId, canonicalCarrierId(cmid)], [account, id, part])
  dbs.status.put(key, st)
}

export function applyRetry (ctx: ApplyContext, account: string, id: string, part: number, dueAt: number, error: string | null): void {
  const { dbs } = ctx
  const key = [account, id]
  const st = loadStatus(dbs, key)
  const p = st?.parts[part]
  if (st === undefined || p === undefined || p.chg !== 0 || isFinal(p.st)) return
  dropDue(dbs, account, id, part, p)
  p.st = 'queued'
  p.err = error
  p.due = Math.floor(dueAt)
  dbs.due.put([p.due, account, id, part], null)
  dbs.status.put(key, st)
}

/** A final outcome. An uncharged part is charged if the network had it (delivered /
 *  undeliverable), released otherwise (expired / rejected / failed before a carrier took it). */
export function applyFinish (ctx: ApplyContext, account: string, id: string, part: number, state: FinalState, error: string | null, at: number): FinishResult {
  const { dbs, book } = ctx
  const key = [account, id]
  const st = loadStatus(dbs, key)
  const p = st?.parts[part]
  if (st === undefined || p === undefined || isFinal(p.st)) return UNCHANGED
  const row = book.account(account)
  if (row === undefined) return UNCHANGED
  dropDue(dbs, account, id, part, p)
  p.st = state
  p.f = at
  p.err = error
  if (p.chg === 0) {
    const hold = dbs.holds.get(key)
    const cost = partCostOf(dbs, key, hold)
    if (state === 'delivered' || state === 'undeliverable') {
      p.chg = cost > 0 ? cost : -1
      if (cost > 0) book.charge(account, row, id, part, cost)
    } else if (cost > 0) {
      book.release(account, row, id, part, cost)
    }
    reduceHold(ctx, key, hold, cost, st)
  }
  let done = true
  for (const q of st.parts) if (!isFinal(q.st)) { done = false; break }
  if (done) {
    st.fin = at
    dbs.finished.put([at, account, id], null)
    // The customer's receipt is owed from this transaction on: its outbox entry commits with
    // the outcome, so a crash can't keep the one and lose the other. The router builds the
    // deliver_sm from the message record when it sends it.
    const msg = dbs.messages.get(key)
    if (msg !== undefined && msg.origin.kind === 'smpp' && (msg.rd & 3) !== 0) dbs.receipts.put([account, id], { message: id, queuedAt: at })
  }
  dbs.status.put(key, st)
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
    const st = dbs.status.get(mkey)
    if (st !== undefined) {
      for (const p of st.parts) {
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
