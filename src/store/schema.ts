// The LMDB layout: one environment, one sub-database per table, so a message, its
// reservation and the account's balance commit in the same transaction.
//
//   accounts  account                      → AccountRow
//   ledger    [account, seq]               → LedgerEntry (append-only)
//   messages  [account, id]                → MessageRow, binary (codec.ts), written once at accept
//   open      [account, set]               → ids of the unfinished messages one accept batch stored for
//                                            the account, binary = the unfinished-work index
//   status    [account, id]                → StateRow, binary: part statuses and open reservation, written
//                                            at a message's first change (before it, the message row implies it)
//   holds     [account, 'g:' ref]          → StateRow, binary: a generic ledger hold
//   due       [dueAt, account, id, part]   → null (scheduled sends and retries)
//   carrier   [carrierId, carrierMsgId]    → [account, id, part], binary (receipt correlation)
//   finished  [finishedAt, account, id]    → null (retention)
//   receipts  [account, key]               → receipt waiting for a customer bind
//   replies   [sender, handset]            → [account, id, at] of the latest `reply`-type message from a
//                                            number to a handset: who gets the handset's answer (MO)
//   moparts   [handset, to, ref, total, seq] → a part of a concatenated MO until the set is whole
//                                            (mo-parts.ts); seq 0 is the set's claim
//   bulks     [account, firstId]          → BulkRow (bulk.ts): a bulk request's recipients not yet
//                                            written as messages, and the credit held for them
//   meta      name                         → value (id slots)
//   docs      [kind, key]                  → small JSON-like documents (admin settings, idempotency, …)
//   webhooks  ['p', dueAt, id]             → pending webhook event (events.ts); ['x', expiredAt, id] expired

import { open, type Database, type RootDatabase } from 'lmdb'
export type { MessageRow, PartStatus, StateRow } from './codec.js'

export interface AccountRow {
  balance: number
  held: number
  opening: number
  seq: number
  alerts: number[]
  armed: boolean[]
  createdAt: number
}

export type Key = Array<string | number>

export interface Dbs {
  env: RootDatabase
  accounts: Database<AccountRow, string>
  ledger: Database<unknown, Key>
  messages: Database<Buffer, Key>
  status: Database<Buffer, Key>
  open: Database<Buffer, Key>
  holds: Database<Buffer, Key>
  due: Database<null, Key>
  carrier: Database<Buffer, Key>
  finished: Database<null, Key>
  receipts: Database<Record<string, unknown>, Key>
  replies: Database<[string, string, number], Key>
  moparts: Database<unknown, Key>
  bulks: Database<unknown, Key>
  meta: Database<unknown, string>
  docs: Database<unknown, Key>
  webhooks: Database<unknown, Key>
}

export interface OpenOptions {
  path: string
  mapSizeMb?: number
  noSync?: boolean
}

/** Prefix for generic ledger holds (their `holds` keys and ledger item refs), so they never meet a message id. */
export const GENERIC_HOLD = 'g:'

/** Prefix of a bulk's hold in ledger items (the bulk's id is also its first member's message id). */
export const BULK_HOLD = 'b:'

/** Highest string for range ends within one account. */
export const MAX_STR = '\uffff'

// msgpack record structures stored once per table instead of inside every value: measured
// 2–2.7× faster puts and gets for our row shapes. The key is a symbol, which sorts before every
// [account, …] key, so range scans never meet it.
const STRUCTURES = Symbol.for('structures')

export function openDbs (opts: OpenOptions): Dbs {
  const env = open({
    path: opts.path,
    maxDbs: 32,
    mapSize: (opts.mapSizeMb ?? 4096) * 1024 * 1024,
    noSync: opts.noSync === true
  })
  return {
    env,
    accounts: env.openDB<AccountRow, string>({ name: 'accounts' }),
    ledger: env.openDB<unknown, Key>({ name: 'ledger', sharedStructuresKey: STRUCTURES }),
    messages: env.openDB<Buffer, Key>({ name: 'messages', encoding: 'binary' }),
    status: env.openDB<Buffer, Key>({ name: 'status', encoding: 'binary' }),
    open: env.openDB<Buffer, Key>({ name: 'open', encoding: 'binary' }),
    holds: env.openDB<Buffer, Key>({ name: 'holds', encoding: 'binary' }),
    due: env.openDB<null, Key>({ name: 'due' }),
    carrier: env.openDB<Buffer, Key>({ name: 'carrier', encoding: 'binary' }),
    finished: env.openDB<null, Key>({ name: 'finished' }),
    receipts: env.openDB<Record<string, unknown>, Key>({ name: 'receipts' }),
    replies: env.openDB<[string, string, number], Key>({ name: 'replies' }),
    moparts: env.openDB<unknown, Key>({ name: 'moparts' }),
    bulks: env.openDB<unknown, Key>({ name: 'bulks', sharedStructuresKey: STRUCTURES }),
    meta: env.openDB<unknown, string>({ name: 'meta' }),
    docs: env.openDB<unknown, Key>({ name: 'docs' }),
    webhooks: env.openDB<unknown, Key>({ name: 'webhooks' })
  }
}
