// The HTTP load generator: `POST /v1/messages` over keep-alive connections (node:http, one Agent
// with maxSockets = connections), each connection with one request in flight — the HTTP analogue
// of binds × window. Pacing, bounds and accounting are core.ts's, as for SMPP: closed loop (an
// answer releases the next request) or open loop (latency from the intended send time).
// Receipts: a message whose template asks for one carries a `callback_url` naming a webhook
// receiver this generator runs itself; the message.status event's `data.id` is matched to the
// id of the 202, exactly as receipted_message_id is over SMPP (a second event for one id is
// counted unmatched). Refusals count as `HTTP <status>`, transport failures by error code.

import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConnectError, InstradaError, ResponseTimeoutError } from '../errors.js'
import { LoadCore, type LoadTarget } from './core.js'
import { messageText } from './mix.js'
import { httpLoadOptions, type HttpLoadOptions } from './options.js'

export const MESSAGES_PATH = '/v1/messages'
const MAX_WEBHOOK_BODY = 1_048_576
const MAX_RESPONSE_BODY = 1_048_576

export class HttpLoadGenerator extends LoadCore<HttpLoadOptions> {
  private readonly agent: Agent
  /** 1 while the connection's (lane's) request is in flight. */
  private readonly busy: Uint8Array
  private readonly hostname: string
  private readonly port: number
  private readonly path: string
  private readonly headers: Record<string, string>
  private bodies: Buffer[] = []
  private receiver: Server | null = null
  private callbackUrl: string | null = null

  constructor (options: Partial<HttpLoadOptions>) {
    super(httpLoadOptions(options))
    const o = this.options
    const url = new URL(o.url)
    this.hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
    this.port = url.port === '' ? 80 : Number(url.port)
    const base = url.pathname.replace(/\/+$/, '')
    this.path = base.endsWith(MESSAGES_PATH) ? base : base + MESSAGES_PATH
    this.headers = { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' }
    this.busy = new Uint8Array(o.connections)
    this.agent = new Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections })
  }

  /** The callback_url the messages asking for receipts carry (null before start() or without receipts). */
  get webhookUrl (): string | null { return this.callbackUrl }

  /**
   * Starts the webhook receiver (when the mix asks for receipts), then opens every connection
   * (a `GET /healthz` on each), so that connecting is not measured — as SMPP binds first.
   * Rejects with ConnectError when the server cannot be reached.
   */
  protected async connect (): Promise<void> {
    const o = this.options
    if (this.templates.some((t) => t.wantsReceipt)) {
      const server = createServer((req, res) => this.webhook(req, res))
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, o.webhookHost, () => { server.off('error', reject); resolve() })
      })
      this.receiver = server
      const host = o.webhookHost.includes(':') ? `[${o.webhookHost}]` : o.webhookHost
      this.callbackUrl = `http://${host}:${(server.address() as AddressInfo).port}/`
    }
    this.bodies = this.templates.map((t) => Buffer.from(JSON.stringify({
      to: o.destinationAddr,
      from: o.sourceAddr,
      text: messageText(t.kind),
      ...(t.wantsReceipt ? { callback_url: this.callbackUrl } : {})
    })))
    const opened = await Promise.allSettled(Array.from({ length: o.connections }, async () => await this.probe()))
    const failed = opened.find((r) => r.status === 'rejected')
    if (failed !== undefined) {
      const err = (failed as PromiseRejectedResult).reason as NodeJS.ErrnoException
      // Not close(): it waits for this very promise.
      await this.disconnect()
      throw new ConnectError(`cannot reach ${o.url}: ${err.code ?? err.message}`, { cause: err })
    }
  }

  protected async disconnect (): Promise<void> {
    this.agent.destroy()
    const server = this.receiver
    this.receiver = null
    if (server !== null) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }

  protected laneCount (): number { return this.busy.length }
  protected laneWindow (): number { return 1 }
  protected laneCanSend (lane: number): boolean { return this.busy[lane] === 0 }
  // A connection that drops is opened again by the agent: a lane never dies.
  protected laneClosed (_lane: number): boolean { return false }

  protected describe (): LoadTarget {
    return { protocol: 'http', target: this.options.url.replace(/\/+$/, ''), binds: this.options.connections, window: 1 }
  }

  protected transmit (lane: number, k: number, token: number): void {
    this.busy[lane] = 1
    const body = this.bodies[k]
    let settled = false
    const fail = (err: NodeJS.ErrnoException): void => {
      if (settled) return
      settled = true
      this.busy[lane] = 0
      this.onFailed(token, err instanceof InstradaError ? err.code : (err.code ?? err.name))
    }
    const req = request({
      agent: this.agent,
      hostname: this.hostname,
      port: this.port,
      path: this.path,
      method: 'POST',
      headers: { ...this.headers, 'content-length': String(body.length) }
    }, (res) => {
      const status = res.statusCode ?? 0
      const chunks = keepUpTo(res, MAX_RESPONSE_BODY)
      res.on('end', () => {
        if (settled) return
        settled = true
        this.busy[lane] = 0
        if (status < 200 || status > 299) { this.onRefused(token, `HTTP ${status}`); return }
        const m = firstMessage(chunks)
        if (m === null) this.onRefused(token, `HTTP ${status} without a message id`)
        else this.onAccepted(token, m.id, m.parts)
      })
      res.on('error', fail)
      // Closed before its end (the connection dropped mid-body).
      res.on('close', () => { if (!settled) fail(Object.assign(new Error('response cut short'), { code: 'ECONNRESET' })) })
    })
    req.setTimeout(this.options.requestTimeoutMs, () => req.destroy(new ResponseTimeoutError()))
    req.on('error', fail)
    req.end(body)
  }

  /** One GET /healthz on a connection of the agent: resolves on any answer, rejects on a transport error. */
  private async probe (): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const req = request({ agent: this.agent, hostname: this.hostname, port: this.port, path: '/healthz', method: 'GET' }, (res) => {
        res.resume()
        res.on('end', resolve)
        res.on('error', reject)
      })
      req.setTimeout(this.options.requestTimeoutMs, () => req.destroy(new ResponseTimeoutError()))
      req.on('error', reject)
      req.end()
    })
  }

  /** A webhook: answered 200 at once; a message.status event is a receipt for its data.id. */
  private webhook (req: IncomingMessage, res: ServerResponse): void {
    const chunks = keepUpTo(req, MAX_WEBHOOK_BODY)
    req.on('end', () => {
      const now = performance.now()
      res.writeHead(200, { 'content-length': '0' }).end()
      let event: { type?: unknown, data?: { id?: unknown, status?: unknown } } | null = null
      try { event = JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch {}
      const data = event?.data
      if (event?.type !== 'message.status' || data === null || typeof data !== 'object') {
        this.tracker.onOther()
        return
      }
      this.tracker.onReceipt(typeof data.id === 'string' ? data.id : undefined, typeof data.status === 'string' ? data.status : 'unknown', now)
      this.receiptArrived(now)
    })
  }
}

/** `messages[0]`'s id and parts from a 202 body, or null when it has no id. */
function firstMessage (chunks: Buffer[]): { id: string, parts: number } | null {
  let body: { messages?: Array<{ id?: unknown, parts?: unknown }> }
  try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch { return null }
  const m = Array.isArray(body?.messages) ? body.messages[0] : undefined
  if (m === undefined || m === null || typeof m.id !== 'string') return null
  return { id: m.id, parts: typeof m.parts === 'number' ? m.parts : -1 }
}

/** The chunks of a body as they arrive, up to `max` bytes (the rest is read and dropped). */
function keepUpTo (body: IncomingMessage, max: number): Buffer[] {
  const chunks: Buffer[] = []
  let size = 0
  body.on('data', (c: Buffer) => {
    size += c.length
    if (size <= max) chunks.push(c)
  })
  return chunks
}
