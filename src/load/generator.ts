// The SMPP load generator: many customer binds (our SmppSession client), a window per bind, closed
// loop (each response releases the next submit) or open loop (a fixed offered rate; latency from
// the intended send time), bounded by count and time. Submit→resp and submit→receipt go into HDR
// histograms; refusals are counted by command_status, transport failures by error code. The
// pacing and the accounting are core.ts's, shared with the HTTP generator (http.ts).

import { InstradaError } from '../errors.js'
import { connectAndBind, statusName, type RequestPdu, type ResponsePdu, type SessionHandler, type SmppSession, type SubmitSmResp } from '../smpp/index.js'
import { LoadCore, type LoadTarget } from './core.js'
import { loadOptions, type LoadOptions } from './options.js'

export type { LoadResult } from './core.js'

export class LoadGenerator extends LoadCore<LoadOptions> implements SessionHandler {
  private readonly sessions: SmppSession[] = []
  private readonly onResponse: (err: Error | null, resp: ResponsePdu | null, token: number) => void

  constructor (options: Partial<LoadOptions>) {
    super(loadOptions(options))
    this.onResponse = (err, resp, token) => this.responded(err, resp, token)
  }

  /** SessionHandler: receipts and MO on our binds are answered and matched. */
  onRequest (session: SmppSession, pdu: RequestPdu): void {
    const now = performance.now()
    if (this.tracker.onDeliver(pdu, now)) this.receiptArrived(now)
    session.respond(pdu)
  }

  /** Binds every bind, `bindConcurrency` at a time; rejects with BindError when one cannot bind. */
  protected async connect (): Promise<void> {
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

  /** Unbinds every bind (destroyed when the unbind takes over 2 s). */
  protected async disconnect (): Promise<void> {
    await Promise.all(this.sessions.map(async (s) => {
      const t = setTimeout(() => s.destroy('load generator closing'), 2000)
      await s.close('load generator done').catch(() => {})
      clearTimeout(t)
    }))
  }

  protected laneCount (): number { return this.sessions.length }
  protected laneWindow (): number { return this.options.window }
  protected laneCanSend (lane: number): boolean { return this.sessions[lane].canSend() }
  protected laneClosed (lane: number): boolean { return this.sessions[lane].isClosed }

  protected transmit (lane: number, k: number, token: number): void {
    this.sessions[lane].request(this.templates[k].pdu, this.onResponse, token)
  }

  protected describe (): LoadTarget {
    const o = this.options
    return { protocol: 'smpp', target: `${o.host}:${o.port}`, binds: o.binds, window: o.window }
  }

  private responded (err: Error | null, resp: ResponsePdu | null, token: number): void {
    if (err !== null || resp === null) {
      this.onFailed(token, err instanceof InstradaError ? err.code : (err?.name ?? 'no response'))
      return
    }
    const status = resp.commandStatus
    if (status === 0) this.onAccepted(token, (resp as SubmitSmResp).messageId, -1)
    else this.onRefused(token, `0x${status.toString(16).padStart(2, '0')} ${statusName(status)}`)
  }
}
