// The ledger as the rest of Instrada sees it. The LMDB implementation sits behind this; a later
// cluster mode can put PostgreSQL behind the same interface, so every call is async even where
// LMDB answers synchronously. All amounts are integer milli-credits (0.625 credits = 625).

import type { CommandStatus } from '../smpp/pdu/status.js'

export type SmsType = 'smart' | 'pro' | 'reply'
export const SMS_TYPES: readonly SmsType[] = ['smart', 'pro', 'reply']

export interface AccountBalance {
  account: string
  /** Credits owned, including those held for unsent parts. */
  balance: number
  /** Sum of open reservations. */
  held: number
  /** balance - held: what a new reservation may use. */
  available: number
}

/** Why a debit was refused; carries the wire answers for SMPP and HTTP. */
export type RefusalReason = 'no_credit' | 'unknown_account' | 'no_price' | 'duplicate' | 'closed'

export interface Refusal {
  ok: false
  reason: RefusalReason
  /** command_status for submit_sm_resp (INSTRADA_RNOCREDIT 0x400 for no_credit). */
  smppStatus: CommandStatus
  /** HTTP status (402 for no_credit). */
  httpStatus: number
  required: number
  available: number
}

export type LedgerEntryKind = 'initial' | 'topup' | 'transfer_in' | 'transfer_out' | 'adjust' | 'hlr' | 'traffic'

/** One item of a `traffic` entry: r = reserve, c = charge (hold → spent), x = release. */
export type TrafficItem = [op: 'r' | 'c' | 'x', ref: string, part: number, amount: number]

export interface LedgerEntry {
  account: string
  seq: number
  at: number
  kind: LedgerEntryKind
  /** Change to the balance (negative for charges). */
  amount: number
  /** Change to the held amount. */
  hold: number
  note: string | null
  /** The other account of a transfer. */
  counterparty: string | null
  /** Per-message reservations, charges and releases of one write batch (kind `traffic`). */
  items: TrafficItem[] | null
}

export interface ReconcileResult {
  account: string
  ok: boolean
  opening: number
  movements: number
  balance: number
  held: number
  openReservations: number
  entries: number
  problems: string[]
}

export interface LowCreditAlert {
  account: string
  /** The threshold crossed downwards, milli-credits. */
  threshold: number
  available: number
  at: number
}

export type LowCreditListener = (alert: LowCreditAlert) => void

export interface AccountSetup {
  /** Credit granted once, the first time the account is seen (a ledger entry `initial`). */
  initialCredit: number
  /** Low-credit thresholds, milli-credits. */
  alerts: number[]
}

export type MoveResult = { ok: true, entry: LedgerEntry } | Refusal

export interface Ledger {
  /** Creates the account if new (initial credit applied once); updates its alert thresholds. */
  ensureAccount: (account: string, setup: AccountSetup) => Promise<void>
  balance: (account: string) => Promise<AccountBalance | null>
  accounts: () => Promise<string[]>
  topUp: (account: string, amount: number, note?: string) => Promise<MoveResult>
  /** Negative amounts may not take available credit below zero. */
  adjust: (account: string, amount: number, note: string) => Promise<MoveResult>
  /** Both sides in one transaction. */
  transfer: (from: string, to: string, amount: number, note?: string) => Promise<MoveResult>
  /** Charges an HLR lookup outright (no reservation). */
  chargeHlr: (account: string, ref: string) => Promise<MoveResult>
  /** Generic hold keyed by ref (messages use the store's accept path instead). */
  reserve: (account: string, ref: string, amount: number) => Promise<{ ok: true } | Refusal>
  /** Turns `amount` of the hold into a charge. */
  commit: (account: string, ref: string, amount: number) => Promise<void>
  /** Returns `amount` of the hold (all of it when omitted). */
  release: (account: string, ref: string, amount?: number) => Promise<void>
  entries: (account: string, opts?: { afterSeq?: number, limit?: number }) => Promise<LedgerEntry[]>
  reconcile: (account?: string) => Promise<ReconcileResult[]>
  onLowCredit: (listener: LowCreditListener) => () => void
}
