// The HTTP listener: routing by method and path, the body size limit, JSON in and out, bearer
// authentication, and the one error shape. Handlers are plain async functions of a Request
// returning a Reply or an ApiError; they never touch the socket.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../log.js'
import { counter, histogram, type Registry } from '../metrics.js'
import type { ApiKeyAuth, Principal } from './auth.js'
import { ApiError, NOT_FOUND_ROUTE } from './errors.js'

export interface Request {
  method: string
  path: string
  /** Path parameters by name (`/v1/messages/{id}` → `id`). */
  params: Record<string, string>
  /** The query string's parameters (empty when there is none). */
  query: URLSearchParams
  headers: IncomingMessage['headers']
  /** The peer's address, as the socket has it (`::ffff:` form for IPv4 on a dual-stack listener). */
  ip: string
  /** The raw body (empty for GET). */
  raw: Buffer
  /** The parsed JSON body (undefined for GET and DELETE). */
  body: unknown
  principal: Principal | null
}

export interface Reply {
  status: number
  /** Serialised as JSON unless `text` is set. */
  body?: unknown
  text?: string
  contentType?: string
  headers?: Record<string, string>
  /** Written chunk by chunk (no Content-Length); `trailers` are read once it is done. */
  stream?: AsyncIterable<string>
  trailers?: () => Record<string, string>
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** A path with `{name}` segments, as in the OpenAPI document. */
  path: string
  /**
   * 'account': an account's API key is required; 'admin': the admin key (account keys get 403);
   * 'none': open (health, metrics, the spec).
   */
  auth: 'account' | 'admin' | 'none'
  /** What a POST body must be: JSON (the default) or application/x-www-form-urlencoded. */
  body?: 'json' | 'form'
  handle: (req: Request) => Promise<Reply | ApiError>
}

export interface HttpListenOptions {
  host: string
  port: number
  bodyLimitBytes: number
}

interface Compiled { route: Route, re: RegExp, names: string[] }

export class HttpServer {
  private server: Server | null = null
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private readonly compiled: Compiled[]
  private readonly requests
  private readonly latency
  readonly closed: Promise<void>
  private markClosed!: () => void

  constructor (
    private readonly opts: HttpListenOptions,
    routes: readonly Route[],
    private readonly auth: ApiKeyAuth,
    private readonly log: Logger,
    registry: Registry
  ) {
    this.compiled = routes.map((route) => {
      const names: string[] = []
      const re = new RegExp('^' + route.path.replace(/\{(\w+)\}/g, (_m, n: string) => { names.push(n); return '([^/]+)' }) + '$')
      return { route, re, names }
    })
    this.requests = counter(registry, 'instrada_http_requests_total', 'HTTP API requests by route and status', ['route', 'status'])
    this.latency = histogram(registry, 'instrada_http_request_seconds', 'HTTP API request → response', [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1])
    this.closed = new Promise((resolve) => { this.markClosed = resolve })
  }

  get port (): number { return (this.server?.address() as AddressInfo | null)?.port ?? 0 }

  /** The routes served, for the OpenAPI check. */
  get routes (): Route[] { return this.compiled.map((c) => c.route) }

  start (): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      const server = createServer((req, res) => { this.serve(req, res) })
      this.server = server
      server.once('error', reject)
      server.listen(this.opts.port, this.opts.host, () => { server.off('error', reject); resolve() })
    })
    return this.starting
  }

  close (): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => {})
      const server = this.server
      if (server !== null) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
      }
      this.markClosed()
    })()
    return this.closing
  }

  private serve (req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now()
    const method = req.method ?? 'GET'
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q < 0 ? url : url.slice(0, q)
    let found: Compiled | null = null
    let params: Record<string, string> = {}
    let allowed: string[] = []
    for (const c of this.compiled) {
      const m = c.re.exec(path)
      if (m === null) continue
      if (c.route.method !== method) { allowed.push(c.route.method); continue }
      const p = pathParams(c.names, m)
      if (p === null) break // malformed %-escapes: no such resource
      found = c
      params = p
      break
    }
    const label = found?.route.path ?? 'unmatched'
    const done = (r: Reply | ApiError): void => {
      this.send(res, r)
      this.requests.inc({ route: label, status: String(r.status) })
      this.latency.observe((performance.now() - started) / 1000)
    }
    if (found === null) {
      req.resume()
      if (allowed.length > 0) {
        allowed = [...new Set(allowed)]
        done(new ApiError(405, 'method_not_allowed', null, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path} (allowed: ${allowed.join(', ')})`))
      } else done(NOT_FOUND_ROUTE(method, path))
      return
    }
    const route = found.route
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1))
    this.handle(route, req, method, path, params, query).then(done, (err: unknown) => {
      this.log.error({ err, route: route.path }, 'HTTP handler failed')
      done(new ApiError(500, 'internal', null, 'INTERNAL', 'internal error'))
    })
  }

  private async handle (route: Route, req: IncomingMessage, method: string, path: string, params: Record<string, string>, query: URLSearchParams): Promise<Reply | ApiError> {
    let principal: Principal | null = null
    const ip = req.socket.remoteAddress ?? ''
    if (route.auth !== 'none') {
      const p = await this.auth.identify(req.headers.authorization)
      if (p instanceof ApiError) {
        req.resume()
        if (p.status === 401) await this.auth.failed(ip)
        return p
      }
      if (route.auth === 'account' && p.kind !== 'account') { req.resume(); return new ApiError(403, 'forbidden', 'Authorization', 'ACCOUNT_KEY_REQUIRED', 'this endpoint needs an account API key, not the admin key') }
      if (route.auth === 'admin' && p.kind !== 'admin') { req.resume(); return new ApiError(403, 'forbidden', 'Authorization', 'ADMIN_KEY_REQUIRED', 'this endpoint needs the admin key, not an account API key') }
      const denied = p.kind === 'account' ? this.auth.checkAddress(p.account, ip) : null
      if (denied !== null) { req.resume(); return denied }
      principal = p
    }
    let raw = EMPTY
    let body: unknown
    if (method === 'POST' && route.body === 'form') {
      if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
        req.resume()
        return new ApiError(415, 'unsupported_media_type', 'Content-Type', 'NOT_FORM', 'the body must be a form (Content-Type: application/x-www-form-urlencoded)')
      }
      const read = await readBody(req, this.opts.bodyLimitBytes)
      if (read === null) return new ApiError(413, 'body_too_large', null, 'BODY_TOO_LARGE', `the body is larger than ${this.opts.bodyLimitBytes} bytes`)
      raw = read
      body = new URLSearchParams(raw.toString('utf8'))
    } else if ((method === 'POST' || method === 'PATCH') && !(bodyless(req) && req.headers['content-type'] === undefined)) {
      // (A POST without a body — an action such as …/suspend — needs no Content-Type.)
      const type = req.headers['content-type'] ?? ''
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        req.resume()
        return new ApiError(415, 'unsupported_media_type', 'Content-Type', 'NOT_JSON', 'the body must be JSON (Content-Type: application/json)')
      }
      const read = await readBody(req, this.opts.bodyLimitBytes)
      if (read === null) return new ApiError(413, 'body_too_large', null, 'BODY_TOO_LARGE', `the body is larger than ${this.opts.bodyLimitBytes} bytes`)
      raw = read
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch (err) {
        return new ApiError(400, 'invalid_request', null, 'INVALID_JSON', `the body is not valid JSON: ${(err as Error).message}`)
      }
    } else req.resume()
    return await route.handle({ method, path, params, query, headers: req.headers, ip, raw, body, principal })
  }

  private send (res: ServerResponse, r: Reply | ApiError): void {
    let text: string
    let type = 'application/json'
    const headers: Record<string, string> = {}
    if (r instanceof ApiError) {
      text = JSON.stringify({ error: r })
      // An oversized body is dropped, never buffered; the connection goes after this answer.
      if (r.status === 413) headers.connection = 'close'
      if (r.status === 401) headers['www-authenticate'] = 'Bearer'
    } else {
      if (r.headers !== undefined) Object.assign(headers, r.headers)
      if (r.stream !== undefined) { this.stream(res, r, headers); return }
      if (r.text !== undefined) { text = r.text; type = r.contentType ?? 'text/plain; charset=utf-8' } else text = JSON.stringify(r.body)
    }
    headers['content-type'] = type
    headers['content-length'] = String(Buffer.byteLength(text))
    res.writeHead(r.status, headers).end(text)
  }

  /** A streamed answer: chunked, paced by the socket; a failure mid-way cuts the connection. */
  private stream (res: ServerResponse, r: Reply, headers: Record<string, string>): void {
    headers['content-type'] = r.contentType ?? 'text/plain; charset=utf-8'
    res.writeHead(r.status, headers)
    void (async () => {
      for await (const chunk of r.stream!) {
        if (res.destroyed) return
        if (!res.write(chunk)) await new Promise((resolve) => { res.once('drain', resolve); res.once('close', resolve) })
      }
      if (r.trailers !== undefined) res.addTrailers(r.trailers())
      res.end()
    })().catch((err: unknown) => {
      this.log.error({ err }, 'HTTP stream failed')
      res.destroy()
    })
  }
}

const EMPTY: Buffer = Buffer.alloc(0)

function bodyless (req: IncomingMessage): boolean {
  const len = req.headers['content-length']
  return len === '0' || (len === undefined && req.headers['transfer-encoding'] === undefined)
}

function pathParams (names: string[], m: RegExpExecArray): Record<string, string> | null {
  const params: Record<string, string> = {}
  try {
    for (let i = 0; i < names.length; i++) params[names[i]] = decodeURIComponent(m[i + 1])
  } catch {
    return null
  }
  return params
}

/** The body, or null when it exceeds `limit` (checked against Content-Length first). */
async function readBody (req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? -1)
  if (declared > limit) { req.resume(); return null }
  return await new Promise<Buffer | null>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (c: Buffer) => {
      if (over) return
      size += c.length
      // Answered at once; the rest is read and dropped until the connection closes after the 413.
      if (size > limit) { over = true; chunks.length = 0; resolve(null); return }
      chunks.push(c)
    })
    req.on('end', () => resolve(over ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
