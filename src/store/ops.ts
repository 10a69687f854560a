// A queued write. One shape for every kind (fields unused by a kind stay null), so the queue
// and the apply loop stay monomorphic.

import type { ReplaceRequest } from './replace.js'
import type { AccountSetup } from '../ledger/types.js'
import type { AcceptRequest, BulkRequest, CommitRequest, FinalState, NewEvent } from './types.js'

export const OpKind = {
  ACCEPT: 1,
  DISPATCH: 2,
  COMMIT: 3,
  RETRY: 4,
  FINISH: 5,
  PRUNE: 6,
  ENSURE_ACCOUNT: 10,
  TOPUP: 11,
  ADJUST: 12,
  TRANSFER: 13,
  HLR: 14,
  HOLD: 15,
  HOLD_COMMIT: 16,
  HOLD_RELEASE: 17,
  COMMIT_MANY: 18,
  REPLACE: 19,
  EVENT_ADD: 20,
  EVENT_DONE: 21,
  EVENT_RETRY: 22,
  EVENT_EXPIRE: 23,
  ACCEPT_BULK: 24,
  EXPAND_BULK: 25,
  CANCEL: 26
} as const
export type OpKind = (typeof OpKind)[keyof typeof OpKind]

export class Op {
  kind: OpKind
  account: string
  id: string
  part: number
  amount: number
  /** carrierId, note, ref or second account, depending on the kind. */
  s1: string | null
  /** carrier message id, error, depending on the kind. */
  s2: string | null
  state: FinalState | null
  msgs: AcceptRequest[] | null
  setup: AccountSetup | null
  commits: CommitRequest[] | null
  replace: ReplaceRequest | null = null
  event: NewEvent | null = null
  bulk: BulkRequest | null = null
  result: unknown = undefined
  resolve: (v: unknown) => void = noop
  reject: (e: unknown) => void = noop

  constructor (kind: OpKind, account: string, id: string, part: number, amount: number,
    s1: string | null, s2: string | null) {
    this.kind = kind
    this.account = account
    this.id = id
    this.part = part
    this.amount = amount
    this.s1 = s1
    this.s2 = s2
    this.state = null
    this.msgs = null
    this.setup = null
    this.commits = null
  }
}

function noop (): void {}
