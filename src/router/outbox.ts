// Main-thread delivery of customer receipts (and MO) to the account's receiver or transceiver
// binds. The engine keeps every item in the store until the customer answers deliver_sm_resp
// OK, so this class holds only what is in flight: a lost bind or a crash loses nothing.

import type { Logger } from '../log.js'
import { counter, type Registry } from '../metrics.js'
import { CommandStatus } from '../smpp/pdu/status.js'
import type { ResponsePdu } from '../smpp/pdu/types.js'
import type { SmppSession } from '../smpp/session.js'
import type { EngineApi, OutboxItem } from './protocol.js'

interface AccountBinds {
  sessions: SmppSession[]
  next: number
  /** Keys handed to a session and not answered yet: an engine re-drain must not send them twice. */
  inflight: Set<string>
  acked: string[]
  nacked: string[]
}

export class CustomerOutbox {
  private readonly accounts = new Map<string, AccountBinds>()
  private flushScheduled = false
  private readonly sent
  private readonly onDone = (err: Error | null, resp: ResponsePdu | null, item: OutboxItem): void => this.done(err, resp, item)

  constructor (private readonly engine: EngineApi, private readonly log: Logger, registry: Registry) {
    this.sent = counter(registry, 'instrada_customer_receipts_total', 'Receipts and MO handed to customer binds, by result', ['result'])
    engine.onOutbox = (item) => this.deliver(item)
  }

  bound (session: SmppSession, account: string): void {
    if (session.bindType !== 'receiver' && session.bindType !== 'transceiver') return
    const a = this.binds(account)
    a.sessions.push(session)
    session.on('drain', () => this.engine.drain(account))
    this.engine.drain(account)
  }

  unbound (session: SmppSession, account: string): void {
    const a = this.accounts.get(account)
    if (a === undefined) return
    const i = a.sessions.indexOf(session)
    if (i >= 0) a.sessions.splice(i, 1)
  }

  /** Items of accounts with no usable bind are left to the store: the next bind drains them. */
  deliver (item: OutboxItem): void {
    const a = this.binds(item.account)
    if (a.inflight.has(item.key)) return
    const n = a.sessions.length
    for (let k = 0; k < n; k++) {
      const s = a.sessions[(a.next + k) % n]
      if (s.canSend()) {
        a.next = (a.next + k + 1) % n
        a.inflight.add(item.key)
        s.request(item.pdu, this.onDone, item)
        return
      }
    }
    this.settle(a, item, false)
  }

  private done (err: Error | null, resp: ResponsePdu | null, item: OutboxItem): void {
    const a = this.binds(item.account)
    a.inflight.delete(item.key)
    const ok = err === null && resp !== null && resp.commandStatus === CommandStatus.ESME_ROK
    if (!ok && this.log.isLevelEnabled('debug')) this.log.debug({ account: item.account, key: item.key, err: err?.message, status: resp?.commandStatus }, 'customer receipt not accepted')
    this.settle(a, item, ok)
  }

  private settle (a: AccountBinds, item: OutboxItem, ok: boolean): void {
    this.sent.inc({ result: ok ? 'delivered' : 'deferred' })
    if (ok) a.acked.push(item.key)
    else a.nacked.push(item.key)
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Acks go to the engine in one batch per turn; deferred items are retried on the next drain. */
  private flush (): void {
    this.flushScheduled = false
    for (const [account, a] of this.accounts) {
      if (a.acked.length > 0) { this.engine.delivered(account, a.acked); a.acked = [] }
      if (a.nacked.length > 0) { this.engine.undelivered(account, a.nacked); a.nacked = [] }
    }
  }

  private binds (account: string): AccountBinds {
    let a = this.accounts.get(account)
    if (a === undefined) {
      a = { sessions: [], next: 0, inflight: new Set(), acked: [], nacked: [] }
      this.accounts.set(account, a)
    }
    return a
  }
}
