// A local webhook receiver (node:http on loopback) whose answer to each request is scripted,
// and a router with the HTTP API and fast webhook settings.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Test } from 'tap'
import { startApi, type Api } from '../http/helpers.js'
import type { SetupOptions } from '../router/helpers.js'

export const SECRET = 'whsec-test-0123456789'

export interface Received {
  n: number
  at: number
  path: string
  headers: IncomingMessage['headers']
  body: string
  json: any
  answered: number | 'hang'
}

/** What to do with request number n (1-based): a status code, or 'hang' (never answer). */
export type Script = (n: number, req: Received) => number | 'hang'

export class Receiver {
  readonly requests: Received[] = []
  private readonly server: Server
  private readonly hanging: ServerResponse[] = []
  script: Script
  port = 0

  constructor (script: Script = () => 200) {
    this.script = script
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        let json: unknown = null
        try { json = JSON.parse(body) } catch {}
        const r: Received = { n: this.requests.length + 1, at: Date.now(), path: req.url ?? '', headers: req.headers, body, json, answered: 200 }
        this.requests.push(r)
        const what = this.script(r.n, r)
        r.answered = what
        if (what === 'hang') { this.hanging.push(res); return }
        res.writeHead(what, { 'content-type': 'text/plain' }).end('ok')
      })
    })
  }

  async start (port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => resolve())
    })
    this.port = (this.server.address() as { port: number }).port
    return this.port
  }

  get url (): string { return `http://127.0.0.1:${this.port}/hooks` }

  async close (): Promise<void> {
    for (const res of this.hanging) res.destroy()
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
  }

  /** Requests of one event type. */
  of (type: string): Received[] {
    return this.requests.filter((r) => r.json?.type === type)
  }
}

export async function receiver (t: Test, script?: Script): Promise<Receiver> {
  const r = new Receiver(script)
  t.teardown(() => r.close())
  await r.start()
  return r
}

/** Fast sender settings for tests. */
export function webhooksSection (over = ''): string {
  return `webhooks: { timeout_ms: 300, poll_ms: 20, backoff: { base_ms: 40, max_ms: 160 }${over !== '' ? ', ' + over : ''} }`
}

export async function startWebhookApi (t: Test, demoWebhook: string, o: SetupOptions & { webhooks?: string } = {}): Promise<Api> {
  return await startApi(t, {
    ...o,
    extra: `${webhooksSection(o.webhooks ?? '')}\n${o.extra ?? ''}`,
    demo: `webhook: ${demoWebhook}\n${o.demo ?? ''}`
  })
}

/** A counter's value from the router's registry (0 when absent). */
export async function metric (api: Api, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await api.router.registry.getMetricsAsJSON()).find((x) => x.name === name)
  if (m === undefined) return 0
  let n = 0
  for (const v of m.values) {
    if (Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want)) n += v.value
  }
  return n
}
