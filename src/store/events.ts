// Webhook events: durable rows in the `webhooks` table, written inside the same write transactions
// as what caused them (a message's completion, a low-credit crossing), so a crash can't keep the
// one and lose the other. One table, two key spaces:
//
//   ['p', dueAt, id]      → EventRow   pending: the sender's due index is the table itself
//   ['x', expiredAt, id]  → EventRow   expired: kept for a listing, pruned with the retention
//
// A delivered event is deleted. A retry moves the row to its new due time (one delete, one put).
// Rows are msgpack: events are rare next to messages and their payloads are free-form.

import type { ApplyContext } from './apply.js'
import type { Key } from './schema.js'
import type { EventRef, EventType, NewEvent, WebhookEvent } from './types.js'

export interface EventRow {
  id: string
  type: EventType
  account: string
  message: string | null
  data: Record<string, unknown> | null
  createdAt: number
  attempts: number
  lastError: string | null
  expiredAt: number | null
}

const PENDING = 'p'
const EXPIRED = 'x'

/** Writes a new pending event due at `at`; returns its id. Runs inside the write transaction. */
export function putEvent (ctx: ApplyContext, type: EventType, account: string, message: string | null, data: Record<string, unknown> | null, at: number): string {
  const id = 'evt_' + ctx.eventIds().next()
  const row: EventRow = { id, type, account, message, data, createdAt: at, attempts: 0, lastError: null, expiredAt: null }
  ctx.dbs.webhooks.put([PENDING, at, id], row)
  return id
}

export function applyEnqueueEvent (ctx: ApplyContext, e: NewEvent): string {
  return putEvent(ctx, e.type, e.account, e.messageId ?? null, e.data ?? null, e.at ?? ctx.now)
}

/** The pending row named by `ref`, or undefined when it was delivered, expired or moved. */
function pending (ctx: ApplyContext, ref: EventRef): EventRow | undefined {
  return ctx.dbs.webhooks.get([PENDING, ref.dueAt, ref.id]) as EventRow | undefined
}

export function applyEventDelivered (ctx: ApplyContext, ref: EventRef): void {
  if (pending(ctx, ref) !== undefined) ctx.dbs.webhooks.remove([PENDING, ref.dueAt, ref.id])
}

export function applyEventRetry (ctx: ApplyContext, ref: EventRef, dueAt: number, error: string | null): void {
  const row = pending(ctx, ref)
  if (row === undefined) return
  ctx.dbs.webhooks.remove([PENDING, ref.dueAt, ref.id])
  row.attempts++
  row.lastError = error
  ctx.dbs.webhooks.put([PENDING, Math.floor(dueAt), ref.id], row)
}

export function applyEventExpired (ctx: ApplyContext, ref: EventRef, error: string | null, at: number): void {
  const row = pending(ctx, ref)
  if (row === undefined) return
  ctx.dbs.webhooks.remove([PENDING, ref.dueAt, ref.id])
  row.attempts++
  if (error !== null) row.lastError = error
  row.expiredAt = at
  ctx.dbs.webhooks.put([EXPIRED, at, ref.id], row)
}

/** Deletes expired events older than `cutoff`, at most `limit`; returns how many. */
export function pruneEvents (ctx: ApplyContext, cutoff: number, limit: number): number {
  let n = 0
  for (const key of ctx.dbs.webhooks.getKeys({ start: [EXPIRED, 0], end: [EXPIRED, cutoff], limit }) as Iterable<Key>) {
    ctx.dbs.webhooks.remove(key)
    n++
  }
  return n
}

// ---- reads (any thread, no transaction needed) ----

export function eventOf (key: Key, row: EventRow): WebhookEvent {
  return {
    id: row.id,
    dueAt: key[0] === PENDING ? key[1] as number : row.expiredAt ?? 0,
    type: row.type,
    account: row.account,
    messageId: row.message,
    data: row.data,
    createdAt: row.createdAt,
    attempts: row.attempts,
    lastError: row.lastError,
    expiredAt: row.expiredAt
  }
}

export const DUE_RANGE = (now: number, limit: number): { start: Key, end: Key, limit: number } =>
  ({ start: [PENDING, 0], end: [PENDING, Math.floor(now) + 1], limit })

// Fresh objects each time: lmdb-js keeps state on a range options object it was given.
export const EXPIRED_RANGE = (): { start: Key, end: Key } => ({ start: [EXPIRED, 0], end: [EXPIRED, Number.MAX_SAFE_INTEGER] })
export const PENDING_RANGE = (): { start: Key, end: Key } => ({ start: [PENDING, 0], end: [PENDING, Number.MAX_SAFE_INTEGER] })
