// Ledger writes applied inside the shared write transaction (see src/store/apply.ts).

import { withThresholds } from './alerts.js'
import type { Book } from './book.js'
import { refusal } from './refusal.js'
import type { AccountSetup, MoveResult, Refusal } from './types.js'
import { GENERIC_HOLD, type AccountRow, type Dbs } from '../store/schema.js'
import type { ApplyContext } from '../store/apply.js'
import { newState, readState, writeState } from '../store/codec.js'

export function applyEnsureAccount (dbs: Dbs, book: Book, account: string, setup: AccountSetup): void {
  const row = book.account(account)
  if (row !== undefined) {
    const next = withThresholds(row, setup.alerts, row.balance - row.held)
    row.alerts = next.alerts
    row.armed = next.armed
    return
  }
  const fresh: AccountRow = { balance: 0, held: 0, opening: 0, seq: 0, alerts: [...setup.alerts], armed: setup.alerts.map(() => false), createdAt: book.now }
  book.create(account, fresh)
  if (setup.initialCredit > 0) book.move(account, fresh, 'initial', setup.initialCredit, null, null)
}

export function applyTopUp (book: Book, account: string, amount: number, note: string | null): MoveResult {
  const row = book.account(account)
  if (row === undefined) return refusal('unknown_account', amount, 0)
  return { ok: true, entry: book.move(account, row, 'topup', amount, note, null) }
}

export function applyAdjust (book: Book, account: string, amount: number, note: string | null): MoveResult {
  const row = book.account(account)
  if (row === undefined) return refusal('unknown_account', -amount, 0)
  const available = row.balance - row.held
  if (amount < 0 && available + amount < 0) return refusal('no_credit', -amount, available)
  return { ok: true, entry: book.move(account, row, 'adjust', amount, note, null) }
}

export function applyTransfer (book: Book, from: string, to: string, amount: number, note: string | null): MoveResult {
  const a = book.account(from)
  const b = book.account(to)
  if (a === undefined || b === undefined || from === to) return refusal('unknown_account', amount, 0)
  const available = a.balance - a.held
  if (amount > available) return refusal('no_credit', amount, available)
  const entry = book.move(from, a, 'transfer_out', -amount, note, to)
  book.move(to, b, 'transfer_in', amount, note, from)
  return { ok: true, entry }
}

export function applyHlr (book: Book, account: string, ref: string, price: number): MoveResult {
  const row = book.account(account)
  if (row === undefined) return refusal('unknown_account', price, 0)
  const available = row.balance - row.held
  if (price > available) return refusal('no_credit', price, available)
  return { ok: true, entry: book.move(account, row, 'hlr', -price, ref, null) }
}

export function applyHold (ctx: ApplyContext, book: Book, account: string, ref: string, amount: number): { ok: true } | Refusal {
  const dbs = ctx.dbs
  const row = book.account(account)
  if (row === undefined) return refusal('unknown_account', amount, 0)
  const available = row.balance - row.held
  const key = [account, GENERIC_HOLD + ref]
  if (dbs.holds.get(key) !== undefined) return refusal('duplicate', amount, available)
  if (amount > available) return refusal('no_credit', amount, available)
  book.hold(account, row, GENERIC_HOLD + ref, -1, amount)
  dbs.holds.put(key, writeState(ctx.w, newState(amount, amount, 0, null, null, book.now, 0, null)))
  return { ok: true }
}

/** Charges (`charge` true) or releases up to `amount` of a generic hold (-1: all of it). */
export function applyHoldEnd (ctx: ApplyContext, book: Book, account: string, ref: string, amount: number, charge: boolean): void {
  const dbs = ctx.dbs
  const key = [account, GENERIC_HOLD + ref]
  const buf = dbs.holds.getBinaryFast(key)
  if (buf === undefined) return
  // Decoded at once: the next read reuses lmdb's buffer.
  const hold = readState(ctx.r.on(buf))
  const row = book.account(account)
  if (row === undefined) return
  const take = amount < 0 ? hold.rem : Math.min(amount, hold.rem)
  if (charge) book.charge(account, row, GENERIC_HOLD + ref, -1, take)
  else book.release(account, row, GENERIC_HOLD + ref, -1, take)
  hold.rem -= take
  if (hold.rem <= 0) dbs.holds.remove(key)
  else dbs.holds.put(key, writeState(ctx.w, hold))
}
