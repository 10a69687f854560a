// The control endpoint (node:http, meant for loopback): read counters and recent messages, inject MO,
// reset, reload profiles, look numbers up in the HLR, and scrape /metrics. JSON in, JSON out.
//
//   GET  /status                          counters per carrier, per bind and per outcome
//   GET  /messages?carrier=&limit=        the last N messages, text decoded
//   GET  /messages/assembled?carrier=     concatenated messages reassembled from their parts
//   GET  /hlr/<msisdn>?carrier=           HLR answer for a number
//   POST /mo       {carrier?, system_id?, from, to, text, long_mo?, reverse?}
//   POST /reset    {carrier?}
//   POST /reload   (re-reads the config file; a bad file changes nothing: 400 with the reason)
//   GET  /metrics                         prom-client text format

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { InstradaError } from '../errors.js'
import type { Simulator } from './simulator.js'
import type { LongMoMode } from './profile.js'

const MAX_BODY = 1 << 20

class HttpError extends InstradaError {
  readonly status: number
  constructor (status: number, message: string) {
    super(message) // the generic INS_ERR code: the HTTP status says what went wrong
    this.name = 'HttpError'
    this.status = status
  }
}

export class ControlServer {
  readonly closed: Promise<void>
  private readonly sim: Simulator
  private readonly host: string
  private readonly wantPort: number
  private server: Server | null = null
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private resolveClosed!: () => void

  constructor (sim: Simulator, host: string, port: number) {
    this.sim = sim
    this.host = host
    this.wantPort = port
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve })
  }

  get port (): number { return (this.server?.address() as AddressInfo | null)?.port ?? 0 }

  start (): Promise<void> {
    if (this.starting === null) {
      this.starting = new Promise((resolve, reject) => {
        const server = createServer((req, res) => { this.serve(req, res).catch((err: unknown) => this.fail(res, err)) })
        this.server = server
        server.once('error', reject)
        server.listen(this.wantPort, this.host, () => { server.off('error', reject); resolve() })
      })
    }
    return this.starting
  }

  close (): Promise<void> {
    if (this.closing === null) {
      this.closing = (async () => {
        await this.starting?.catch(() => {})
        const s = this.server
        if (s !== null) {
          await new Promise<void>((resolve) => { s.close(() => resolve()); s.closeAllConnections() })
        }
        this.resolveClosed()
      })()
    }
    return this.closing
  }

  private async serve (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const path = url.pathname.replace(/\/+$/, '') || '/'
    const carrier = url.searchParams.get('carrier') ?? undefined
    const method = req.method ?? 'GET'
    if (method === 'GET' && path === '/status') return this.json(res, 200, this.sim.status())
    if (method === 'GET' && path === '/messages') {
      const limit = intParam(url.searchParams.get('limit'), 100)
      return this.json(res, 200, { messages: this.sim.carrier(carrier).recent.view(limit) })
    }
    if (method === 'GET' && path === '/messages/assembled') {
      return this.json(res, 200, { messages: this.sim.carrier(carrier).recent.assembled() })
    }
    if (method === 'GET' && path.startsWith('/hlr/')) {
      return this.json(res, 200, this.sim.carrier(carrier).hlr.lookup(decodeURIComponent(path.slice(5))))
    }
    if (method === 'GET' && path === '/metrics') {
      const text = await this.sim.registry.metrics()
      res.writeHead(200, { 'content-type': this.sim.registry.contentType })
      res.end(text)
      return
    }
    if (method === 'POST' && path === '/mo') {
      const b = await body(req)
      const from = str(b, 'from', true)!
      const to = str(b, 'to', true)!
      const text = str(b, 'text', true)!
      const longMo = (str(b, 'long_mo', false) ?? this.sim.carrier(str(b, 'carrier', false) ?? carrier).profile.handsets.longMo) as LongMoMode
      if (!['udh8', 'udh16', 'sar', 'payload'].includes(longMo)) throw new HttpError(400, 'long_mo must be udh8, udh16, sar or payload')
      const name = str(b, 'carrier', false) ?? carrier
      const systemId = str(b, 'system_id', false)
      const c = this.sim.carrier(name)
      if (systemId !== null && !c.profile.accounts.some((a) => a.systemId === systemId)) throw new HttpError(400, `carrier ${c.name} has no account '${systemId}'`)
      const reverse = b.reverse
      if (reverse !== undefined && typeof reverse !== 'boolean') throw new HttpError(400, 'reverse must be true or false')
      const parts = this.sim.injectMo(name, { systemId, from, to, text, longMo, reverse: reverse === true })
      return this.json(res, 202, { carrier: c.name, parts })
    }
    if (method === 'POST' && path === '/reset') {
      const b = await body(req)
      const name = str(b, 'carrier', false) ?? carrier
      if (name !== undefined) this.sim.carrier(name)
      this.sim.reset(name)
      return this.json(res, 200, { reset: name ?? 'all' })
    }
    if (method === 'POST' && path === '/reload') {
      await body(req)
      this.sim.reload()
      return this.json(res, 200, { reloaded: this.sim.carrierNames })
    }
    throw new HttpError(404, `no route ${method} ${path}`)
  }

  private json (res: ServerResponse, status: number, value: unknown): void {
    const text = JSON.stringify(value)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  private fail (res: ServerResponse, err: unknown): void {
    if (res.headersSent) { res.destroy(); return }
    const status = err instanceof HttpError ? err.status : err instanceof InstradaError ? 400 : 500
    const e = err as { message?: string, code?: string }
    this.json(res, status, { error: e.message ?? String(err), code: e.code ?? 'INS_ERR' })
  }
}

function intParam (v: string | null, fallback: number): number {
  if (v === null) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, 'limit must be a non-negative integer')
  return n
}

function str (b: Record<string, unknown>, key: string, required: boolean): string | null {
  const v = b[key]
  if (v === undefined || v === null) {
    if (required) throw new HttpError(400, `${key} is required`)
    return null
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new HttpError(400, `${key} must be a string`)
  return String(v)
}

async function body (req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > MAX_BODY) throw new HttpError(413, 'body too large')
    chunks.push(c as Buffer)
  }
  if (size === 0) return {}
  let v: unknown
  try { v = JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch { throw new HttpError(400, 'body must be JSON') }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'body must be a JSON object')
  return v as Record<string, unknown>
}
