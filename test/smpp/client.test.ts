import t from 'tap'
import { connectAndBind } from '../../src/smpp/client.js'
import { BindError, InvalidStateError, SessionClosedError } from '../../src/errors.js'
import { CommandStatus } from '../../src/smpp/pdu/status.js'
import { CommandId, type SubmitSm, type SubmitSmResp } from '../../src/smpp/pdu/types.js'
import { SessionState } from '../../src/smpp/states.js'
import { account, startServer, submitPdu } from './helpers.js'

t.test('our client binds to our server, submits, enquires, unbinds', async (t) => {
  let n = 0
  const { server, port } = await startServer(t, {
    handler: { onRequest (s, pdu) { s.respond(pdu, 0, { messageId: 'm' + (++n) }) } }
  })
  for (const bindType of ['transmitter', 'receiver', 'transceiver'] as const) {
    const s = await connectAndBind({ port, systemId: 'demo', password: 'demopass', bindType })
    t.teardown(() => s.close())
    t.equal(s.state, bindType === 'transmitter' ? SessionState.BOUND_TX : bindType === 'receiver' ? SessionState.BOUND_RX : SessionState.BOUND_TRX, bindType)
    t.equal(s.systemId, 'instrada', 'server system_id from bind_resp')
    const el = await s.requestAsync({ commandId: CommandId.EnquireLink, commandStatus: 0, sequenceNumber: 0 })
    t.equal(el.commandId, CommandId.EnquireLinkResp)
    if (bindType !== 'receiver') {
      const r = await s.requestAsync(submitPdu() as SubmitSm) as SubmitSmResp
      t.equal(r.commandStatus, 0)
      t.match(r.messageId, /^m\d+$/)
    } else {
      await t.rejects(s.requestAsync(submitPdu() as SubmitSm), InvalidStateError, 'a receiver cannot submit')
    }
    t.equal(server.boundCount('demo'), 1)
    t.equal(await s.unbind(), 'unbound')
    t.equal(s.state, SessionState.CLOSED)
    await t.rejects(s.requestAsync(submitPdu() as SubmitSm), SessionClosedError)
  }
  const until = Date.now() + 2000
  while (server.sessionCount > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(server.sessionCount, 0, 'server dropped every session')
  t.equal(server.boundCount('demo'), 0)
})

t.test('refused binds reject with BindError carrying the status', async (t) => {
  const { port } = await startServer(t)
  const e1 = await connectAndBind({ port, systemId: 'demo', password: 'wrong' }).catch((e: unknown) => e)
  t.ok(e1 instanceof BindError)
  t.equal((e1 as BindError).status, CommandStatus.ESME_RINVPASWD)
  const e2 = await connectAndBind({ port, systemId: 'nobody', password: 'x' }).catch((e: unknown) => e)
  t.equal((e2 as BindError).status, CommandStatus.ESME_RINVSYSID)
  const e3 = await connectAndBind({ port: 1, systemId: 'demo', password: 'demopass' }).catch((e: unknown) => e)
  t.ok(e3 instanceof BindError, 'connection refused is a BindError too')
  t.equal((e3 as BindError).status, 0)
})

t.test('bind timeout when the server never answers', async (t) => {
  const { createServer } = await import('node:net')
  const silent = createServer((sock) => { sock.on('data', () => {}) })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => silent.close(() => resolve())))
  const port = (silent.address() as { port: number }).port
  const started = Date.now()
  const err = await connectAndBind({ port, systemId: 'demo', password: 'demopass', bindTimeoutMs: 200 }).catch((e: unknown) => e)
  t.ok(err instanceof BindError)
  t.ok(Date.now() - started < 1500)
  silent.getConnections(() => {})
})

t.test('deliver_sm from the server reaches the client handler', async (t) => {
  const acct = await account('rx', 'rxpass')
  const { server, port } = await startServer(t, { accounts: [acct] })
  const got: string[] = []
  const s = await connectAndBind({
    port, systemId: 'rx', password: 'rxpass', bindType: 'receiver',
    handler: { onRequest (sess, pdu) { if (pdu.commandId === CommandId.DeliverSm) got.push(pdu.shortMessage.toString()); sess.respond(pdu) } }
  })
  t.teardown(() => s.close())
  const [srv] = [...server.boundSessions()]
  const deliver = { ...submitPdu(0, 'mo text'), commandId: CommandId.DeliverSm } as unknown as SubmitSm
  const resp = await srv.requestAsync(deliver as never)
  t.equal(resp.commandId, CommandId.DeliverSmResp)
  t.equal(resp.commandStatus, 0)
  t.same(got, ['mo text'])
})
