// Turns a customer's submission (SMPP or HTTP) into AcceptJobs: the message rules, the account's
// throughput limit, schedule and validity, and the split into part bodies. Runs on the main
// thread, so a bad message is refused without a hop to an engine thread.

import type { InstradaConfig, AccountConfig } from '../config/instrada.js'
import { AccountPolicy, SendAddress, Violation, createRefState, nextRef, splitMessage, type Accepted, type ConcatMethod, type PreparedMessage, type RefState, type SubmitContent, type SmsType, type TextEncodingChoice } from '../rules/index.js'
import type { RoutingTable } from '../routing/index.js'
import { CommandStatus } from '../smpp/pdu/status.js'
import { parseSmppTime } from '../smpp/time.js'
import type { MessageRecord, Origin } from '../store/types.js'
import { TokenBucket } from '../util/token-bucket.js'
import type { RouterConfig } from './config.js'
import type { AcceptJob, BulkJob } from './protocol.js'
import type { Msisdn } from '../rules/numbers.js'

/** One account's live state on the main thread. */
export class AccountRuntime {
  readonly id: string
  config: AccountConfig
  policy: AccountPolicy
  readonly tps: TokenBucket

  constructor (config: AccountConfig, policy: AccountPolicy) {
    this.id = config.id
    this.config = config
    this.policy = policy
    this.tps = new TokenBucket(config.limits.tps)
  }

  /** A reload changes the account in place: bound sessions hold this object. */
  update (config: AccountConfig, policy: AccountPolicy): void {
    this.config = config
    this.policy = policy
    if (config.limits.tps !== this.tps.ratePerSecond) this.tps.setRate(config.limits.tps)
  }
}

/** What the customer asked for, in either protocol's terms. */
export interface Submission {
  origin: Origin
  /** 'smart' | 'pro' | 'reply', or null for the account's own type. */
  type: SmsType | null
  from: string
  fromTon: number
  to: string
  toTon: number
  content: SubmitContent | string
  /** For a text (HTTP): 'auto' picks GSM-7 when it fits, else UCS-2; SMPP fixes it by data_coding. */
  encoding?: TextEncodingChoice
  reference: string | null
  registeredDelivery: number
  protocolId: number
  priorityFlag: number
  /** SMPP time strings ('' = not set) or epoch ms from HTTP. */
  schedule: string | number | null
  validity: string | number | null
}

export type IntakeResult = { ok: true, job: AcceptJob, parts: number, accepted: Accepted } | { ok: false, status: number, reason: string, violation: Violation | null }

/** What replace_sm carries besides the message id. */
export interface ReplaceFields {
  shortMessage: Uint8Array
  scheduleDeliveryTime: string
  validityPeriod: string
  registeredDelivery: number
}

export type ReplaceResult =
  | { ok: true, bodies: Uint8Array[], scheduledAt: number | null | undefined, validUntil: number | undefined, registeredDelivery: number }
  | { ok: false, status: number, reason: string }

const CLOCK_SKEW_MS = 60_000

export class Intake {
  readonly accounts = new Map<string, AccountRuntime>()
  private routes: RoutingTable
  private concatOf = new Map<string, ConcatMethod>()
  private router: RouterConfig
  private readonly refs: RefState = createRefState()

  constructor (config: InstradaConfig) {
    this.routes = config.routes
    this.router = config.router
    this.reload(config)
  }

  /** Swaps in a new config's accounts, routes and limits; throughput buckets start afresh. */
  reload (config: InstradaConfig): void {
    this.routes = config.routes
    this.router = config.router
    this.concatOf = new Map(config.carriers.map((c) => [c.name, c.submit.concat]))
    const ids = new Set(config.accounts.map((a) => a.id))
    for (const id of this.accounts.keys()) if (!ids.has(id)) this.accounts.delete(id)
    for (const a of config.accounts) {
      const policy = new AccountPolicy(config.rules, a.rules)
      const existing = this.accounts.get(a.id)
      if (existing !== undefined) existing.update(a, policy)
      else this.accounts.set(a.id, new AccountRuntime(a, policy))
    }
  }

  account (id: string): AccountRuntime | null {
    return this.accounts.get(id) ?? null
  }

  /**
   * `memo`, for the recipients of one request: equal texts share their part bodies, so the
   * engine gets (and keeps) one copy instead of one per recipient.
   */
  prepare (account: AccountRuntime, s: Submission, now = Date.now(), memo: BodiesMemo | null = null): IntakeResult {
    if (account.config.limits.suspended) return suspended(account)
    const accepted = account.policy.accept({ type: s.type, from: s.from, fromTon: s.fromTon, to: s.to, toTon: s.toTon }, s.content, s.encoding ?? 'auto')
    if (accepted instanceof Violation) return { ok: false, status: accepted.smppStatus, reason: `${accepted.reason}: ${accepted.message}`, violation: accepted }
    const msg = accepted.message
    const scheduledAt = this.scheduleOf(s.schedule, now)
    if (typeof scheduledAt === 'string') return refuse(CommandStatus.ESME_RINVSCHED, scheduledAt)
    const validUntil = this.validityOf(s.validity, scheduledAt ?? now, now)
    if (typeof validUntil === 'string') return refuse(CommandStatus.ESME_RINVEXPIRY, validUntil)
    const senderKind = /^\d+$/.test(accepted.source.addr) ? 'numeric' : 'alpha'
    const plan = this.routes.plan({ account: account.id, type: accepted.type, destination: accepted.dest.addr, country: accepted.country, senderKind })
    if (plan.length === 0) return noRoute(accepted.dest.addr, accepted.country)
    if (!account.tps.tryTake(msg.parts, now)) return throttled(account)
    const concatRef = msg.parts > 1 ? nextRef(this.refs, accepted.dest.addr) : 0
    const room = this.roomOf(plan)
    // Bodies never hold the concat reference (the carrier adds the header), so equal texts cut for the same room are equal.
    const key = memo !== null && msg.encoding !== 'binary' && msg.customerBytes === null ? `${room}\u0000${msg.dataCoding}\u0000${msg.text}` : null
    let cut = key !== null ? memo!.get(key) : undefined
    if (cut === undefined) {
      cut = cutBodies(msg, room, concatRef)
      if (key !== null) memo!.set(key, cut)
    }
    const { bodies, cutFor } = cut
    const job: AcceptJob = {
      account: account.id,
      origin: s.origin,
      reference: s.reference,
      type: accepted.type,
      sender: accepted.source.addr,
      senderTon: accepted.source.ton,
      senderNpi: accepted.source.npi,
      senderKind,
      destination: accepted.dest.addr,
      country: accepted.country,
      dataCoding: msg.dataCoding,
      esmClass: msg.customerBytes !== null ? 0x40 : 0,
      registeredDelivery: s.registeredDelivery,
      protocolId: s.protocolId,
      priorityFlag: s.priorityFlag,
      bodies,
      concatRef,
      cutFor,
      validUntil,
      scheduledAt
    }
    return { ok: true, job, parts: msg.parts, accepted }
  }

  /**
   * The recipients of one HTTP request that share everything but the number (no template
   * variables, no schedule): the same rules as prepare() per recipient, with the text checked
   * and cut once, the sender checked once per destination country, and the accepted recipients
   * grouped into bulk jobs (BulkJob) of at most BULK_CHUNK.
   */
  prepareBulk (account: AccountRuntime, s: BulkSubmission, dests: readonly Msisdn[], now = Date.now()): BulkIntake {
    const n = dests.length
    const out: BulkIntake = { refused: new Array(n).fill(null), jobs: [], parts: 0, encoding: 'gsm7' }
    if (account.config.limits.suspended) { out.refused.fill(suspended(account)); return out }
    const validUntil = this.validityOf(s.validity, now, now)
    if (typeof validUntil === 'string') { out.refused.fill(refuse(CommandStatus.ESME_RINVEXPIRY, validUntil)); return out }
    const policy = account.policy
    const type = policy.typeOf(s.type)
    const msg = policy.prepareContent(type, s.content, s.encoding)
    if (!(msg instanceof Violation)) { out.parts = msg.parts; out.encoding = msg.encoding }
    const senders = new Map<string, SendAddress | Violation>()
    const filling = new Map<string, BulkGroup>()
    const cuts = new Map<string, { bodies: Uint8Array[], cutFor: 'udh16' | 'udh8' }>()
    for (let i = 0; i < n; i++) {
      const dest = dests[i]
      // Sender rules may depend on the destination's country (alias and NANP rules), nothing else here.
      let source = senders.get(dest.country)
      if (source === undefined) { source = policy.checkSender(type, s.from, s.fromTon, dest.country); senders.set(dest.country, source) }
      if (source instanceof Violation) { out.refused[i] = violated(source); continue }
      if (msg instanceof Violation) { out.refused[i] = violated(msg); continue }
      const senderKind = /^\d+$/.test(source.addr) ? 'numeric' : 'alpha'
      const plan = this.routes.plan({ account: account.id, type, destination: dest.digits, country: dest.country, senderKind })
      if (plan.length === 0) { out.refused[i] = noRoute(dest.digits, dest.country); continue }
      if (!account.tps.tryTake(msg.parts, now)) { out.refused[i] = throttled(account); continue }
      // One group per header room (roomOf) and sender.
      const room = this.roomOf(plan)
      const key = `${room}\u0000${source.addr}`
      let g = filling.get(key)
      if (g === undefined || g.recipients.length >= BULK_CHUNK) {
        let cut = cuts.get(room)
        if (cut === undefined) { cut = cutBodies(msg, room, 0); cuts.set(room, cut) }
        const made: BulkGroup = {
          recipients: [],
          job: {
            account: account.id,
            origin: s.origin,
            reference: s.reference,
            type,
            sender: source.addr,
            senderTon: source.ton,
            senderNpi: source.npi,
            senderKind,
            dataCoding: msg.dataCoding,
            esmClass: msg.customerBytes !== null ? 0x40 : 0,
            registeredDelivery: s.registeredDelivery,
            protocolId: s.protocolId,
            priorityFlag: s.priorityFlag,
            bodies: cut.bodies,
            cutFor: cut.cutFor,
            validUntil,
            destinations: [],
            countries: [],
            concatRefs: msg.parts > 1 ? [] : null
          }
        }
        filling.set(key, made)
        out.jobs.push(made)
        g = made
      }
      g.recipients.push(i)
      g.job.destinations.push(dest.digits)
      g.job.countries.push(dest.country)
      g.job.concatRefs?.push(nextRef(this.refs, dest.digits))
    }
    return out
  }

  /**
   * replace_sm's new text for a stored message: the same rules as a submit (sender and
   * destination as stored, the stored data_coding), and the same number of parts, because the
   * credit reserved at accept must still cover it. Empty schedule/validity keep the stored ones.
   */
  prepareReplace (account: AccountRuntime, rec: MessageRecord, r: ReplaceFields, now = Date.now()): ReplaceResult {
    const numeric = /^\d+$/.test(rec.sender)
    const accepted = account.policy.accept(
      { type: rec.type as SmsType, from: rec.sender, fromTon: numeric ? 1 : 5, to: rec.destination, toTon: 1 },
      { shortMessage: r.shortMessage, dataCoding: rec.dataCoding, esmClass: rec.esmClass & 0x40, messagePayload: null })
    if (accepted instanceof Violation) return { ok: false, status: accepted.smppStatus, reason: `${accepted.reason}: ${accepted.message}` }
    const msg = accepted.message
    if (msg.parts !== rec.parts.length) {
      return { ok: false, status: CommandStatus.ESME_RREPLACEFAIL, reason: `the new text needs ${msg.parts} parts; the message has ${rec.parts.length}` }
    }
    let scheduledAt: number | null | undefined
    if (r.scheduleDeliveryTime !== '') {
      const s = this.scheduleOf(r.scheduleDeliveryTime, now)
      if (typeof s === 'string') return { ok: false, status: CommandStatus.ESME_RINVSCHED, reason: s }
      scheduledAt = s
    }
    let validUntil: number | undefined
    if (r.validityPeriod !== '') {
      const v = this.validityOf(r.validityPeriod, scheduledAt ?? rec.scheduledAt ?? now, now)
      if (typeof v === 'string') return { ok: false, status: CommandStatus.ESME_RINVEXPIRY, reason: v }
      validUntil = v
    }
    // Cut as the stored message was: its concat reference and header room stay valid.
    const { bodies } = cutBodies(msg, rec.cutFor, rec.concatRef)
    return { ok: true, bodies, scheduledAt, validUntil, registeredDelivery: r.registeredDelivery }
  }

  /**
   * Bodies are cut for the first carrier's method: udh16 leaves room for either header, and a
   * failover carrier using udh16 after an 8-bit cut falls back to udh8 (carriers/submit.ts).
   */
  private roomOf (plan: readonly string[]): 'udh16' | 'udh8' {
    return this.concatOf.get(plan[0]) === 'udh16' ? 'udh16' : 'udh8'
  }

  /** null = send now; a string = why the schedule is refused (0x61). */
  private scheduleOf (v: string | number | null, now: number): number | null | string {
    let at: number | null
    if (v === null || v === '') return null
    if (typeof v === 'number') at = v
    else {
      const t = parseSmppTime(v, now)
      if (!t.ok) return `schedule_delivery_time: ${t.reason}`
      at = t.epochMs
    }
    if (at === null) return null
    if (at < now - CLOCK_SKEW_MS) return 'schedule_delivery_time is in the past'
    if (at > now + this.router.maxScheduleMs) return `schedule_delivery_time is more than ${this.router.maxScheduleMs / 86_400_000} days ahead`
    return at <= now ? null : at
  }

  /** Epoch ms the message stays sendable until; a string = why the validity is refused (0x62). */
  private validityOf (v: string | number | null, from: number, now: number): number | string {
    let until: number | null
    if (v === null || v === '') until = null
    else if (typeof v === 'number') until = v
    else {
      const t = parseSmppTime(v, now)
      if (!t.ok) return `validity_period: ${t.reason}`
      until = t.epochMs
    }
    if (until === null) return from + this.router.defaultValidityMs
    if (until <= from) return 'validity_period ends before the message could be sent'
    if (until > now + this.router.maxValidityMs) return `validity_period is more than ${this.router.maxValidityMs / 86_400_000} days ahead`
    return until
  }
}

/** Recipients per bulk job (one store row each; at most 4096, one id block). */
export const BULK_CHUNK = 1000

/** What a bulk's recipients share (Submission without the recipient and the schedule). */
export type BulkSubmission = Omit<Submission, 'to' | 'toTon' | 'schedule'>

type Refusal = Extract<IntakeResult, { ok: false }>

export interface BulkGroup {
  job: BulkJob
  /** Which of the recipients given to prepareBulk each member is. */
  recipients: number[]
}

export interface BulkIntake {
  /** Per recipient: null when it is in a job, else why it was refused. */
  refused: Array<Refusal | null>
  jobs: BulkGroup[]
  /** The text's parts and encoding (0 and 'gsm7' when the text itself was refused). */
  parts: number
  encoding: string
}

function violated (v: Violation): Refusal {
  return { ok: false, status: v.smppStatus, reason: `${v.reason}: ${v.message}`, violation: v }
}

/** Part bodies already cut for a text, by room, data_coding and text (see Intake.prepare). */
export type BodiesMemo = Map<string, { bodies: Uint8Array[], cutFor: 'udh16' | 'udh8' }>

/**
 * The part bodies without a concatenation header (the carrier adds its own). Cut to leave room
 * for a 16-bit reference header when asked (room for any method), else for an 8-bit one
 * (udh8 and SAR); `cutFor` says which room they have.
 */
function cutBodies (msg: PreparedMessage, room: 'udh16' | 'udh8', concatRef: number): { bodies: Uint8Array[], cutFor: 'udh16' | 'udh8' } {
  const split = splitMessage(msg, room === 'udh16' ? 'udh16' : 'sar', concatRef)
  const headerless = msg.parts > 1 && split.method !== 'sar'
  const bodies = split.parts.map((p) => headerless ? p.shortMessage.subarray(p.shortMessage[0] + 1) : p.shortMessage)
  return { bodies, cutFor: split.method === 'udh16' ? 'udh16' : 'udh8' }
}

function suspended (account: AccountRuntime): Refusal {
  return refuse(CommandStatus.INSTRADA_RACCTSUSPENDED, `account '${account.id}' is suspended`)
}

function noRoute (destination: string, country: string): Refusal {
  return refuse(CommandStatus.INSTRADA_RNOROUTE, `no route for ${destination} (${country || 'unknown country'})`)
}

function throttled (account: AccountRuntime): Refusal {
  return refuse(CommandStatus.ESME_RTHROTTLED, `over ${account.config.limits.tps} parts/s`)
}

function refuse (status: number, reason: string): Refusal {
  return { ok: false, status, reason, violation: null }
}
