// One simulated carrier's engine: decides every submit's fate (faults, overrides, outcome, latency),
// keeps the message table, fires receipts from the timer wheel and hands deliver_sm to Delivery. It
// knows no sockets: src/sim/listener.ts feeds it requests from SmppSessions through the SimLink
// interface, and tests can drive it directly.

import { CommandId, type DataSm, type DeliverSm, type RequestPdu, type SubmitSm, CommandStatus } from '../smpp/index.js'
import type { CarrierProfile } from './profile.js'
import { Rng } from './random.js'
import { TimerWheel } from './scheduler.js'
import { MessageTable, PHASE_DONE, PHASE_ENROUTE, PHASE_FINAL, SimMessage } from './messages.js'
import { DEFAULT_ERR, matchOverride, pickError, S_DELIVRD, S_ACCEPTD, S_ENROUTE, type Override } from './outcomes.js'
import { Delivery, LinkState, type SimLink } from './delivery.js'
import { buildReceipt, formatId, quotable } from './receipts.js'
import { Counters, RecentRing } from './observe.js'
import { Hlr } from './hlr.js'
import { handsetReplies, RefCounter, scheduleMo, sendMo, Task, type MoRequest } from './handsets.js'
import { handleCancel, handleQuery, handleReplace, handleSubmitMulti } from './operations.js'

export interface CarrierOptions {
  /** How many recent messages the control view keeps. */
  recent?: number
  /** Milliseconds, monotonic-ish wall clock; injectable for tests. */
  clock?: () => number
}

/** Most receipts fired in one tick: a burst due at once spreads over several turns of the event loop. */
const TICK_BUDGET = 50_000
const EMPTY = Buffer.alloc(0)

export function wallClock (): number {
  return Math.floor(performance.timeOrigin + performance.now())
}

export class SimCarrier {
  profile: CarrierProfile
  rng: Rng
  readonly table: MessageTable
  readonly delivery: Delivery
  readonly counters = new Counters()
  readonly recent: RecentRing
  hlr: Hlr
  readonly links = new Set<LinkState>()
  readonly clock: () => number
  /** Wall-clock ms when the carrier started: message times are kept relative to it (small integers). */
  readonly epoch: number
  nextId: number
  private readonly wheel: TimerWheel<SimMessage>
  private readonly tasks: TimerWheel<Task>
  readonly refs = new RefCounter()
  private nextLinkId = 1
  private readonly bucket = { tokens: 0, tokensAt: 0 }
  private lastHousekeeping = 0
  /** Recent source addresses: most traffic has few senders, so a million pending messages share a few strings. */
  private readonly sources = new Map<string, string>()
  /** Recent quoted texts (first 20 characters): templated traffic (codes, alerts) mostly starts alike. */
  private readonly heads = new Map<string, string>()

  constructor (profile: CarrierProfile, opts: CarrierOptions = {}) {
    this.profile = profile
    this.clock = opts.clock ?? wallClock
    this.epoch = this.clock()
    const now = 0
    this.rng = new Rng(profile.seed)
    this.table = new MessageTable(profile.retainMs, profile.maxMessages)
    this.delivery = new Delivery(profile.receiptQueueLimit, profile.receiptQueueTtlMs)
    this.recent = new RecentRing(opts.recent ?? 1000)
    this.hlr = new Hlr(profile.hlr, profile.seed)
    this.nextId = profile.idStart
    this.wheel = new TimerWheel<SimMessage>((m) => this.fire(m), { now })
    this.tasks = new TimerWheel<Task>((t) => t.fn(this, t.arg), { now, tickMs: 10, slotBits: 12 })
    this.bucket.tokens = profile.tpsLimit
    this.bucket.tokensAt = now
    scheduleMo(this)
  }

  get name (): string { return this.profile.name }
  get pendingReceipts (): number { return this.wheel.size }
  get pendingTasks (): number { return this.tasks.size }

  // ---- binds ----

  /** 0 to accept a bind of `systemId` now, else the status to refuse it with. */
  bindStatus (systemId: string): number {
    const rb = this.profile.refuseBinds
    if (rb !== null) {
      const t = this.now() - rb.afterMs
      if (t >= 0 && (rb.everyMs === 0 ? t < rb.forMs : t % rb.everyMs < rb.forMs)) {
        this.counters.bindsRefused++
        return rb.status
      }
    }
    const acct = this.profile.accounts.find((a) => a.systemId === systemId)
    if (acct !== undefined) {
      let n = 0
      for (const ls of this.links) if (ls.link.systemId === systemId) n++
      if (n >= acct.maxBinds) {
        this.counters.bindsRefused++
        return CommandStatus.ESME_RBINDFAIL
      }
    }
    return 0
  }

  attach (link: SimLink): LinkState {
    const now = this.now()
    const ls = new LinkState(link, this.nextLinkId++, this.epoch + now)
    ls.tokens = this.profile.tpsLimit
    ls.tokensAt = now
    this.links.add(ls)
    this.counters.bindsAccepted++
    this.delivery.attach(ls, now)
    return ls
  }

  detach (ls: LinkState): void {
    ls.closed = true
    this.links.delete(ls)
    this.delivery.detach(ls)
  }

  /** A deliver_sm its ESME did not acknowledge: queued again for any bind of the system_id. */
  redeliver (systemId: string, pdu: DeliverSm): void {
    this.delivery.redeliver(systemId, pdu, this.now())
  }

  /** A bind's window or socket has room again: send what waits for its system_id. */
  drained (ls: LinkState): void {
    if (ls.link.receives) this.delivery.flush(ls.link.systemId, this.now())
  }

  // ---- requests ----

  /** Handles one request from a bound ESME; false for commands the carrier doesn't serve. */
  handle (ls: LinkState, pdu: RequestPdu): boolean {
    switch (pdu.commandId) {
      case CommandId.SubmitSm: this.submit(ls, pdu); return true
      case CommandId.DataSm: this.submit(ls, pdu); return true
      case CommandId.SubmitMulti: handleSubmitMulti(this, ls, pdu); return true
      case CommandId.QuerySm: handleQuery(this, ls, pdu); return true
      case CommandId.CancelSm: handleCancel(this, ls, pdu); return true
      case CommandId.ReplaceSm: handleReplace(this, ls, pdu); return true
      default: return false
    }
  }

  /**
   * The submit-time checks every message goes through, in a fixed order so a seed replays them:
   * connection drop, override, missing response, throttling, queue full, system error, rejection.
   * Returns -1 when the message gets no response at all, else the command_status to answer.
   */
  admit (ls: LinkState, dest: string, ov: Override | null, now: number): number {
    const p = this.profile
    this.counters.submits++
    const n = ++ls.submits
    if ((p.dropEvery > 0 && n % p.dropEvery === 0) || this.rng.chance(p.dropRate)) {
      this.counters.dropped++
      ls.link.drop()
      return -1
    }
    if ((ov !== null && ov.noResponse) || this.rng.chance(p.noResponseRate)) {
      this.counters.unanswered++
      ls.unanswered++
      return -1
    }
    if (ov !== null && ov.submitStatus !== null) return ov.submitStatus
    if (p.tpsLimit > 0 && !this.take(p.tpsScope === 'bind' ? ls : this.bucket, now)) return CommandStatus.ESME_RTHROTTLED
    if (this.table.pending >= p.maxPending || this.rng.chance(p.queueFullRate)) return CommandStatus.ESME_RMSGQFUL
    if (this.rng.chance(p.systemErrorRate)) return CommandStatus.ESME_RSYSERR
    if (this.rng.chance(p.rejectRate)) return p.rejectStatus
    return 0
  }

  private take (b: { tokens: number, tokensAt: number }, now: number): boolean {
    const rate = this.profile.tpsLimit
    let t = b.tokens + (now - b.tokensAt) * rate / 1000
    if (t > rate) t = rate
    b.tokensAt = now
    if (t < 1) {
      b.tokens = t
      return false
    }
    b.tokens = t - 1
    return true
  }

  private submit (ls: LinkState, pdu: SubmitSm | DataSm): void {
    const now = this.now()
    const p = this.profile
    const dest = pdu.destinationAddr
    const ov = p.overrides.length > 0 ? matchOverride(p.overrides, dest) : null
    const status = this.admit(ls, dest, ov, now)
    if (status !== 0) {
      if (status > 0) this.reject(ls, pdu, status, now)
      return
    }
    const sm = pdu.commandId === CommandId.SubmitSm ? pdu.shortMessage : EMPTY
    const m = this.accept(ls, pdu, dest, sm, ov, now, true)
    const idText = formatId(m.id, p.idFormat)
    if (this.recent.capacity > 0) this.recent.record(pdu, ls.link.systemId, idText, 0, this.epoch + now)
    this.respondAccepted(ls, pdu, m, idText, now)
  }

  /** Answers a refused submit (after the configured slowness, if any). */
  reject (ls: LinkState, pdu: RequestPdu, status: number, now: number): void {
    ls.rejected++
    this.counters.status(status)
    this.recent.record(pdu as SubmitSm, ls.link.systemId, null, status, this.epoch + now)
    this.respond(ls, pdu, status, null, now)
  }

  /** Creates, indexes and schedules an accepted message. */
  accept (ls: LinkState, pdu: SubmitSm | DataSm | { sourceAddrTon: number, sourceAddrNpi: number, sourceAddr: string, destAddrTon: number, destAddrNpi: number, registeredDelivery: number, dataCoding: number, esmClass: number, tlvs: SubmitSm['tlvs'] },
    dest: string, sm: Buffer, ov: Override | null, now: number, indexed: boolean, id = this.nextId++): SimMessage {
    const p = this.profile
    let stat: number
    let err: number
    if (ov !== null && ov.stat !== null) {
      stat = ov.stat
      err = ov.err ?? DEFAULT_ERR[stat]
    } else if (p.hlr.unreachableStat !== null && this.hlr.unreachable(dest)) {
      stat = p.hlr.unreachableStat
      err = DEFAULT_ERR[stat]
    } else {
      const e = p.outcomes.entry(p.outcomes.pick(this.rng))
      stat = e.stat
      err = pickError(e.errors, this.rng)
    }
    const latency = (ov !== null && ov.latency !== null ? ov.latency : p.latency).sample(this.rng)
    const m = new SimMessage(id, ls.link.systemId, intern(this.sources, pdu.sourceAddr), pdu.sourceAddrTon, pdu.sourceAddrNpi,
      dest, pdu.destAddrTon, pdu.destAddrNpi, now, stat, err, pdu.registeredDelivery, pdu.dataCoding, intern(this.heads, headOf(pdu, sm)))
    m.doneAt = now + latency
    if (indexed) this.table.add(m)
    ls.accepted++
    this.counters.accepted++
    if ((pdu.registeredDelivery & 0x10) !== 0) {
      const e = p.enrouteLatency.sample(this.rng)
      m.due = now + (e < latency ? e : latency)
    } else {
      m.phase = PHASE_FINAL
      m.due = m.doneAt
    }
    handsetReplies(this, m, pdu, sm, now)
    return m
  }

  /** Sends the submit_sm_resp / data_sm_resp for an accepted message, with the receipt-order and slowness faults. */
  private respondAccepted (ls: LinkState, pdu: SubmitSm | DataSm, m: SimMessage, idText: string, now: number): void {
    if (this.rng.chance(this.profile.receiptBeforeResponseRate)) {
      m.doneAt = now
      m.phase = PHASE_FINAL
      this.fire(m)
    } else {
      this.wheel.add(m)
    }
    this.respond(ls, pdu, 0, pdu.commandId === CommandId.SubmitSm ? { messageId: idText } : { messageId: idText, tlvs: null }, now)
  }

  /** Answers now, or later when the slow-response fault draws it. */
  respond (ls: LinkState, req: RequestPdu, status: number, body: Record<string, unknown> | null, now: number): void {
    const p = this.profile
    if (p.slowResponseRate > 0 && this.rng.chance(p.slowResponseRate)) {
      this.later(now + p.slowResponse.sample(this.rng), respondLater, { ls, req, status, body })
      return
    }
    ls.link.respond(req, status, body)
  }

  /** Schedules a message already built (submit_multi's extra destinations). */
  schedule (m: SimMessage): void {
    this.wheel.add(m)
  }

  // ---- receipts ----

  /** Wheel callback: an ENROUTE notice or the final outcome of `m` is due. */
  private fire (m: SimMessage): void {
    if (m.phase === PHASE_DONE) return // cancelled while pending
    const now = this.now()
    if (m.phase === PHASE_ENROUTE) {
      m.phase = PHASE_FINAL
      this.sendReceipt(m, S_ENROUTE, now)
      m.due = m.doneAt
      this.wheel.add(m)
      return
    }
    this.finish(m, m.stat, now)
  }

  /** Moves `m` to its final state and sends the receipt its registered_delivery asks for. */
  finish (m: SimMessage, stat: number, now: number): void {
    m.stat = stat
    if (this.table.get(m.id) === m) this.table.finish(m, now)
    else m.phase = PHASE_DONE
    m.doneAt = now
    this.counters.byOutcome[stat]++
    if (!wantsReceipt(m.registeredDelivery, stat)) return
    this.sendReceipt(m, stat, now)
    if (this.rng.chance(this.profile.duplicateReceiptRate)) {
      this.counters.duplicates++
      this.sendReceipt(m, stat, now)
    }
  }

  private sendReceipt (m: SimMessage, stat: number, now: number): void {
    this.counters.receiptsSent++
    this.delivery.send(m.systemId, buildReceipt(m, stat, now, this.profile.receiptIdFormat, this.epoch), now, true)
  }

  // ---- handsets (MO) ----

  /** Sends an MO now to its account (or every account); returns how many deliver_sm were queued or sent. */
  sendMo (req: MoRequest): number {
    return sendMo(this, req)
  }

  /** Runs `fn(carrier, arg)` at carrier-relative time `due` (slow responses, handset replies, scheduled MO). */
  later (due: number, fn: (c: SimCarrier, arg: unknown) => void, arg: unknown): void {
    this.tasks.add(new Task(due, fn, arg))
  }

  // ---- time, reload, reset ----

  /** Milliseconds since the carrier started. */
  now (): number {
    return this.clock() - this.epoch
  }

  /** Fires what is due at wall-clock `at`; called by the simulator's shared timer. True while work is pending. */
  tick (at = this.clock()): boolean {
    const now = at - this.epoch
    this.wheel.advance(now, TICK_BUDGET)
    if (this.tasks.size > 0) this.tasks.advance(now)
    if (now - this.lastHousekeeping >= 50) {
      this.lastHousekeeping = now
      this.delivery.tick(now)
      this.table.evict(now)
    }
    return this.wheel.size > 0 || this.tasks.size > 0 || this.delivery.queued > 0
  }

  /** Applies a new profile to the running carrier (same name and listen address); state is kept. */
  reload (profile: CarrierProfile): void {
    const old = this.profile
    this.profile = profile
    if (profile.seed !== old.seed) this.rng = new Rng(profile.seed)
    this.hlr = new Hlr(profile.hlr, profile.seed)
    this.table.retainMs = profile.retainMs
    this.table.maxMessages = profile.maxMessages
    this.delivery.queueLimit = profile.receiptQueueLimit
    this.delivery.queueTtlMs = profile.receiptQueueTtlMs
    scheduleMo(this)
  }

  /** Forgets every message, queued receipt and counter; restarts ids and the random sequence. */
  reset (): void {
    this.wheel.clear()
    this.tasks.clear()
    this.table.clear()
    this.delivery.clear()
    this.counters.reset()
    this.recent.clear()
    for (const ls of this.links) {
      ls.submits = ls.accepted = ls.rejected = ls.unanswered = ls.receipts = ls.mo = ls.deliverErrors = 0
    }
    this.rng = new Rng(this.profile.seed)
    this.nextId = this.profile.idStart
    scheduleMo(this)
  }
}

/** One shared copy of equal strings among the recent ones (a bounded cache: cleared when full). */
function intern (cache: Map<string, string>, s: string): string {
  const v = cache.get(s)
  if (v !== undefined) return v
  if (cache.size >= 4096) cache.clear()
  cache.set(s, s)
  return s
}

function respondLater (_c: SimCarrier, arg: unknown): void {
  const a = arg as { ls: LinkState, req: RequestPdu, status: number, body: Record<string, unknown> | null }
  if (!a.ls.closed) a.ls.link.respond(a.req, a.status, a.body)
}

/** registered_delivery bits 0-1: 1 every final outcome, 2 failures only, 3 successes only (SMPP 5.0). */
export function wantsReceipt (registeredDelivery: number, stat: number): boolean {
  switch (registeredDelivery & 3) {
    case 1: return true
    case 2: return stat !== S_DELIVRD && stat !== S_ACCEPTD
    case 3: return stat === S_DELIVRD
    default: return false
  }
}

/** The first 20 characters of a GSM/ASCII/Latin-1 text (after any UDH), as a string; '' otherwise. */
function headOf (pdu: { esmClass: number, dataCoding: number, tlvs: SubmitSm['tlvs'] }, sm: Buffer): string {
  if (!quotable(pdu.dataCoding)) return ''
  let body = sm.length === 0 && pdu.tlvs !== null && pdu.tlvs.messagePayload !== undefined ? pdu.tlvs.messagePayload : sm
  let start = 0
  if ((pdu.esmClass & 0x40) !== 0 && body.length > 0) start = Math.min(body.length, body[0] + 1)
  const end = body.length - start < 20 ? body.length : start + 20
  return end === start ? '' : body.toString('latin1', start, end)
}
