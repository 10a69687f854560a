// The Ledger facade over the store's LMDB environment: writes go through the store's writer
// (so they share its transactions and its one-writer discipline), reads are direct.

import type { Registry } from 'prom-client'
import type { Logger } from '../log.js'
import { InvalidAmountError } from '../errors.js'
import { counter } from '../metrics.js'
import { Op, OpKind } from '../store/ops.js'
import type { LmdbStore } from '../store/lmdb-store.js'
import { reconcileDbs } from './reconcile.js'
import { entryOf } from './book.js'
import type {
  AccountBalance, AccountSetup, Ledger, LedgerEntry, LowCreditAlert, LowCreditListener, MoveResult,
  ReconcileResult, Refusal
} from './types.js'

export class LmdbLedger implements Ledger {
  private readonly store: LmdbStore
  private readonly logger: Logger
  private readonly listeners: LowCreditListener[] = []
  private readonly alertsMetric

  constructor (store: LmdbStore, logger: Logger, registry: Registry | null) {
    this.store = store
    this.logger = logger
    this.alertsMetric = registry !== null
      ? counter(registry, 'instrada_ledger_low_credit_alerts_total', 'Low-credit thresholds crossed downwards', ['account'])
      : null
  }

  ensureAccount (account: string, setup: AccountSetup): Promise<void> {
    const op = new Op(OpKind.ENSURE_ACCOUNT, account, '', 0, 0, null, null)
    op.setup = setup
    return this.store.write(op)
  }

  async balance (account: string): Promise<AccountBalance | null> {
    const row = this.store.open().accounts.get(account)
    if (row === undefined) return null
    return { account, balance: row.balance, held: row.held, available: row.balance - row.held }
  }

  async accounts (): Promise<string[]> {
    return [...this.store.open().accounts.getKeys()] as string[]
  }

  topUp (account: string, amount: number, note?: string): Promise<MoveResult> {
    if (!positive(amount)) return Promise.reject(new InvalidAmountError())
    return this.store.write(new Op(OpKind.TOPUP, account, '', 0, amount, note ?? null, null))
  }

  adjust (account: string, amount: number, note: string): Promise<MoveResult> {
    if (!Number.isSafeInteger(amount) || amount === 0) return Promise.reject(new InvalidAmountError('adjustment must be a non-zero integer of milli-credits'))
    return this.store.write(new Op(OpKind.ADJUST, account, '', 0, amount, note, null))
  }

  transfer (from: string, to: string, amount: number, note?: string): Promise<MoveResult> {
    if (!positive(amount)) return Promise.reject(new InvalidAmountError())
    return this.store.write(new Op(OpKind.TRANSFER, from, '', 0, amount, note ?? null, to))
  }

  chargeHlr (account: string, ref: string): Promise<MoveResult> {
    return this.store.write(new Op(OpKind.HLR, account, '', 0, this.store.pricing.hlr, ref, null))
  }

  reserve (account: string, ref: string, amount: number): Promise<{ ok: true } | Refusal> {
    if (!positive(amount)) return Promise.reject(new InvalidAmountError())
    return this.store.write(new Op(OpKind.HOLD, account, '', 0, amount, ref, null))
  }

  commit (account: string, ref: string, amount: number): Promise<void> {
    if (!positive(amount)) return Promise.reject(new InvalidAmountError())
    return this.store.write(new Op(OpKind.HOLD_COMMIT, account, '', 0, amount, ref, null))
  }

  release (account: string, ref: string, amount?: number): Promise<void> {
    if (amount !== undefined && !positive(amount)) return Promise.reject(new InvalidAmountError())
    return this.store.write(new Op(OpKind.HOLD_RELEASE, account, '', 0, amount ?? -1, ref, null))
  }

  async entries (account: string, opts: { afterSeq?: number, limit?: number } = {}): Promise<LedgerEntry[]> {
    const out: LedgerEntry[] = []
    const range = { start: [account, (opts.afterSeq ?? 0) + 1], end: [account, Number.MAX_SAFE_INTEGER], limit: opts.limit ?? 1000 }
    for (const { value } of this.store.open().ledger.getRange(range)) out.push(entryOf(value))
    return out
  }

  async reconcile (account?: string): Promise<ReconcileResult[]> {
    return reconcileDbs(this.store.open(), account)
  }

  onLowCredit (listener: LowCreditListener): () => void {
    this.listeners.push(listener)
    return () => {
      const i = this.listeners.indexOf(listener)
      if (i >= 0) this.listeners.splice(i, 1)
    }
  }

  /** @internal called by the writer after the batch that caused them committed. */
  emitAlerts (alerts: LowCreditAlert[]): void {
    for (const a of alerts) {
      this.logger.warn({ account: a.account, threshold: a.threshold, available: a.available }, 'low credit')
      this.alertsMetric?.inc({ account: a.account })
      for (const l of this.listeners) {
        try {
          l(a)
        } catch (err) {
          this.logger.error({ err }, 'low-credit listener threw')
        }
      }
    }
  }
}

function positive (amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0
}
