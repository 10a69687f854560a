// Account arithmetic inside one write transaction. A Book caches the account rows a batch
// touches, gathers per-message reservations, charges and releases into one `traffic` ledger
// entry per account per batch (one put instead of one per message), and collects the
// low-credit alerts to emit once the batch has committed. Nothing here commits: the caller
// runs it inside the LMDB write transaction and calls `flush()` at the end.

import { crossedDown, rearm } from './alerts.js'
import type { LedgerEntry, LedgerEntryKind, LowCreditAlert, TrafficItem } from './types.js'
import { ByteWriter, readItems, writeItem } from '../store/codec.js'
import type { AccountRow, Dbs } from '../store/schema.js'

interface Traffic {
  amount: number
  hold: number
  /** The items, packed (codec.ts writeItem): msgpack of one small array per item was a
   *  measurable share of the writer's time. Reused from batch to batch. */
  items: ByteWriter
  used: boolean
}

export class Book {
  private readonly dbs: Dbs
  private readonly rows = new Map<string, AccountRow>()
  private readonly traffic = new Map<string, Traffic>()
  private readonly fired: number[] = []
  readonly alerts: LowCreditAlert[] = []
  now = 0

  constructor (dbs: Dbs) {
    this.dbs = dbs
  }

  reset (now: number): void {
    this.rows.clear()
    // Writers are kept per account between batches; a node with very many accounts starts over.
    if (this.traffic.size > 1000) this.traffic.clear()
    for (const t of this.traffic.values()) t.used = false
    this.alerts.length = 0
    this.now = now
  }

  /** The account row (cached for the batch), or undefined for an unknown account. */
  account (account: string): AccountRow | undefined {
    let row = this.rows.get(account)
    if (row === undefined) {
      row = this.dbs.accounts.get(account)
      if (row === undefined) return undefined
      this.rows.set(account, row)
    }
    return row
  }

  create (account: string, row: AccountRow): void {
    this.rows.set(account, row)
  }

  /** Hold `amount` for a message or generic ref; the caller checked availability. */
  hold (account: string, row: AccountRow, ref: string, part: number, amount: number): void {
    row.held += amount
    this.item(account, 'r', ref, part, amount, 0, amount)
  }

  /** A hold becomes spent credit. */
  charge (account: string, row: AccountRow, ref: string, part: number, amount: number): void {
    row.held -= amount
    row.balance -= amount
    this.item(account, 'c', ref, part, amount, -amount, -amount)
  }

  release (account: string, row: AccountRow, ref: string, part: number, amount: number): void {
    row.held -= amount
    this.item(account, 'x', ref, part, amount, 0, -amount)
  }

  /** A balance movement of its own (top-up, transfer side, adjustment, HLR), written now. */
  move (account: string, row: AccountRow, kind: LedgerEntryKind, amount: number, note: string | null, counterparty: string | null): LedgerEntry {
    if (amount < 0) this.checkAlerts(account, row)
    row.balance += amount
    if (amount > 0 && kind !== 'transfer_out') rearm(row, row.balance - row.held)
    const entry: LedgerEntry = { account, seq: ++row.seq, at: this.now, kind, amount, hold: 0, note, counterparty, items: null }
    this.dbs.ledger.put([account, entry.seq], entry)
    return entry
  }

  /** Writes the touched account rows and the traffic entries; collects alerts. */
  flush (): void {
    for (const [account, t] of this.traffic) {
      if (!t.used) continue
      const row = this.rows.get(account) as AccountRow
      const entry: StoredTraffic = { account, seq: ++row.seq, at: this.now, kind: 'traffic', amount: t.amount, hold: t.hold, note: null, counterparty: null, items: null, ib: t.items.view() }
      this.dbs.ledger.put([account, entry.seq], entry)
    }
    for (const [account, row] of this.rows) {
      this.checkAlerts(account, row)
      this.dbs.accounts.put(account, row)
    }
  }

  private checkAlerts (account: string, row: AccountRow): void {
    if (row.alerts.length === 0) return
    const available = row.balance - row.held
    this.fired.length = 0
    crossedDown(row, available, this.fired)
    for (const threshold of this.fired) this.alerts.push({ account, threshold, available, at: this.now })
  }

  private item (account: string, op: TrafficItem[0], ref: string, part: number, amount: number, dBalance: number, dHold: number): void {
    let t = this.traffic.get(account)
    if (t === undefined) {
      t = { amount: 0, hold: 0, items: new ByteWriter(4096), used: false }
      this.traffic.set(account, t)
    }
    if (!t.used) {
      t.used = true
      t.amount = 0
      t.hold = 0
      t.items.reset()
    }
    t.amount += dBalance
    t.hold += dHold
    writeItem(t.items, op, ref, part, amount)
  }
}

/** A traffic entry as stored: the items packed in `ib`, read back by `entryOf`. */
interface StoredTraffic extends LedgerEntry {
  ib: Uint8Array
}

/** A ledger row as the Ledger interface shows it (traffic items unpacked). */
export function entryOf (stored: unknown): LedgerEntry {
  const e = stored as LedgerEntry & { ib?: Uint8Array }
  if (e.ib === undefined) return e
  const { ib, ...rest } = e
  return { ...rest, items: readItems(ib) }
}
