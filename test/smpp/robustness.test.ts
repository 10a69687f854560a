// Raw sockets feeding the server what real networks and broken clients send.
import t, { type Test } from 'tap'
import { encodePdu } from '../../src/smpp/pdu/codec.js'
import { CommandStatus as St } from '../../src/smpp/pdu/status.js'
import { CommandId } from '../../src/smpp/pdu/types.js'
import { bindPdu, RawPeer, sleep, startServer, submitPdu } from './helpers.js'

function header (length: number, commandId: number, status: number, seq: number): Buffer {
  const b = Buffer.alloc(16)
  b.writeUInt32BE(length, 0); b.writeUInt32BE(commandId, 4); b.writeUInt32BE(status, 8); b.writeUInt32BE(seq, 12)
  return b
}
const cstr = (s: string): Buffer => Buffer.from(s + '\0', 'latin1')
const enquire = (seq: number): Buffer => encodePdu({ commandId: CommandId.EnquireLink, commandStatus: 0, sequenceNumber: seq })

async function bound (t: Test, port: number): Promise<RawPeer> {
  const p = new RawPeer(port)
  t.teardown(() => p.close())
  p.send(bindPdu(9, 'demo', 'demopass'))
  const [r] = await p.waitFor(1)
  t.equal(r.commandStatus, St.ESME_ROK, 'bound')
  return p
}

t.test('garbage and absurd command_length close the connection at once', async (t) => {
  const { port, registry } = await startServer(t, { config: { maxPduSize: 4096 } })
  const http = new RawPeer(port)
  t.teardown(() => http.close())
  http.send(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
  t.ok(await http.whenClosed(1000), 'an HTTP request is not an SMPP PDU: closed')
  t.equal(http.received.length, 0, 'nothing answered')

  const huge = new RawPeer(port)
  t.teardown(() => huge.close())
  await huge.connected()
  huge.send(header(0xfffffff0, CommandId.SubmitSm, 0, 1))
  const started = Date.now()
  t.ok(await huge.whenClosed(1000), 'command_length 0xfffffff0: closed')
  t.ok(Date.now() - started < 500, 'without waiting for the body')

  const short = new RawPeer(port)
  t.teardown(() => short.close())
  short.send(header(8, CommandId.EnquireLink, 0, 1))
  t.ok(await short.whenClosed(1000), 'command_length below the header size: closed')

  const justOver = await bound(t, port)
  justOver.send(header(4097, CommandId.SubmitSm, 0, 2))
  t.ok(await justOver.whenClosed(1000), 'one octet over max_pdu_size: closed')
  t.match(await registry.metrics(), /smpp_frame_errors_total 4/)
})

t.test('unknown command id → generic_nack ESME_RINVCMDID, connection kept', async (t) => {
  const { port } = await startServer(t)
  const p = await bound(t, port)
  p.send(header(16, 0x00000077, 0, 42))
  const [, nack] = await p.waitFor(2)
  t.same([nack.commandId, nack.commandStatus, nack.sequenceNumber], [CommandId.GenericNack, St.ESME_RINVCMDID, 42])
  p.send(enquire(43))
  const [, , el] = await p.waitFor(3)
  t.same([el.commandId, el.sequenceNumber], [CommandId.EnquireLinkResp, 43], 'still answering')
})

t.test('bad lengths and bad fields inside a well-framed PDU', async (t) => {
  const { port } = await startServer(t, { handler: { onRequest (s, pdu) { s.respond(pdu, 0, { messageId: 'ok' }) } } })
  const p = await bound(t, port)
  // enquire_link with 4 stray octets: the length disagrees with the (empty) body.
  p.send(Buffer.concat([header(20, CommandId.EnquireLink, 0, 5), Buffer.alloc(4)]))
  const r1 = (await p.waitFor(2))[1]
  t.same([r1.commandId, r1.commandStatus, r1.sequenceNumber], [CommandId.GenericNack, St.ESME_RINVCMDLEN, 5], 'generic_nack ESME_RINVCMDLEN')
  // submit_sm cut off after the destination address.
  const cut = Buffer.concat([cstr(''), Buffer.from([1, 1]), cstr('39333'), Buffer.from([1, 1]), cstr('39334')])
  p.send(Buffer.concat([header(16 + cut.length, CommandId.SubmitSm, 0, 6), cut]))
  const r2 = (await p.waitFor(3))[2]
  t.same([r2.commandId, r2.commandStatus, r2.sequenceNumber], [CommandId.GenericNack, St.ESME_RINVCMDLEN, 6], 'truncated body')
  // submit_sm whose source_addr has no NUL within 21 octets.
  const body = Buffer.concat([cstr(''), Buffer.from([1, 1]), cstr('1'.repeat(25)), Buffer.from([1, 1]), cstr('39333'), Buffer.from([0, 0, 0]),
    cstr(''), cstr(''), Buffer.from([0, 0, 0, 0, 5]), Buffer.from('hello')])
  p.send(Buffer.concat([header(16 + body.length, CommandId.SubmitSm, 0, 7), body]))
  const r3 = (await p.waitFor(4))[3]
  t.same([r3.commandId, r3.commandStatus, r3.sequenceNumber], [CommandId.SubmitSmResp, St.ESME_RINVSRCADR, 7], 'submit_sm_resp with the field status')
  p.send(submitPdu(8))
  const r4 = (await p.waitFor(5))[4]
  t.same([r4.commandId, r4.commandStatus, r4.sequenceNumber], [CommandId.SubmitSmResp, St.ESME_ROK, 8], 'the session goes on')
})

t.test('a PDU split across 1-byte writes, and a partial PDU', async (t) => {
  const { port } = await startServer(t)
  const p = new RawPeer(port)
  t.teardown(() => p.close())
  await p.connected()
  p.socket.setNoDelay(true)
  const bytes = encodePdu(bindPdu(9, 'demo', 'demopass'))
  for (const byte of bytes) {
    p.socket.write(Buffer.from([byte]))
    await sleep(1)
  }
  const [r] = await p.waitFor(1)
  t.same([r.commandId, r.commandStatus], [CommandId.BindTransceiverResp, St.ESME_ROK], `bind in ${bytes.length} single-octet writes`)
  const el = enquire(2)
  p.socket.write(el.subarray(0, 10))
  await sleep(100)
  t.equal(p.received.length, 1, 'half a PDU: no answer yet, connection open')
  t.notOk(p.closed)
  p.socket.write(el.subarray(10))
  t.equal((await p.waitFor(2))[1].commandId, CommandId.EnquireLinkResp, 'answered once complete')
})

t.test('100 PDUs in one write, answered in order', async (t) => {
  const { port } = await startServer(t, { handler: { onRequest (s, pdu) { s.respond(pdu, 0, { messageId: String(pdu.sequenceNumber) }) } } })
  const p = new RawPeer(port)
  t.teardown(() => p.close())
  const pdus = [encodePdu(bindPdu(2, 'demo', 'demopass', 1))]
  for (let i = 2; i <= 101; i++) pdus.push(i % 2 === 0 ? encodePdu(submitPdu(i)) : enquire(i))
  p.send(Buffer.concat(pdus))
  const got = await p.waitFor(101)
  t.equal(got.length, 101)
  t.same(got.map((x) => x.sequenceNumber), Array.from({ length: 101 }, (_, i) => i + 1))
  t.same(got.filter((x) => x.commandStatus !== 0).map((x) => [x.commandId, x.commandStatus]), [])
  t.ok(p.bytesIn > 0)
})

t.test('unknown responses from the client are counted, not fatal', async (t) => {
  const { port, registry } = await startServer(t)
  const p = await bound(t, port)
  p.send({ commandId: CommandId.DeliverSmResp, commandStatus: 0, sequenceNumber: 999, messageId: '' })
  p.send(enquire(3))
  const [, el] = await p.waitFor(2)
  t.equal(el.commandId, CommandId.EnquireLinkResp)
  t.match(await registry.metrics(), /smpp_unmatched_responses_total\{kind="unknown"\} 1/)
})
