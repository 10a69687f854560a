// The baseline of every end-to-end scenario: a trivial SMSC written with node-smpp
// (`smpp.createServer`) that accepts any bind, answers every submit_sm with a fresh id and sends
// its DELIVRD receipt at once on the same session. No routing, no storage, no checks: what a
// minimal Node SMPP server costs, to compare the router with.
// Run alone: npm run build && node dist/bench/baseline-smsc.js [--port 2775] [--host 127.0.0.1]
// It prints `baseline SMSC listening on <host>:<port>` once ready; SIGINT/SIGTERM stop it.

import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const smpp = createRequire(import.meta.url)('smpp') as any // eslint-disable-line @typescript-eslint/no-explicit-any

export interface BaselineSmsc {
  port: number
  /** submit_sm answered so far. */
  readonly submits: number
  close: () => Promise<void>
}

export async function startBaselineSmsc (port = 0, host = '127.0.0.1'): Promise<BaselineSmsc> {
  let n = 0
  const sessions = new Set<any>() // eslint-disable-line @typescript-eslint/no-explicit-any
  const server = smpp.createServer((session: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    sessions.add(session)
    session.on('close', () => sessions.delete(session))
    session.on('error', () => {})
    const bind = (pdu: any): void => session.send(pdu.response()) // eslint-disable-line @typescript-eslint/no-explicit-any
    session.on('bind_transceiver', bind)
    session.on('bind_transmitter', bind)
    session.on('bind_receiver', bind)
    session.on('submit_sm', (pdu: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const id = (++n).toString(16)
      session.send(pdu.response({ message_id: id }))
      if ((pdu.registered_delivery & 3) === 0) return
      session.deliver_sm({
        source_addr: pdu.destination_addr,
        destination_addr: pdu.source_addr,
        esm_class: 4,
        short_message: `id:${id} sub:001 dlvrd:001 submit date:2601010000 done date:2601010000 stat:DELIVRD err:000 text:`,
        receipted_message_id: id,
        message_state: 2
      })
    })
    session.on('enquire_link', (pdu: any) => session.send(pdu.response())) // eslint-disable-line @typescript-eslint/no-explicit-any
    session.on('unbind', (pdu: any) => { session.send(pdu.response()); session.close() }) // eslint-disable-line @typescript-eslint/no-explicit-any
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  let closing: Promise<void> | null = null
  return {
    port: server.address().port,
    get submits () { return n },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy()
        server.close(() => resolve())
      })
      return closing
    }
  }
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '2775' }, host: { type: 'string', default: '127.0.0.1' } } })
  const smsc = await startBaselineSmsc(Number(values.port), values.host)
  process.stdout.write(`baseline SMSC listening on ${values.host!}:${smsc.port}\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await smsc.close()
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(() => process.exit(0), (err) => { process.stderr.write(String(err?.stack ?? err) + '\n'); process.exit(1) })
}
