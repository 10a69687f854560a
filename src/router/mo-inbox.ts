// MO from carriers on their way to an account. A single deliver_sm is routed (mo.ts) and handed
// on at once; the parts of a concatenated one (UDH or SAR) are stored as they come (store
// mo-parts.ts) and the message is routed when whole — its first part carries the receive code,
// and the parts may arrive in any order, over any bind. Handed on means: for an account taking
// `message.inbound` webhooks, one event with the reassembled text; otherwise the parts, in
// order, through the durable outbox to its receiver binds (the customer's SMPP client
// reassembles them). Every part is durable before the carrier gets its deliver_sm_resp.
// Parts still missing after router.mo_concat_wait_s are given up on: what came is handed on,
// the webhook saying `complete: false`.

import type { Counter } from 'prom-client'
import { CommandStatus } from '../smpp/pdu/status.js'
import type { DataSm, DeliverSm } from '../smpp/pdu/types.js'
import type { Logger } from '../log.js'
import type { MessageStore, MoSetKey, StoredMoPart } from '../store/index.js'
import { inboundData, moPayload, moText } from '../webhooks/index.js'
import { customerMo, digitsOf, type MoRouter } from './mo.js'
import type { AutoReply, OutboxItem } from './protocol.js'
import { reviveDeliverSm } from './revive.js'

/** A claimed set not handed on after this long was claimed by a process that stopped. */
const CLAIM_STALE_MS = 60_000
const SWEEP_LIMIT = 100

export interface MoInboxDeps {
  store: MessageStore
  router: MoRouter
  /** Whether the account takes its MO as message.inbound webhooks. */
  wantsWebhook: (account: string) => boolean
  /** Hands an outbox item to the engine that owns its account. */
  toOutbox: (item: OutboxItem) => void
  onAutoReply: (reply: AutoReply) => void
  /** instrada_carrier_mo_total, by result. */
  counter: Counter<'result'>
  log: Logger
}

export class MoInbox {
  private waitMs: number
  private timer: NodeJS.Timeout | null = null
  private sweeping = false

  constructor (private readonly deps: MoInboxDeps, waitMs: number) {
    this.waitMs = waitMs
  }

  /** Sweeps for sets that waited too long, a few times per wait (at most every 30 s). */
  start (): void {
    const every = Math.min(30_000, Math.max(250, Math.floor(this.waitMs / 4)))
    this.timer = setInterval(() => { void this.sweep() }, every)
    this.timer.unref()
  }

  setWait (waitMs: number): void {
    if (waitMs === this.waitMs) return
    this.waitMs = waitMs
    if (this.timer !== null) { clearInterval(this.timer); this.start() }
  }

  close (): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  /** One deliver_sm / data_sm that is not a receipt; `ack` answers the carrier. */
  receive (pdu: DeliverSm | DataSm, ack: (status: number) => void): void {
    const now = Date.now()
    const c = moPayload(pdu).concat
    if (c === null || c.total < 2 || c.seq < 1 || c.seq > c.total) {
      // Handed on before the answer: a carrier sending it again after a failure gets it stored again, not lost.
      this.handOn([customerMo(pdu)], 1, now).then(() => ack(CommandStatus.ESME_ROK), (err: unknown) => this.notStored(err, ack))
      return
    }
    const key: MoSetKey = { handset: digitsOf(pdu.sourceAddr), to: digitsOf(pdu.destinationAddr), ref: c.ref, total: c.total }
    this.deps.store.addMoPart(key, { seq: c.seq, at: now, pdu: customerMo(pdu) as unknown as Record<string, unknown> }).then((parts) => {
      ack(CommandStatus.ESME_ROK)
      if (parts === null) this.deps.counter.inc({ result: 'part_waiting' })
      else void this.finishSet(key, parts)
    }, (err: unknown) => this.notStored(err, ack))
  }

  /** Hands on the sets that waited longer than the wait (incomplete) or whose claimer stopped. */
  async sweep (now = Date.now()): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      const sets = await this.deps.store.claimStaleMoSets(now - this.waitMs, now - CLAIM_STALE_MS, now, SWEEP_LIMIT)
      for (const s of sets) {
        if (s.parts.length < s.key.total) this.deps.counter.inc({ result: 'incomplete' })
        await this.finishSet(s.key, s.parts)
      }
    } catch (err) {
      this.deps.log.error({ err }, 'MO sweep failed')
    } finally {
      this.sweeping = false
    }
  }

  /** A claimed set: handed on, then removed. On failure it stays claimed and the sweep takes it again. */
  private async finishSet (key: MoSetKey, parts: StoredMoPart[]): Promise<void> {
    try {
      const pdus = parts.map((p) => reviveDeliverSm(p.pdu as unknown as DeliverSm))
      await this.handOn(pdus, key.total, parts.reduce((m, p) => Math.min(m, p.at), Infinity))
      await this.deps.store.moSetDone(key)
    } catch (err) {
      this.deps.log.error({ err, handset: key.handset, ref: key.ref }, 'concatenated MO not handed on; retried by the sweep')
    }
  }

  /** Routes an MO (its parts in order) and stores it for its account: one webhook event, or each part in the outbox. */
  private async handOn (parts: DeliverSm[], total: number, receivedAt: number): Promise<void> {
    const d = this.deps
    const first = parts[0]
    const content = moText(parts)
    const route = await d.router.route(first.sourceAddr, first.destinationAddr, content.text)
    if (route === null) { d.counter.inc({ result: 'unrouted' }); return }
    const account = route.account
    if (d.wantsWebhook(account)) {
      await d.store.enqueueEvent({ type: 'message.inbound', account, data: inboundData(parts, content, total, receivedAt), at: Date.now() })
      d.counter.inc({ result: 'webhook' })
    } else {
      // One after another: outbox keys grow, so the customer gets the parts in order.
      for (const pdu of parts) {
        const key = await d.store.enqueueReceipt(account, { pdu, queuedAt: Date.now() })
        d.toOutbox({ account, key, pdu })
      }
      d.counter.inc({ result: 'routed' })
    }
    // Only once the MO is stored: a carrier resending it after a failure must not earn two answers.
    const reply = d.router.autoReply(account, route.via, first.sourceAddr)
    if (reply !== null) d.onAutoReply(reply)
  }

  private notStored (err: unknown, ack: (status: number) => void): void {
    // Not acknowledged as OK: the carrier sends it again later, nothing is lost.
    this.deps.log.error({ err }, 'MO not stored')
    ack(CommandStatus.ESME_RSYSERR)
  }
}
