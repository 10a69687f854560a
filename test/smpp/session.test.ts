// Session behaviour over real TCP: window, timeouts, keepalive, inactivity, unbind, backpressure.
import t, { type Test } from 'tap'
import type { SmppServerConfig } from '../../src/smpp/config.js'
import type { SmppServer } from '../../src/smpp/server.js'
import { connect } from 'node:net'
import { ResponseTimeoutError, SessionClosedError, WindowFullError } from '../../src/errors.js'
import { connectAndBind, type ConnectOptions } from '../../src/smpp/client.js'
import { encodePdu } from '../../src/smpp/pdu/codec.js'
import { CommandId, type RequestPdu, type SubmitSm } from '../../src/smpp/pdu/types.js'
import type { SmppSession } from '../../src/smpp/session.js'
import { bindPdu, RawPeer, sleep, startServer, submitPdu } from './helpers.js'

type Held = { session: SmppSession, pdu: RequestPdu }

/** A server whose handler holds every request until the test answers it. */
async function holdingServer (t: Test, config: Partial<SmppServerConfig> = {}): Promise<{ port: number, held: Held[], closes: string[], server: SmppServer }> {
  const held: Held[] = []
  const closes: string[] = []
  const { port, server } = await startServer(t, {
    config,
    handler: { onRequest (session, pdu) { held.push({ session, pdu }) }, onClosed (_s, reason) { closes.push(reason) } }
  })
  return { port, held, closes, server }
}

async function client (t: Test, port: number, extra: Partial<ConnectOptions> = {}): Promise<SmppSession> {
  const s = await connectAndBind({ port, systemId: 'demo', password: 'demopass', enquireLinkIntervalMs: 0, inactivityTimeoutMs: 0, ...extra })
  t.teardown(() => s.close())
  return s
}

const until = async (cond: () => boolean, ms = 2000): Promise<boolean> => {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await sleep(5)
  return cond()
}

t.test('full window: WindowFullError, canSend false, drain when a slot frees', async (t) => {
  const { port, held } = await holdingServer(t)
  const s = await client(t, port, { window: 2 })
  const p1 = s.requestAsync(submitPdu() as SubmitSm)
  const p2 = s.requestAsync(submitPdu() as SubmitSm)
  t.equal(s.windowAvailable, 0)
  t.equal(s.canSend(), false)
  await t.rejects(s.requestAsync(submitPdu() as SubmitSm), WindowFullError)
  await until(() => held.length === 2)
  const drained = new Promise<boolean>((resolve) => s.once('drain', () => resolve(true)))
  held[0].session.respond(held[0].pdu, 0, { messageId: 'a' })
  t.equal(await drained, true, "'drain' emitted")
  t.equal(s.canSend(), true)
  held[1].session.respond(held[1].pdu, 0x45)
  t.equal((await p1).commandStatus, 0)
  t.equal((await p2).commandStatus, 0x45, 'a non-OK status resolves, it does not reject')
})

t.test('waiting for a window slot, with its own timeout', async (t) => {
  const { port, held } = await holdingServer(t)
  const s = await client(t, port, { window: 1, windowWaitTimeoutMs: 300 })
  const p1 = s.requestAsync(submitPdu() as SubmitSm)
  const p2 = s.requestAsync(submitPdu() as SubmitSm)
  await until(() => held.length === 1)
  await sleep(50)
  t.equal(held.length, 1, 'second request waits for the slot')
  held[0].session.respond(held[0].pdu)
  await p1
  t.ok(await until(() => held.length === 2), 'sent once the slot freed')
  const started = Date.now()
  await t.rejects(s.requestAsync(submitPdu() as SubmitSm), WindowFullError, 'no slot within windowWaitTimeoutMs')
  t.ok(Date.now() - started >= 250)
  held[1].session.respond(held[1].pdu)
  await p2
})

t.test('response timeout, then the late response is counted', async (t) => {
  const { port, held } = await holdingServer(t)
  const s = await client(t, port, { requestTimeoutMs: 150 })
  const unmatched: boolean[] = []
  s.on('unmatched', (_r, late: boolean) => unmatched.push(late))
  const started = Date.now()
  await t.rejects(s.requestAsync(submitPdu() as SubmitSm), ResponseTimeoutError)
  t.ok(Date.now() - started >= 140, 'not before the timeout')
  t.ok(Date.now() - started < 600, 'not much after it')
  held[0].session.respond(held[0].pdu)
  held[0].session.respond({ ...held[0].pdu, sequenceNumber: 123456 } as RequestPdu)
  t.ok(await until(() => unmatched.length === 2))
  t.same(unmatched, [true, false])
  t.equal(s.lateResponses, 1)
  t.equal(s.unknownResponses, 1)
  const el = await s.requestAsync({ commandId: CommandId.EnquireLink, commandStatus: 0, sequenceNumber: 0 })
  t.equal(el.commandId, CommandId.EnquireLinkResp, 'session unaffected')
})

t.test('outstanding requests fail with SessionClosedError when the connection drops', async (t) => {
  const { port, held } = await holdingServer(t)
  const s = await client(t, port)
  const ps = [1, 2, 3].map(async () => await s.requestAsync(submitPdu() as SubmitSm))
  await until(() => held.length === 3)
  held[0].session.destroy('test')
  for (const p of ps) await t.rejects(p, SessionClosedError)
  t.equal(await s.closed, 'connection closed by peer')
})

t.test('enquire_link keepalive both ways; an unanswered one closes the session', async (t) => {
  const { port, server, closes } = await holdingServer(t, { enquireLinkIntervalMs: 100, requestTimeoutMs: 200 })
  const s = await client(t, port, { enquireLinkIntervalMs: 80 })
  await sleep(450)
  const [srv] = [...server.boundSessions()]
  t.ok(srv.framesIn >= 4, `client sent enquire_links (${srv.framesIn} frames at the server)`)
  t.notOk(s.isClosed, 'client still bound')

  const p = new RawPeer(port)
  t.teardown(() => p.close())
  p.send(bindPdu(9, 'demo', 'demopass'))
  const got = await p.waitFor(2, 1000)
  t.equal(got[1]?.commandId, CommandId.EnquireLink, 'server sends enquire_link to an idle client')
  t.ok(await p.whenClosed(1500), 'closed when the enquire_link goes unanswered')
  t.ok(await until(() => closes.includes('enquire_link unanswered')))
})

t.test('inactivity timeout and bind timeout close the connection', async (t) => {
  const { port, closes } = await holdingServer(t, { inactivityTimeoutMs: 250, bindTimeoutMs: 200 })
  const idle = new RawPeer(port)
  t.teardown(() => idle.close())
  idle.send(bindPdu(9, 'demo', 'demopass'))
  await idle.waitFor(1)
  const started = Date.now()
  t.ok(await idle.whenClosed(1500), 'idle bound client closed')
  t.ok(Date.now() - started >= 200)
  t.ok(await until(() => closes.includes('inactivity timeout')))
  const neverBinds = new RawPeer(port)
  t.teardown(() => neverBinds.close())
  await neverBinds.connected()
  t.ok(await neverBinds.whenClosed(1500), 'connection that never binds closed')
})

t.test('unbind handshake, client-initiated and server-initiated', async (t) => {
  const { port, server, closes } = await holdingServer(t)
  const a = await client(t, port)
  t.equal(await a.unbind(), 'unbound')
  t.ok(await until(() => closes.includes('unbound by peer')), 'server saw the peer unbind')

  const b = await client(t, port)
  const [srv] = [...server.boundSessions()]
  t.equal(await srv.unbind(), 'unbound', 'server-side unbind got its unbind_resp')
  t.equal(await b.closed, 'unbound by peer', 'client answered and closed')
  t.equal(server.sessionCount, 0)
})

t.test('an unanswered unbind closes after unbind_timeout_ms', async (t) => {
  const { port, server } = await holdingServer(t, { unbindTimeoutMs: 200 })
  const p = new RawPeer(port)
  t.teardown(() => p.close())
  p.send(bindPdu(9, 'demo', 'demopass'))
  await p.waitFor(1)
  const [srv] = [...server.boundSessions()]
  const started = Date.now()
  t.equal(await srv.unbind(), 'unbind timeout')
  t.ok(Date.now() - started >= 190 && Date.now() - started < 1000)
  t.equal((await p.waitFor(2))[1].commandId, CommandId.Unbind)
  t.ok(await p.whenClosed())
})

t.test('reading pauses while the peer does not read our responses', async (t) => {
  const { port, server } = await startServer(t)
  const sock = connect({ host: '127.0.0.1', port })
  t.teardown(() => sock.destroy())
  let bytesIn = 0
  sock.on('data', (c: Buffer) => { bytesIn += c.length })
  sock.write(encodePdu(bindPdu(9, 'demo', 'demopass')))
  await until(() => bytesIn > 0)
  sock.pause()
  const N = 1_000_000
  const one = encodePdu({ commandId: CommandId.EnquireLink, commandStatus: 0, sequenceNumber: 7 })
  const block = Buffer.concat(Array.from({ length: 4096 }, () => one))
  for (let sent = 0; sent < N; sent += 4096) sock.write(block.subarray(0, Math.min(4096, N - sent) * 16))
  const [srv] = [...server.boundSessions()]
  t.ok(await until(() => srv.socket.isPaused(), 15_000), 'server socket paused once its writes backed up')
  const stalled = srv.framesIn
  t.ok(stalled < N + 1, `server stopped reading (${stalled} of ${N + 1} frames read)`)
  await sleep(300)
  t.equal(srv.framesIn, stalled, 'no more frames read while paused')
  sock.resume()
  t.ok(await until(() => srv.framesIn === N + 1, 20_000), 'everything read once the peer reads again')
  t.ok(await until(() => bytesIn >= 16 * (N + 1), 20_000), `all ${N} responses arrived`)
})

t.test('a slot freed by a timeout starts a waiting request and emits drain', async (t) => {
  const { port, held } = await holdingServer(t)
  const s = await client(t, port, { window: 1, requestTimeoutMs: 150, windowWaitTimeoutMs: 1000 })
  const first = s.requestAsync(submitPdu() as SubmitSm)
  const second = s.requestAsync(submitPdu() as SubmitSm)
  t.equal(s.canSend(), false)
  const drained = new Promise<boolean>((resolve) => s.once('drain', () => resolve(true)))
  await t.rejects(first, ResponseTimeoutError)
  t.ok(await until(() => held.length === 2), 'the waiting request went out when the first timed out')
  held[1].session.respond(held[1].pdu)
  t.equal((await second).commandStatus, 0)
  t.equal(await drained, true)
})
