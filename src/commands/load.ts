// `instrada load`: the load generator against any SMPP server (ours, a carrier, a simulator), or
// with --http against Instrada's HTTP API (POST /v1/messages, receipts as webhooks).

import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { argError } from '../load/args.js'
import { formatResult, HTTP_LOAD_DEFAULTS, HttpLoadGenerator, LOAD_DEFAULTS, LoadGenerator, parseMix, type CommonLoadOptions } from '../load/index.js'

export const summary = 'generate SMPP or HTTP load (binds/connections, open or closed loop) and report latency and throughput'

const d = LOAD_DEFAULTS
const h = HTTP_LOAD_DEFAULTS
const HELP = `usage: instrada load [options]             SMPP: submit_sm on transceiver binds
       instrada load --http <url> [options]  HTTP: POST <url>/v1/messages

SMPP:
  --host <addr>         server (default ${d.host})
  --port <n>            (default ${d.port})
  --system-id <id>      (default ${d.systemId})
  --password <pw>       (default ${d.password})
  --binds <n>           transceiver binds (default ${d.binds})
  --window <n>          unanswered submit_sm per bind (default ${d.window})
HTTP:
  --http <url>          the API's base URL, e.g. ${h.url}: load it over HTTP instead of SMPP
  --api-key <key>       sent as Authorization: Bearer (default ${h.apiKey})
  --connections <n>     keep-alive connections, each with one request in flight (default ${h.connections})
  --webhook-host <addr> where the receipt webhook receiver listens (port chosen by the system);
                        the callback_url names it, so the router must reach it (default ${h.webhookHost})
Both:
  --rate <msg/s>        open loop at this offered rate over all binds (connections); 0 = closed
                        loop, as fast as the windows allow (default 0). Open-loop latency counts
                        from the intended send time, so a stall shows as latency, not as a lower rate.
  --count <n>           stop after n messages (0 = no limit)
  --seconds <s>         stop sending after s seconds (default ${d.seconds}; 0 = no limit)
  --warmup <s>          not measured (default 0)
  --mix <spec>          kinds short, long (3 parts), ucs2, ucs2long (3 parts) with weights, and
                        the share asking for receipts: e.g. short=7,long=2,ucs2=1,receipts=0.5
                        (default short=1,receipts=1). Over HTTP a receipt is a message.status
                        webhook to the generator's own receiver (the request's callback_url).
  --from <addr>         source_addr / from (default ${d.sourceAddr})
  --to <number>         destination_addr / to (default ${d.destinationAddr})
  --receipt-wait <ms>   after the last response, wait this long for receipts (default ${d.receiptWaitMs})
  --json <file>         also write the result as JSON

A run is bounded by --count, --seconds or both. Prints throughput, latency percentiles (HDR
histograms) for submit→resp and submit→receipt, refusals by command_status (HTTP: by status,
\`HTTP 429\`) and transport failures by error code.`

const SMPP_ONLY = ['host', 'port', 'system-id', 'password', 'binds', 'window'] as const
const HTTP_ONLY = ['api-key', 'connections', 'webhook-host'] as const

export async function run (argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'system-id': { type: 'string' },
      password: { type: 'string' },
      binds: { type: 'string' },
      window: { type: 'string' },
      http: { type: 'string' },
      'api-key': { type: 'string' },
      connections: { type: 'string' },
      'webhook-host': { type: 'string' },
      rate: { type: 'string' },
      count: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      mix: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'receipt-wait': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help === true) {
    process.stdout.write(HELP + '\n')
    return 0
  }
  const num = (key: string, v: string | undefined, dflt: number): number => {
    if (v === undefined) return dflt
    const n = Number(v)
    if (v.trim() === '' || !Number.isFinite(n)) throw argError(`--${key}`, `'${v}' is not a number`)
    return n
  }
  const http = values.http !== undefined
  // An option of the other protocol would be silently ignored: refuse it instead.
  for (const k of http ? SMPP_ONLY : HTTP_ONLY) {
    if (values[k] !== undefined) throw argError(`--${k}`, http ? 'is an SMPP option; not with --http' : 'is an HTTP option; give --http <url> too')
  }
  const common: CommonLoadOptions = {
    rate: num('rate', values.rate, d.rate),
    count: num('count', values.count, d.count),
    seconds: num('seconds', values.seconds, d.seconds),
    warmupSeconds: num('warmup', values.warmup, d.warmupSeconds),
    mix: values.mix === undefined ? d.mix : parseMix(values.mix),
    sourceAddr: values.from ?? d.sourceAddr,
    destinationAddr: values.to ?? d.destinationAddr,
    receiptWaitMs: num('receipt-wait', values['receipt-wait'], d.receiptWaitMs),
    requestTimeoutMs: d.requestTimeoutMs
  }
  const gen = http
    ? new HttpLoadGenerator({
      ...common,
      url: values.http,
      apiKey: values['api-key'] ?? h.apiKey,
      connections: num('connections', values.connections, h.connections),
      webhookHost: values['webhook-host'] ?? h.webhookHost
    })
    : new LoadGenerator({
      ...common,
      host: values.host ?? d.host,
      port: num('port', values.port, d.port),
      systemId: values['system-id'] ?? d.systemId,
      password: values.password ?? d.password,
      binds: num('binds', values.binds, d.binds),
      window: num('window', values.window, d.window)
    })
  const stop = (): void => { gen.close().catch(() => {}) }
  process.once('SIGINT', stop)
  try {
    const result = await gen.run()
    process.stdout.write(formatResult(result))
    if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(result, null, 2) + '\n')
    return 0
  } finally {
    process.off('SIGINT', stop)
  }
}
