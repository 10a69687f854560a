// Bulk requests (types.ts BulkRequest). One row in `bulks` per request chunk, keyed by its first
// member's id, holds what the members share, their destinations and prices, and the credit held
// for the members not yet written as messages. Accepting 1,000 recipients is then one row and one
// hold instead of 1,000 message rows; the members become ordinary messages (expandBulk) at the
// pace the engine can hand them to carriers, each taking its share of the hold.
//
// A bulk's member ids are one interval of the id order with nothing else in it (ids.ts block), so
// `get` and `list` find a pending member from its id alone, and the ledger stays provable: the
// credit held = Σ open messages' reservations + Σ bulks' `rem`.

import { refusal } from '../ledger/refusal.js'
import { bulkMemberId, bulkMemberIndex } from './ids.js'
import { storeRow, type ApplyContext } from './apply.js'
import type { MessageRow } from './codec.js'
import { BULK_HOLD, MAX_STR, type Dbs, type Key } from './schema.js'
import type { BulkAcceptResult, BulkMembers, BulkRef, BulkRequest } from './types.js'

/** A stored bulk (msgpack): what its members share, in the message row's terms, and per member the rest. */
export interface BulkRow extends Omit<MessageRow, 'to' | 'cc' | 'cref' | 'pc' | 'sch' | 'set'> {
  to: string[]
  cc: Array<string | null>
  cref: number[] | null
  /** Part price per member; -1 = nothing to expand (refused at accept, or written early). */
  pc: number[]
  /** Members before it were expanded (or had nothing to expand). */
  next: number
  /** Members still to expand. */
  left: number
  /** Milli-credits held for them. */
  rem: number
}

export interface BulkHit {
  key: Key
  row: BulkRow
  /** The member the id names. */
  index: number
}

export function applyAcceptBulk (ctx: ApplyContext, b: BulkRequest): BulkAcceptResult {
  const { dbs, book } = ctx
  const n = b.destinations.length
  const costs: number[] = new Array(n).fill(-1)
  const refusals: BulkAcceptResult['refusals'] = []
  const pc: number[] = new Array(n).fill(-1)
  const skip = new Set(b.skip ?? [])
  const row = book.account(b.account)
  const parts = b.payloads.length
  let available = row === undefined ? 0 : row.balance - row.held
  let total = 0
  let left = 0
  for (let i = 0; i < n; i++) {
    if (skip.has(i)) continue
    if (row === undefined) { refusals.push([i, refusal('unknown_account', 0, 0)]); continue }
    const price = ctx.pricing.partPrice(b.type, b.countries[i])
    if (price < 0 || parts === 0) { refusals.push([i, refusal('no_price', 0, available)]); continue }
    const cost = price * parts
    if (cost > available) { refusals.push([i, refusal('no_credit', cost, available)]); continue }
    available -= cost
    total += cost
    pc[i] = price
    costs[i] = cost
    left++
  }
  if (left === 0 || row === undefined) return { costs, refusals }
  if (total > 0) book.hold(b.account, row, BULK_HOLD + b.id, -1, total)
  const stored: BulkRow = {
    origin: b.origin,
    ref: b.reference,
    from: b.sender,
    type: b.type,
    dc: b.dataCoding,
    esm: b.esmClass,
    rd: b.registeredDelivery,
    pid: b.protocolId ?? 0,
    pri: b.priorityFlag ?? 0,
    cut: b.cutFor ?? 'udh8',
    rcv: ctx.now,
    vu: b.validUntil,
    cb: b.callbackUrl ?? null,
    p: b.payloads,
    to: b.destinations,
    cc: b.countries,
    cref: b.concatRefs,
    pc,
    next: 0,
    left,
    rem: total
  }
  dbs.bulks.put([b.account, b.id], stored)
  return { costs, refusals }
}

/** Writes up to `max` of the bulk's next members as messages (see MessageStore.expandBulk). */
export function applyExpandBulk (ctx: ApplyContext, account: string, id: string, max: number): BulkMembers {
  const key: Key = [account, id]
  const row = ctx.dbs.bulks.get(key) as BulkRow | undefined
  if (row === undefined) return emptyMembers(account)
  const out: BulkMembers = {
    account,
    type: row.type,
    sender: row.from,
    dataCoding: row.dc,
    esmClass: row.esm,
    protocolId: row.pid,
    priorityFlag: row.pri,
    payloads: row.p,
    cutFor: row.cut,
    validUntil: row.vu,
    ids: [],
    destinations: [],
    countries: [],
    concatRefs: [],
    done: false
  }
  const n = row.to.length
  let i = row.next
  for (; i < n && out.ids.length < max; i++) {
    if (row.pc[i] < 0) continue
    const mid = writeMember(ctx, account, id, row, i)
    out.ids.push(mid)
    out.destinations.push(row.to[i])
    out.countries.push(row.cc[i])
    out.concatRefs.push(row.cref?.[i] ?? 0)
  }
  row.next = i
  out.done = saveBulk(ctx.dbs, key, row)
  return out
}

/**
 * A write names a member not written yet (a cancel, a replace_sm): it becomes a message now,
 * ahead of its turn, and the expansion passes over it. False when the id is no pending member.
 */
export function writeMemberEarly (ctx: ApplyContext, account: string, id: string): boolean {
  const hit = findBulk(ctx.dbs, account, id)
  if (hit === null || !isPending(hit.row, hit.index)) return false
  writeMember(ctx, account, hit.key[1] as string, hit.row, hit.index)
  hit.row.pc[hit.index] = -1
  saveBulk(ctx.dbs, hit.key, hit.row)
  return true
}

/** The bulk whose id interval holds `id`, if any (in the given read transaction). */
export function findBulk (dbs: Dbs, account: string, id: string, options?: object): BulkHit | null {
  for (const { key, value } of dbs.bulks.getRange({ start: [account, id], end: [account, ''], reverse: true, limit: 1, ...options })) {
    const row = value as BulkRow
    const index = bulkMemberIndex((key as Key)[1] as string, row.to.length, id)
    return index < 0 ? null : { key: key as Key, row, index }
  }
  return null
}

/** A member still waiting in its bulk: no message row yet. */
export function isPending (row: BulkRow, i: number): boolean {
  return i >= row.next && row.pc[i] >= 0
}

/** A pending member as the message row it will become. */
export function memberRow (row: BulkRow, i: number): MessageRow {
  return {
    origin: row.origin,
    ref: row.ref,
    from: row.from,
    to: row.to[i],
    cc: row.cc[i],
    type: row.type,
    dc: row.dc,
    esm: row.esm,
    rd: row.rd,
    pid: row.pid,
    pri: row.pri,
    cref: row.cref?.[i] ?? 0,
    cut: row.cut,
    pc: row.pc[i],
    rcv: row.rcv,
    vu: row.vu,
    sch: null,
    p: row.p,
    cb: row.cb,
    set: ''
  }
}

/**
 * The pending members with ids in the range, in id order: lo ≤ id < hi, or (reverse, newest
 * first) lo < id ≤ hi — the bounds of the `messages` range they are merged with.
 */
export function * pendingMembers (dbs: Dbs, account: string, lo: string, hi: string, reverse: boolean): Generator<[string, BulkRow, number]> {
  // A bulk lies within one millisecond of ids: one holding `lo` starts at or after that ms.
  const from = lo.length >= 11 ? lo.slice(0, 11) : lo
  const range = reverse ? { start: [account, hi], end: [account, from], reverse: true } : { start: [account, from], end: [account, hi] }
  for (const { key, value } of dbs.bulks.getRange(range)) {
    const first = (key as Key)[1] as string
    const row = value as BulkRow
    const n = row.to.length
    for (let k = 0; k < n; k++) {
      const i = reverse ? n - 1 - k : k
      if (!isPending(row, i)) continue
      const id = bulkMemberId(first, i)
      if (reverse ? (id <= lo || id > hi) : (id < lo || id >= hi)) continue
      yield [id, row, i]
    }
  }
}

/** Bulks with members left (recovery), in id order. */
export function pendingBulks (dbs: Dbs, options?: object): BulkRef[] {
  const out: BulkRef[] = []
  for (const { key, value } of dbs.bulks.getRange({ ...options })) {
    const k = key as Key
    if (!Array.isArray(k)) continue
    out.push({ account: k[0] as string, id: k[1] as string, left: (value as BulkRow).left })
  }
  return out
}

/** The credit held for the account's bulks (reconcile). */
export function bulkHeld (dbs: Dbs, account: string, options?: object): number {
  let held = 0
  for (const { value } of dbs.bulks.getRange({ start: [account, ''], end: [account, MAX_STR], ...options })) held += (value as BulkRow).rem
  return held
}

/** Member i as a message: its row, an open set, and its share of the bulk's hold. */
function writeMember (ctx: ApplyContext, account: string, bulkId: string, row: BulkRow, i: number): string {
  const id = bulkMemberId(bulkId, i)
  storeRow(ctx, account, id, memberRow(row, i))
  row.rem -= row.pc[i] * row.p.length
  row.left--
  return id
}

/** Writes the row back, or deletes it once no member is left; says whether it is gone. */
function saveBulk (dbs: Dbs, key: Key, row: BulkRow): boolean {
  if (row.left > 0) { dbs.bulks.put(key, row); return false }
  dbs.bulks.remove(key)
  return true
}

function emptyMembers (account: string): BulkMembers {
  return { account, type: '', sender: '', dataCoding: 0, esmClass: 0, protocolId: 0, priorityFlag: 0, payloads: [], cutFor: 'udh8', validUntil: null, ids: [], destinations: [], countries: [], concatRefs: [], done: true }
}
