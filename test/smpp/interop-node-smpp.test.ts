// node-smpp (the independent peer) against our server, and our client against a node-smpp server.
import t from 'tap'
import { createRequire } from 'node:module'
import { connectAndBind } from '../../src/smpp/client.js'
import { CommandStatus as St } from '../../src/smpp/pdu/status.js'
import type { SubmitSm, SubmitSmResp } from '../../src/smpp/pdu/types.js'
import { startServer, submitPdu } from './helpers.js'

// node-smpp ships no types; loaded through require so this file type-checks without them.
const smpp = createRequire(import.meta.url)('smpp') as any // eslint-disable-line @typescript-eslint/no-explicit-any

type NodePdu = { command: string, command_status: number, sequence_number: number, message_id?: string, system_id?: string }

function nodeSession (port: number): Promise<any> {
  return new Promise((resolve, reject) => {
    const s = smpp.connect({ url: `smpp://127.0.0.1:${port}` }, () => resolve(s))
    s.on('error', reject)
  })
}
const call = (s: any, cmd: string, fields: object = {}): Promise<NodePdu> =>
  new Promise((resolve) => s[cmd](fields, (pdu: NodePdu) => resolve(pdu)))

t.test('node-smpp binds all three ways, enquires, submits, unbinds', async (t) => {
  const { port, server } = await startServer(t)
  for (const bind of ['bind_transmitter', 'bind_receiver', 'bind_transceiver']) {
    const s = await nodeSession(port)
    t.teardown(() => s.destroy())
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()))
    const b = await call(s, bind, { system_id: 'demo', password: 'demopass', system_type: 'VMA', interface_version: 0x34 })
    t.same([b.command, b.command_status, b.system_id], [bind + '_resp', 0, 'instrada'], bind)
    const el = await call(s, 'enquire_link')
    t.same([el.command, el.command_status], ['enquire_link_resp', 0])
    const sub = await call(s, 'submit_sm', { source_addr: '39333', destination_addr: '39334', short_message: 'hello' })
    t.equal(sub.command, 'submit_sm_resp')
    t.equal(sub.command_status, bind === 'bind_receiver' ? St.ESME_RINVBNDSTS : St.ESME_RSYSERR,
      bind === 'bind_receiver' ? 'a receiver may not submit' : 'no application handler: ESME_RSYSERR, not silence')
    const ub = await call(s, 'unbind')
    t.same([ub.command, ub.command_status], ['unbind_resp', 0])
    await closed
  }
  const wrong = await nodeSession(port)
  t.teardown(() => wrong.destroy())
  const w = await call(wrong, 'bind_transceiver', { system_id: 'demo', password: 'nope' })
  t.equal(w.command_status, St.ESME_RINVPASWD)
  wrong.destroy()
  const end = Date.now() + 2000
  while (server.sessionCount > 0 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(server.sessionCount, 0)
})

t.test('node-smpp submits get the application handler\'s answer; the server unbinds node-smpp', async (t) => {
  let n = 0
  const { port, server } = await startServer(t, { handler: { onRequest (s, pdu) { s.respond(pdu, 0, { messageId: `id${++n}` }) } } })
  const s = await nodeSession(port)
  t.teardown(() => s.destroy())
  await call(s, 'bind_transceiver', { system_id: 'demo', password: 'demopass' })
  const rs = await Promise.all(Array.from({ length: 50 }, async (_, i) => await call(s, 'submit_sm', { destination_addr: '39' + i, short_message: 'm' + i })))
  t.same(new Set(rs.map((r) => r.message_id)).size, 50, '50 distinct message ids')
  t.ok(rs.every((r) => r.command_status === 0))
  // node-smpp never answers unbind by itself: the test plays its part.
  s.on('unbind', (pdu: any) => { s.send(pdu.response()); s.close() })
  await server.close()
  t.equal(server.sessionCount, 0)
})

t.test('our client against a node-smpp server', async (t) => {
  const srv = smpp.createServer((session: any) => {
    session.on('bind_transceiver', (pdu: any) => session.send(pdu.response({ system_id: 'nodesmsc' })))
    session.on('submit_sm', (pdu: any) => session.send(pdu.response({ message_id: 'n-' + pdu.sequence_number })))
    session.on('enquire_link', (pdu: any) => session.send(pdu.response()))
    session.on('unbind', (pdu: any) => { session.send(pdu.response()); session.close() })
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => srv.close(() => resolve())))
  const port = srv.address().port as number
  const c = await connectAndBind({ port, systemId: 'demo', password: 'demopass', enquireLinkIntervalMs: 0 })
  t.teardown(() => c.close())
  t.equal(c.systemId, 'nodesmsc')
  const r = await c.requestAsync(submitPdu(0, 'hi') as SubmitSm) as SubmitSmResp
  t.same([r.commandStatus, r.messageId], [0, 'n-' + r.sequenceNumber])
  t.equal(await c.unbind(), 'unbound')
})
