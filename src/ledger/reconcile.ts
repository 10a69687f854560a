// Proves the books per account from one read snapshot:
//   opening + Σ ledger amounts = balance
//   Σ ledger hold changes = held = Σ open reservations (the messages listed in the account's open
//   sets, plus generic holds, plus the bulks' holds for members not written as messages yet)
//   each traffic entry's items add up to its totals, and available credit is not negative.

import type { Dbs } from '../store/schema.js'
import { ByteReader, stateRemaining } from '../store/codec.js'
import { readSet } from '../store/open-sets.js'
import { isOpen } from '../store/apply.js'
import { bulkHeld } from '../store/bulk.js'
import { listedState } from '../store/recovery.js'
import { MAX_STR } from '../store/schema.js'
import type { ReconcileResult } from './types.js'
import { entryOf } from './book.js'

export function reconcileDbs (dbs: Dbs, only?: string): ReconcileResult[] {
  const txn = dbs.env.useReadTransaction()
  try {
    const accounts = only !== undefined ? [only] : [...dbs.accounts.getKeys({ transaction: txn } as object)] as string[]
    return accounts.map((account) => reconcileOne(dbs, txn, account))
  } finally {
    txn.done()
  }
}

function reconcileOne (dbs: Dbs, transaction: unknown, account: string): ReconcileResult {
  const problems: string[] = []
  const row = dbs.accounts.get(account, { transaction } as object)
  if (row === undefined) {
    return { account, ok: false, opening: 0, movements: 0, balance: 0, held: 0, openReservations: 0, entries: 0, problems: ['no such account'] }
  }
  let movements = 0
  let holdMoves = 0
  let entries = 0
  let expectSeq = 1
  const range = { start: [account, 0], end: [account, Number.MAX_SAFE_INTEGER], transaction }
  for (const { value } of dbs.ledger.getRange(range as object)) {
    const e = entryOf(value)
    entries++
    if (e.seq !== expectSeq) problems.push(`ledger sequence gap: expected ${expectSeq}, found ${e.seq}`)
    expectSeq = e.seq + 1
    movements += e.amount
    holdMoves += e.hold
    if (e.items !== null) {
      let a = 0
      let h = 0
      for (const [op, , , amount] of e.items) {
        if (op === 'r') h += amount
        else if (op === 'c') { a -= amount; h -= amount } else h -= amount
      }
      if (a !== e.amount || h !== e.hold) problems.push(`entry ${e.seq}: items (${a}, ${h}) differ from totals (${e.amount}, ${e.hold})`)
    }
  }
  if (expectSeq - 1 !== row.seq) problems.push(`account seq ${row.seq} but last entry ${expectSeq - 1}`)
  let openReservations = 0
  // Generic ledger holds.
  for (const { value } of dbs.holds.getRange({ start: [account, ''], end: [account, MAX_STR], transaction } as object)) {
    openReservations += stateRemaining(value as Buffer)
  }
  // Bulk members not written as messages yet: their bulk holds their credit.
  openReservations += bulkHeld(dbs, account, { transaction })
  // Unfinished messages: each listed once, in the open set its accept made.
  const r = new ByteReader()
  const options = { transaction }
  for (const { value } of dbs.open.getRange({ start: [account, ''], end: [account, MAX_STR], transaction } as object)) {
    for (const id of readSet(value)) {
      const st = listedState(dbs, r, [account, id], options)
      if (st === undefined) { problems.push(`open set lists ${id}, which is not stored`); continue }
      if (!isOpen(st)) problems.push(`open set lists ${id}, which is finished`)
      openReservations += st.rem
    }
  }
  if (row.opening + movements !== row.balance) problems.push(`opening ${row.opening} + movements ${movements} = ${row.opening + movements}, balance is ${row.balance}`)
  if (holdMoves !== row.held) problems.push(`ledger hold changes ${holdMoves}, held is ${row.held}`)
  if (openReservations !== row.held) problems.push(`open reservations ${openReservations}, held is ${row.held}`)
  if (row.balance - row.held < 0) problems.push(`available credit is negative (${row.balance - row.held})`)
  return { account, ok: problems.length === 0, opening: row.opening, movements, balance: row.balance, held: row.held, openReservations, entries, problems }
}
