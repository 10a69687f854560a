// What the SMPP and HTTP load generators share: the pacing (closed loop: each answer releases the
// next request; open loop: a fixed offered rate, latency from the intended send time), the bounds
// (count and time), the accounting (HDR histograms of submit→answer and submit→receipt, refusals
// and transport failures in one `errors` map, receipts matched by id) and the result. A subclass
// says how to connect, how to send one request on one lane (a bind's window slot, a connection)
// and calls onAccepted/onRefused/onFailed when its answer comes back.

import { LatencyHistogram, type LatencySummary } from './histogram.js'
import { buildTemplates, formatMix, templateSequence, type Template } from './mix.js'
import type { CommonLoadOptions } from './options.js'
import { ReceiptTracker, type ReceiptCounts } from './receipts.js'
import { OpenLoopSchedule } from './schedule.js'

export interface LoadResult {
  /** How the messages were submitted: submit_sm on binds, or POST /v1/messages. */
  protocol: 'smpp' | 'http'
  mode: 'closed' | 'open'
  /** host:port (SMPP) or the base URL (HTTP). */
  target: string
  /** SMPP binds; over HTTP, connections. */
  binds: number
  /** Unanswered requests per bind; 1 per HTTP connection. */
  window: number
  /** Offered messages/s (open loop); 0 in closed loop. */
  offeredRate: number
  mix: string
  startedAt: string
  warmupSeconds: number
  /** Seconds from the end of the warm-up to the last response. */
  measuredSeconds: number
  sent: number
  responses: number
  accepted: number
  acceptedParts: number
  /** Per second over the measured interval. */
  responsesPerS: number
  acceptedPerS: number
  partsPerS: number
  receiptsPerS: number
  /** submit → submit_sm_resp (HTTP: → the 202) of accepted submits (ms, from the intended send time). */
  submitResp: LatencySummary
  /** submit → submit_sm_resp (HTTP: → the 4xx/5xx) of refused submits. */
  refusedResp: LatencySummary
  /** submit → matching receipt (HTTP: message.status webhook) (ms, from the intended send time). */
  receipt: LatencySummary
  receipts: ReceiptCounts
  /**
   * Refusals by command_status (`0x58 ESME_RTHROTTLED`) or HTTP status (`HTTP 429`), and transport
   * failures by error code (`INS_ERR_RESPONSE_TIMEOUT`, `ECONNREFUSED`).
   */
  errors: Record<string, number>
  /** Open loop: the most messages that were due but not yet sent (windows full). */
  maxBacklog: number
  /** Open loop: messages due before the time ran out that were never sent. */
  unsent: number
  /** The generator's own CPU over the run, in cores. */
  clientCpu: number
}

/** What the result says about the transport (the rest is the core's). */
export interface LoadTarget {
  protocol: LoadResult['protocol']
  target: string
  binds: number
  window: number
}

// Token of a request, one number so a request needs no object and no closure:
// ((intended time − start, in µs) × MAX_LANES + lane index) × MAX_TEMPLATES + template index.
// Exact below 2^53, i.e. for runs up to about 9 hours.
const MAX_TEMPLATES = 16
const MAX_LANES = 16384

export abstract class LoadCore<O extends CommonLoadOptions> {
  readonly options: O
  readonly closed: Promise<void>
  protected readonly templates: Template[]
  protected readonly tracker = new ReceiptTracker()
  private readonly sequence: Uint16Array
  private readonly respHist = new LatencyHistogram()
  private readonly refusedHist = new LatencyHistogram()
  private readonly errors: Record<string, number> = Object.create(null)
  private schedule: OpenLoopSchedule | null = null
  private next = 0
  private inflight = 0
  private cursor = 0
  private stopping = false
  private startMs = 0
  private measureFrom = 0
  private sendUntil = Infinity
  private limit = Infinity
  private lastResponseAt = 0
  private lastReceiptAt = 0
  private measuredResponses = 0
  private measuredAccepted = 0
  private measuredParts = 0
  private measuredReceipts = 0
  private accepted = 0
  private responses = 0
  private acceptedParts = 0
  private maxBacklog = 0
  private timer: NodeJS.Timeout | null = null
  private started: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private resolveClosed!: () => void
  private wake: (() => void) | null = null

  /** `options` already checked (loadOptions / httpLoadOptions). */
  constructor (options: O) {
    this.options = options
    this.templates = buildTemplates(options.mix, options)
    if (this.templates.length > MAX_TEMPLATES) throw new RangeError('too many message templates')
    this.sequence = templateSequence(options.mix, this.templates)
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve })
  }

  /** Opens the lanes (binds, connections); rejects when the run cannot start. */
  protected abstract connect (): Promise<void>
  /** Closes what connect() opened (called once, after connect() settled). */
  protected abstract disconnect (): Promise<void>
  /** How many lanes there are (after connect()). */
  protected abstract laneCount (): number
  /** Requests one lane may have unanswered. */
  protected abstract laneWindow (): number
  /** Whether lane `lane` has a free slot. */
  protected abstract laneCanSend (lane: number): boolean
  /** Whether lane `lane` is gone for good (its slots will never free). */
  protected abstract laneClosed (lane: number): boolean
  /** Sends template `k` on lane `lane`; its answer must come back as onAccepted/onRefused/onFailed(token, …). */
  protected abstract transmit (lane: number, k: number, token: number): void
  protected abstract describe (): LoadTarget

  /** Connects (binds every bind, starts the webhook receiver); rejects when it cannot. */
  start (): Promise<void> {
    if (this.started === null) this.started = this.connect()
    return this.started
  }

  /** Connects (if not yet), sends until the count or the time runs out, waits for responses and receipts, disconnects. */
  async run (): Promise<LoadResult> {
    await this.start()
    const o = this.options
    const cpu0 = process.cpuUsage()
    const startedAt = new Date().toISOString()
    this.startMs = performance.now()
    this.measureFrom = this.startMs + o.warmupSeconds * 1000
    this.tracker.recordFrom = this.measureFrom
    this.sendUntil = o.seconds > 0 ? this.startMs + o.seconds * 1000 : Infinity
    this.limit = o.count > 0 ? o.count : Infinity
    if (o.rate > 0) {
      this.schedule = new OpenLoopSchedule(o.rate, this.startMs)
      this.timer = setInterval(() => this.pump(), 1)
      this.pump()
    } else {
      const lanes = this.laneCount()
      const window = this.laneWindow()
      for (let b = 0; b < lanes; b++) for (let i = 0; i < window && this.mayStillSend(this.startMs); i++) this.sendOn(b, this.startMs)
    }
    // Sending ends when the limits are reached; then the responses in flight, then the receipts.
    await this.until(() => !this.mayStillSend(performance.now()), Infinity, 10)
    this.pump()
    this.stopSending()
    await this.until(() => this.inflight === 0, o.requestTimeoutMs + 1000)
    const receiptDeadline = performance.now() + o.receiptWaitMs
    await this.until(() => this.tracker.counts().missing === 0 || performance.now() >= receiptDeadline, o.receiptWaitMs + 50)
    const cpu = process.cpuUsage(cpu0)
    const end = performance.now()
    const result = this.result(startedAt, (cpu.user + cpu.system) / 1000 / (end - this.startMs))
    await this.close()
    return result
  }

  /** Stops sending and disconnects; idempotent (the same promise twice). */
  close (): Promise<void> {
    if (this.closing !== null) return this.closing
    this.stopSending()
    this.closing = (async () => {
      if (this.started !== null) {
        // Not before connect() settled: it may still be opening lanes.
        await this.started.catch(() => {})
        await this.disconnect()
      }
      this.resolveClosed()
    })()
    return this.closing
  }

  /** A receipt arrived at `now` (the tracker has matched it): counts it in the receipt rate. */
  protected receiptArrived (now: number): void {
    this.lastReceiptAt = now
    if (now >= this.measureFrom) this.measuredReceipts++
  }

  /** Request `token` was accepted as message `id`, `parts` SMS parts (< 0: the template's count). */
  protected onAccepted (token: number, id: string, parts: number): void {
    this.finish(token, 0, id, parts)
  }

  /** Request `token` was answered with a refusal, counted under `key` (`0x58 ESME_RTHROTTLED`, `HTTP 429`). */
  protected onRefused (token: number, key: string): void {
    this.finish(token, 1, key, 0)
  }

  /** Request `token` got no answer (transport failure, timeout), counted under `key`. */
  protected onFailed (token: number, key: string): void {
    this.finish(token, 2, key, 0)
  }

  private mayStillSend (now: number): boolean {
    return !this.stopping && this.next < this.limit && now < this.sendUntil
  }

  private stopSending (): void {
    this.stopping = true
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  /** Sends message `this.next` on lane `b`, intended at `t0`. */
  private sendOn (b: number, t0: number): void {
    const k = this.sequence[this.next % this.sequence.length]
    this.next++
    this.inflight++
    const us = Math.max(0, Math.round((t0 - this.startMs) * 1000))
    this.transmit(b, k, (us * MAX_LANES + b) * MAX_TEMPLATES + k)
  }

  /** Open loop: sends what is due, on lanes with a free slot; what cannot go now is the backlog. */
  private pump (): void {
    const sched = this.schedule
    if (sched === null || this.stopping) return
    const now = performance.now()
    // A late timer still sends what fell due before the end; nothing due after it.
    const due = Math.min(sched.dueBy(Math.min(now, this.sendUntil - 1e-6)), this.limit)
    const n = this.laneCount()
    while (this.next < due) {
      let b = -1
      for (let tries = 0; tries < n; tries++) {
        const c = this.cursor
        this.cursor = c + 1 === n ? 0 : c + 1
        if (this.laneCanSend(c)) { b = c; break }
      }
      if (b < 0) {
        // Every lane gone (the server died): nothing will free a slot, so a count-only run must end.
        if (this.allLanesClosed()) this.stopSending()
        break
      }
      this.sendOn(b, sched.intendedTime(this.next))
    }
    const backlog = due - this.next
    if (backlog > this.maxBacklog) this.maxBacklog = backlog
    if (!this.mayStillSend(now)) this.stopSending()
  }

  private allLanesClosed (): boolean {
    const n = this.laneCount()
    for (let i = 0; i < n; i++) if (!this.laneClosed(i)) return false
    return true
  }

  /** outcome 0 accepted (`text` the id), 1 refused, 2 failed (`text` the errors key). */
  private finish (token: number, outcome: 0 | 1 | 2, text: string, parts: number): void {
    this.inflight--
    const now = performance.now()
    const k = token % MAX_TEMPLATES
    const rest = (token - k) / MAX_TEMPLATES
    const b = rest % MAX_LANES
    const t0 = this.startMs + (rest - b) / MAX_LANES / 1000
    const measured = t0 >= this.measureFrom
    if (outcome === 2) {
      this.errors[text] = (this.errors[text] ?? 0) + 1
    } else {
      this.responses++
      this.lastResponseAt = now
      if (now >= this.measureFrom) this.measuredResponses++
      if (outcome === 0) {
        const tpl = this.templates[k]
        const p = parts < 0 ? tpl.parts : parts
        this.accepted++
        this.acceptedParts += p
        if (now >= this.measureFrom) { this.measuredAccepted++; this.measuredParts += p }
        if (measured) this.respHist.record(now - t0)
        if (tpl.wantsReceipt) this.tracker.expect(text, t0)
      } else {
        this.errors[text] = (this.errors[text] ?? 0) + 1
        if (measured) this.refusedHist.record(now - t0)
      }
    }
    if (this.stopping) {
      if (this.inflight === 0 && this.wake !== null) this.wake()
      return
    }
    if (this.schedule !== null) {
      if (this.next < this.schedule.dueBy(now)) this.pump()
    } else if (this.mayStillSend(now)) {
      // Closed loop: the slot just freed is on lane b; a lane that died hands its share to a live one.
      let live = b
      if (this.laneClosed(b)) {
        live = -1
        const n = this.laneCount()
        for (let i = 0; i < n; i++) if (!this.laneClosed(i)) { live = i; break }
      }
      if (live >= 0) this.sendOn(live, now)
      else this.stopSending()
    }
  }

  /** Resolves when `done()` holds (checked every `stepMs`, and when woken) or after `maxMs`. */
  private async until (done: () => boolean, maxMs: number, stepMs = 20): Promise<void> {
    const deadline = performance.now() + maxMs
    while (!done() && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { this.wake = null; resolve() }, stepMs)
        this.wake = () => { clearTimeout(t); this.wake = null; resolve() }
      })
    }
  }

  private result (startedAt: string, clientCpu: number): LoadResult {
    const o = this.options
    const endResp = Math.max(this.lastResponseAt, this.measureFrom + 1)
    const seconds = (endResp - this.measureFrom) / 1000
    const rSeconds = Math.max(this.lastReceiptAt - this.measureFrom, 1) / 1000
    let unsent = 0
    if (this.schedule !== null) {
      // Due strictly before the end of sending (mayStillSend stops at sendUntil itself).
      const dueAtEnd = Math.min(this.schedule.dueBy(Math.min(this.sendUntil - 1e-6, performance.now())), this.limit)
      unsent = Math.max(0, dueAtEnd - this.next)
    }
    const d = this.describe()
    return {
      protocol: d.protocol,
      mode: o.rate > 0 ? 'open' : 'closed',
      target: d.target,
      binds: d.binds,
      window: d.window,
      offeredRate: o.rate,
      mix: formatMix(o.mix),
      startedAt,
      warmupSeconds: o.warmupSeconds,
      measuredSeconds: seconds,
      sent: this.next,
      responses: this.responses,
      accepted: this.accepted,
      acceptedParts: this.acceptedParts,
      responsesPerS: this.measuredResponses / seconds,
      acceptedPerS: this.measuredAccepted / seconds,
      partsPerS: this.measuredParts / seconds,
      receiptsPerS: this.measuredReceipts / rSeconds,
      submitResp: this.respHist.summary(),
      refusedResp: this.refusedHist.summary(),
      receipt: this.tracker.latency.summary(),
      receipts: this.tracker.counts(),
      errors: { ...this.errors },
      maxBacklog: this.maxBacklog,
      unsent,
      clientCpu
    }
  }
}
