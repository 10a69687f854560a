// The engine's side of customer receipt delivery for the accounts it owns. Items live in the
// store until acknowledged; this keeps, per account, which keys are out with the main thread,
// so a drain (a receiver bound, a window freed) never hands the same item out twice, and an
// acknowledgement still being written can't be mistaken for an undelivered item.

import type { Logger } from '../log.js'
import type { LmdbStore } from '../store/index.js'
import type { DeliverSm } from '../smpp/pdu/types.js'
import type { MessageRecord } from '../store/types.js'
import type { OutboxItem } from './protocol.js'
import { reviveDeliverSm } from './revive.js'

/** Items out with the main thread per account; more wait in the store for the next drain. */
const MAX_OUT = 2000

interface AccountOut {
  out: Set<string>
  draining: boolean
  /** Something may be in the store that isn't out: drain again when there is room. */
  more: boolean
}

export class EngineOutbox {
  private readonly accounts = new Map<string, AccountOut>()

  constructor (
    private readonly store: LmdbStore,
    private readonly ttlMs: number,
    private readonly emit: (item: OutboxItem) => void,
    private readonly build: (rec: MessageRecord) => DeliverSm | null,
    private readonly log: Logger
  ) {}

  /**
   * A new item, already stored: hand it out now if there is room, else the next drain will.
   * `relayed` items were stored by another engine and reach this one later than the store does:
   * a drain may already have delivered it and the ack removed it, so it goes out only if it is
   * still stored (else the customer would get it twice).
   */
  adopt (item: OutboxItem, relayed = false): void {
    const a = this.account(item.account)
    if (a.out.has(item.key)) return
    if (relayed && !this.store.hasReceipt(item.account, item.key)) return
    if (a.out.size >= MAX_OUT) { a.more = true; return }
    a.out.add(item.key)
    this.emit(item)
  }

  delivered (account: string, keys: string[]): void {
    const a = this.account(account)
    this.store.ackReceipts(account, keys).then(() => {
      for (const k of keys) a.out.delete(k)
      if (a.more) this.drain(account)
    }, (err: unknown) => this.log.error({ err, account }, 'could not acknowledge customer receipts'))
  }

  undelivered (account: string, keys: string[]): void {
    const a = this.account(account)
    for (const k of keys) a.out.delete(k)
    a.more = true
  }

  drain (account: string): void {
    const a = this.account(account)
    if (a.draining) return
    a.draining = true
    a.more = false
    const room = MAX_OUT - a.out.size
    if (room <= 0) { a.draining = false; a.more = true; return }
    this.store.peekReceipts(account, room + a.out.size).then(async (stored) => {
      const now = Date.now()
      const expired: string[] = []
      let sent = 0
      for (const s of stored) {
        if (a.out.has(s.key)) continue
        const r = s.receipt as { pdu?: DeliverSm, message?: string, queuedAt: number }
        if (now - r.queuedAt > this.ttlMs) { expired.push(s.key); continue }
        if (sent >= room) { a.more = true; break }
        let pdu: DeliverSm | null = null
        if (r.pdu !== undefined) pdu = reviveDeliverSm(r.pdu)
        else if (r.message !== undefined) {
          // A final message's receipt, built from its record now (see MessageStore.finish).
          const rec = await this.store.get(account, r.message)
          pdu = rec === null ? null : this.build(rec)
        }
        if (pdu === null) { expired.push(s.key); continue }
        a.out.add(s.key)
        sent++
        this.emit({ account, key: s.key, pdu })
      }
      if (expired.length > 0) {
        this.log.info({ account, count: expired.length }, 'outbox entries dropped (expired before a receiver bound, or not wanted)')
        await this.store.ackReceipts(account, expired)
      }
    }).catch((err: unknown) => this.log.error({ err, account }, 'outbox drain failed')).finally(() => { a.draining = false })
  }

  private account (id: string): AccountOut {
    let a = this.accounts.get(id)
    if (a === undefined) { a = { out: new Set(), draining: false, more: false }; this.accounts.set(id, a) }
    return a
  }
}
