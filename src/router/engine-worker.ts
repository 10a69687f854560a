// Worker-thread entry of an engine. Parses the same config text as the main thread and speaks
// the batched message protocol of host.ts: calls in, replies and outbox items out.

import { parentPort, workerData } from 'node:worker_threads'
import { parseConfigText, type ConfigOverlay } from '../config/instrada.js'
import { createLogger } from '../log.js'
import { Engine } from './engine.js'
import type { Inbound, Outbound } from './host.js'

interface Data { text: string, file: string, overlay: ConfigOverlay | null, index: number, of: number }

const port = parentPort!
const data = workerData as Data
const config = parseConfigText(data.text, data.file, data.overlay)
const engine = new Engine({ config, index: data.index, of: data.of, logger: createLogger({ level: config.log.level }) })

let out: Outbound[] = []
function post (m: Outbound): void {
  if (out.length === 0) setImmediate(flush)
  out.push(m)
}
function flush (): void {
  const batch = out
  out = []
  port.postMessage(batch)
}

engine.onOutbox = (item) => post({ t: 'outbox', item })
engine.onAdopt = (item) => post({ t: 'adopt', item })
engine.onAutoReply = (reply) => post({ t: 'autoReply', reply })

function reply (rid: number, p: Promise<unknown>): void {
  p.then((v) => post({ t: 'r', rid, v }), (err: unknown) => post({ t: 'r', rid, error: String((err as Error)?.message ?? err) }))
}

port.on('message', (batch: Inbound[]) => {
  // The accepts of a batch (one event-loop turn of the main thread: SMPP submits, an HTTP
  // request's recipients) are one store write with one promise, not one per message.
  let accepts: Array<Extract<Inbound, { t: 'accept' }>> | null = null
  for (const m of batch) {
    switch (m.t) {
      case 'accept': (accepts ??= []).push(m); break
      case 'acceptBulk': reply(m.rid, engine.acceptBulk(m.job)); break
      case 'query': reply(m.rid, engine.query(m.job)); break
      case 'cancel': reply(m.rid, engine.cancel(m.job)); break
      case 'get': reply(m.rid, engine.get(m.job)); break
      case 'replace': reply(m.rid, engine.replace(m.job)); break
      case 'delivered': engine.delivered(m.account, m.keys); break
      case 'undelivered': engine.undelivered(m.account, m.keys); break
      case 'drain': engine.drain(m.account); break
      case 'adopt': engine.adopt(m.item); break
      case 'reload': accepts = flushAccepts(accepts); reply(m.rid, engine.reload(parseConfigText(m.text, m.file, m.overlay))); break
      case 'metrics': reply(m.rid, engine.registry.getMetricsAsJSON()); break
      case 'close': accepts = flushAccepts(accepts); reply(m.rid, engine.close()); break
    }
  }
  flushAccepts(accepts)
})

/** Accepts go before a reload or close that came after them in the batch. */
function flushAccepts (ms: Array<Extract<Inbound, { t: 'accept' }>> | null): null {
  if (ms === null) return null
  engine.acceptMany(ms.map((m) => m.job)).then((replies) => {
    for (let i = 0; i < ms.length; i++) post({ t: 'r', rid: ms[i].rid, v: replies[i] })
  }, (err: unknown) => {
    const error = String((err as Error)?.message ?? err)
    for (const m of ms) post({ t: 'r', rid: m.rid, error })
  })
  return null
}

engine.start().then(() => post({ t: 'ready', slot: engine.slot }), (err: unknown) => {
  post({ t: 'failed', error: String((err as Error)?.stack ?? err) })
})
