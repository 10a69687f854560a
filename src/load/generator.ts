// The load generator: many customer binds (our SmppSession client), a window per bind, closed
// loop (each response releases the next submit) or open loop (a fixed offered rate; latency from
// the intended send time), bounded by count and time. Submit→resp and submit→receipt go into HDR
// histograms; refusals are counted by command_status, transport failures by error code.

import { InstradaError } from '../errors.js'
import { connectAndBind, statusName, type RequestPdu, type ResponsePdu, type SessionHandler, type SmppSession, type SubmitSmResp } from '../smpp/index.js'
import { LatencyHistogram, type LatencySummary } from './histogram.js'
import { buildTemplates, formatMix, templateSequence, type Template } from './mix.js'
import { loadOptions, type LoadOptions } from './options.js'
import { ReceiptTracker, type ReceiptCounts } from './receipts.js'
import { OpenLoopSchedule } from './schedule.js'

export interface LoadResult {
  mode: 'closed' | 'open'
  target: string
  binds: number
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
  /** submit → submit_sm_resp of accepted submits (ms, from the intended send time). */
  submitResp: LatencySummary
  /** submit → submit_sm_resp of refused submits. */
  refusedResp: LatencySummary
  /** submit → matching receipt (ms, from the intended send time). */
  receipt: LatencySummary
  receipts: ReceiptCounts
  /** Refusals by command_status (`0x58 ESME_RTHROTTLED`) and transport failures by error code. */
  errors: Record<string, number>
  /** Open loop: the most messages that were due but not yet sent (windows full). */
  maxBacklog: number
  /** Open loop: messages due before the time ran out that were never sent. */
  unsent: number
  /** The generator's own CPU over the run, in cores. */
  clientCpu: number
}

// Token of a request, one number so a request needs no object and no closure:
// ((intended time − start, in µs) × MAX_BINDS + bind index) × MAX_TEMPLATES + template index.
// Exact below 2^53, i.e. for runs up to about 9 hours.
const MAX_TEMPLATES = 16
const MAX_BINDS = 16384

export class LoadGenerator implements SessionHandler {
  readonly options: LoadOptions
  readonly closed: Promise<void>
  private readonly templates: Template[]
  private readonly sequence: Uint16Array
  private readonly sessions: SmppSession[] = []
  private readonly respHist = new LatencyHistogram()
  private readonly refusedHist = new LatencyHistogram()
  private readonly tracker = new ReceiptTracker()
  private readonly errors: Record<string, number> = Object.create(null)
  private schedule: OpenLoopSchedule | null = null
  private readonly onResponse: (err: Error | null, resp: ResponsePdu | null, token: number) => void
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

  constructor (options: Partial<LoadOptions>) {
    this.options = loadOptions(options)
    this.templates = buildTemplates(this.options.mix, this.options)
    if (this.templates.length > MAX_TEMPLATES) throw new RangeError('too many message templates')
    this.sequence = templateSequence(this.options.mix, this.templates)
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve })
    this.onResponse = (err, resp, token) => this.responded(err, resp, token)
  }

  /** Connects and binds every bind; rejects with BindError when one cannot bind. */
  start (): Promise<void> {
    if (this.started === null) this.started = this.bindAll()
    return this.started
  }

  /** Binds (if not yet), sends until the count or the time runs out, waits for responses and receipts, unbinds. */
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
      for (let b = 0; b < this.sessions.length; b++) for (let i = 0; i < o.window && this.mayStillSend(this.startMs); i++) this.sendOn(b, this.startMs)
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

  /** Stops sending and unbinds every bind; idempotent (the same promise twice). */
  close (): Promise<void> {
    if (this.closing !== null) return this.closing
    this.stopSending()
    this.closing = (async () => {
      if (this.started !== null) await this.started.catch(() => {})
      await Promise.all(this.sessions.map(async (s) => {
        const t = setTimeout(() => s.destroy('load generator closing'), 2000)
        await s.close('load generator done').catch(() => {})
        clearTimeout(t)
      }))
      this.resolveClosed()
    })()
    return this.closing
  }

  /** SessionHandler: receipts and MO on our binds are answered and matched. */
  onRequest (session: SmppSession, pdu: RequestPdu): void {
    const now = performance.now()
    if (this.tracker.onDeliver(pdu, now)) {
      this.lastReceiptAt = now
      if (now >= this.measureFrom) this.measuredReceipts++
    }
    session.respond(pdu)
  }

  private async bindAll (): Promise<void> {
    const o = this.options
    for (let i = 0; i < o.binds; i += o.bindConcurrency) {
      const n = Math.min(o.bindConcurrency, o.binds - i)
      const batch = await Promise.allSettled(Array.from({ length: n }, async () => await connectAndBind({
        host: o.host,
        port: o.port,
        systemId: o.systemId,
        password: o.password,
        bindType: 'transceiver',
        window: o.window,
        requestTimeoutMs: o.requestTimeoutMs,
        inactivityTimeoutMs: 0,
        handler: this
      })))
      for (const r of batch) if (r.status === 'fulfilled') this.sessions.push(r.value)
      const failed = batch.find((r) => r.status === 'rejected')
      if (failed !== undefined) {
        // Not close(): it waits for this very promise.
        for (const s of this.sessions) s.destroy('another bind failed')
        throw (failed as PromiseRejectedResult).reason
      }
    }
  }

  private mayStillSend (now: number): boolean {
    return !this.stopping && this.next < this.limit && now < this.sendUntil
  }

  private stopSending (): void {
    this.stopping = true
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  /** Sends message `this.next` on bind `b`, intended at `t0`. */
  private sendOn (b: number, t0: number): void {
    const k = this.sequence[this.next % this.sequence.length]
    this.next++
    this.inflight++
    const us = Math.max(0, Math.round((t0 - this.startMs) * 1000))
    this.sessions[b].request(this.templates[k].pdu, this.onResponse, (us * MAX_BINDS + b) * MAX_TEMPLATES + k)
  }

  /** Open loop: sends what is due, on binds with a free slot; what cannot go now is the backlog. */
  private pump (): void {
    const sched = this.schedule
    if (sched === null || this.stopping) return
    const now = performance.now()
    // A late timer still sends what fell due before the end; nothing due after it.
    const due = Math.min(sched.dueBy(Math.min(now, this.sendUntil - 1e-6)), this.limit)
    const n = this.sessions.length
    while (this.next < due) {
      let b = -1
      for (let tries = 0; tries < n; tries++) {
        const c = this.cursor
        this.cursor = c + 1 === n ? 0 : c + 1
        if (this.sessions[c].canSend()) { b = c; break }
      }
      if (b < 0) {
        // Every bind gone (the server died): nothing will free a slot, so a count-only run must end.
        if (this.sessions.every((x) => x.isClosed)) this.stopSending()
        break
      }
      this.sendOn(b, sched.intendedTime(this.next))
    }
    const backlog = due - this.next
    if (backlog > this.maxBacklog) this.maxBacklog = backlog
    if (!this.mayStillSend(now)) this.stopSending()
  }

  private responded (err: Error | null, resp: ResponsePdu | null, token: number): void {
    this.inflight--
    const now = performance.now()
    const k = token % MAX_TEMPLATES
    const rest = (token - k) / MAX_TEMPLATES
    const b = rest % MAX_BINDS
    const t0 = this.startMs + (rest - b) / MAX_BINDS / 1000
    const measured = t0 >= this.measureFrom
    if (err !== null || resp === null) {
      const code = err instanceof InstradaError ? err.code : (err?.name ?? 'no response')
      this.errors[code] = (this.errors[code] ?? 0) + 1
    } else {
      this.responses++
      this.lastResponseAt = now
      if (now >= this.measureFrom) this.measuredResponses++
      const status = resp.commandStatus
      if (status === 0) {
        const tpl = this.templates[k]
        this.accepted++
        this.acceptedParts += tpl.parts
        if (now >= this.measureFrom) { this.measuredAccepted++; this.measuredParts += tpl.parts }
        if (measured) this.respHist.record(now - t0)
        if (tpl.wantsReceipt) this.tracker.expect((resp as SubmitSmResp).messageId, t0)
      } else {
        const key = `0x${status.toString(16).padStart(2, '0')} ${statusName(status)}`
        this.errors[key] = (this.errors[key] ?? 0) + 1
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
      // Closed loop: the slot just freed is on bind b; a bind that died hands its share to a live one.
      const live = this.sessions[b].isClosed ? this.sessions.findIndex((s) => !s.isClosed) : b
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
    return {
      mode: o.rate > 0 ? 'open' : 'closed',
      target: `${o.host}:${o.port}`,
      binds: o.binds,
      window: o.window,
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
