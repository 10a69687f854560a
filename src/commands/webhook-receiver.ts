// `instrada webhook-receiver`: a local endpoint that checks each webhook's signature and prints
// the event, one JSON line per request — to watch a receipt arrive (and to see what a customer's
// endpoint must do) without writing a server. Answers 204 to a good signature, 401 otherwise,
// so the router's retries can be watched too.

import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '../webhooks/index.js'

export const summary = 'print signed webhooks posted to a local port, checking each signature'

const USAGE = `usage: instrada webhook-receiver [--port 9000] [--host 127.0.0.1] [--secret s | --secret-env NAME] [--fail N]
  prints one JSON line per request: the event, and whether its Instrada-Signature verified
  --secret      the account's webhook secret (default: demo-webhook-secret, the demo account's)
  --fail N      answer the first N requests with 503 (to watch the router retry)
`

export async function run (argv: string[]): Promise<number> {
  const opts = parseArgs(argv)
  if (typeof opts === 'string') {
    process.stderr.write(opts === '' ? '' : `instrada webhook-receiver: ${opts}\n`)
    process.stdout.write(opts === '' ? USAGE : '')
    return opts === '' ? 0 : 2
  }
  const receiver = await startWebhookReceiver(opts, (line) => process.stdout.write(line + '\n'))
  process.stderr.write(`webhook receiver on http://${opts.host}:${receiver.port}/ (Ctrl-C to stop)\n`)
  await new Promise<void>((resolve) => {
    const stop = (): void => { void receiver.close().then(resolve) }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  return 0
}

export interface ReceiverOptions { port: number, host: string, secret: string, fail: number }

/** Listens and calls `print` with one JSON line per request; resolves once listening. */
export async function startWebhookReceiver (opts: ReceiverOptions, print: (line: string) => void): Promise<{ port: number, close: () => Promise<void> }> {
  let failLeft = opts.fail
  const server = createServer((req, res) => {
    readAll(req).then((body) => {
      const verified = verifyWebhookSignature(body, req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined, opts.secret)
      let event: unknown = body
      try { event = JSON.parse(body) } catch {}
      const failing = failLeft > 0
      if (failing) failLeft--
      const status = failing ? 503 : verified ? 204 : 401
      print(JSON.stringify({ at: new Date().toISOString(), path: req.url, event_id: req.headers[EVENT_ID_HEADER.toLowerCase()] ?? null, verified, answered: status, event }))
      res.writeHead(status).end()
    }, () => res.writeHead(400).end())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections() })
  }
}

/** The options, '' for --help, or a usage error. */
function parseArgs (argv: string[]): ReceiverOptions | string {
  const o: ReceiverOptions = { port: 9000, host: '127.0.0.1', secret: 'demo-webhook-secret', fail: 0 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') return ''
    const v = argv[i + 1]
    if (v === undefined) return `${a} needs a value`
    i++
    if (a === '--port' || a === '--fail') {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 0 || n > 65535) return `${a} must be an integer from 0 to 65535`
      if (a === '--port') o.port = n
      else o.fail = n
    } else if (a === '--host') o.host = v
    else if (a === '--secret') o.secret = v
    else if (a === '--secret-env') {
      const s = process.env[v]
      if (s === undefined || s === '') return `environment variable ${v} is not set`
      o.secret = s
    } else return `unknown option ${a}`
  }
  return o
}

async function readAll (req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > 1_048_576) throw new RangeError('body too large')
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
