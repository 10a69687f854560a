import t from 'tap'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { CommandStatus as St } from '../../src/smpp/pdu/status.js'
import { CommandId, type BindTransceiverResp, type SubmitSm } from '../../src/smpp/pdu/types.js'
import { account, bindPdu, RawPeer, startServer, submitPdu } from './helpers.js'

async function bindStatus (port: number, cmd: 1 | 2 | 9, systemId: string, password: string): Promise<number> {
  const p = new RawPeer(port)
  await p.connected()
  p.send(bindPdu(cmd, systemId, password))
  const [r] = await p.waitFor(1)
  p.close()
  return r?.commandStatus ?? -1
}

t.test('bind rules and their statuses', async (t) => {
  const accounts = [
    await account('demo', 'demopass'),
    await account('txonly', 'txpass', { bindTypes: ['transmitter'] }),
    await account('one', 'onepass', { maxBinds: 1 }),
    await account('lan', 'lanpass', { allowedIps: ['10.0.0.0/8', 'fd00::/8'] }),
    await account('local', 'localpw', { allowedIps: ['127.0.0.0/8'] })
  ]
  const { port, server } = await startServer(t, { accounts })
  t.equal(await bindStatus(port, 9, 'demo', 'wrong'), St.ESME_RINVPASWD, 'wrong password 0x0E')
  t.equal(await bindStatus(port, 9, 'nobody', 'demopass'), St.ESME_RINVSYSID, 'unknown system_id 0x0F')
  t.equal(await bindStatus(port, 9, 'txonly', 'txpass'), St.ESME_RBINDFAIL, 'bind type not allowed 0x0D')
  t.equal(await bindStatus(port, 2, 'txonly', 'txpass'), St.ESME_ROK, 'allowed bind type')
  t.equal(await bindStatus(port, 9, 'lan', 'lanpass'), St.ESME_RBINDFAIL, 'source IP not allowed 0x0D')
  t.equal(await bindStatus(port, 1, 'local', 'localpw'), St.ESME_ROK, 'source IP allowed')

  const first = new RawPeer(port)
  t.teardown(() => first.close())
  first.send(bindPdu(9, 'one', 'onepass'))
  t.equal((await first.waitFor(1))[0].commandStatus, St.ESME_ROK)
  t.equal(server.boundCount('one'), 1)
  t.equal(await bindStatus(port, 9, 'one', 'onepass'), St.ESME_RBINDFAIL, 'over max_binds 0x0D')

  first.send(bindPdu(9, 'one', 'onepass', 2))
  const second = (await first.waitFor(2))[1]
  t.equal(second.commandStatus, St.ESME_RALYBND, 'second bind on the same connection 0x05')
  t.equal(second.sequenceNumber, 2)
  first.close()
  await first.whenClosed()
  const until = Date.now() + 2000
  while (server.boundCount('one') > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(await bindStatus(port, 9, 'one', 'onepass'), St.ESME_ROK, 'slot freed when the first session closed')
})

t.test('commands in the wrong state get ESME_RINVBNDSTS', async (t) => {
  const { port } = await startServer(t, { handler: { onRequest (s, pdu) { s.respond(pdu) } } })
  const p = new RawPeer(port)
  t.teardown(() => p.close())
  p.send(submitPdu(1))
  t.equal((await p.waitFor(1))[0].commandStatus, St.ESME_RINVBNDSTS, 'submit before bind')
  p.send(bindPdu(1, 'demo', 'demopass', 2))
  t.equal((await p.waitFor(2))[1].commandStatus, St.ESME_ROK)
  p.send(submitPdu(3))
  const r = (await p.waitFor(3))[2]
  t.same([r.commandId, r.commandStatus, r.sequenceNumber], [CommandId.SubmitSmResp, St.ESME_RINVBNDSTS, 3], 'submit on a receiver bind')
  p.send({ ...submitPdu(4), commandId: CommandId.DeliverSm } as never)
  const d = (await p.waitFor(4))[3]
  t.same([d.commandId, d.commandStatus], [CommandId.DeliverSmResp, St.ESME_RINVBNDSTS], 'an ESME may not send deliver_sm')
  p.send({ commandId: CommandId.EnquireLink, commandStatus: 0, sequenceNumber: 5 })
  t.equal((await p.waitFor(5))[4].commandStatus, St.ESME_ROK, 'enquire_link answered by the session')
})

t.test('the default handler answers submits with ESME_RSYSERR; Kannel quirks accepted', async (t) => {
  const { port } = await startServer(t)
  const p = new RawPeer(port)
  t.teardown(() => p.close())
  p.send({ ...bindPdu(9, 'demo', 'demopass'), systemType: 'VMA', interfaceVersion: 0x33 } as never)
  const b = (await p.waitFor(1))[0] as BindTransceiverResp
  t.equal(b.commandStatus, St.ESME_ROK, 'system_type VMA, interface_version 0x33')
  t.equal(b.tlvs, null, 'no sc_interface_version TLV for a 3.3 client')
  p.send({ ...submitPdu(2), esmClass: 0x03, registeredDelivery: 0x11 } as SubmitSm)
  const r = (await p.waitFor(2))[1]
  t.same([r.commandId, r.commandStatus, r.sequenceNumber], [CommandId.SubmitSmResp, St.ESME_RSYSERR, 2])

  const q = new RawPeer(port)
  t.teardown(() => q.close())
  q.send({ ...bindPdu(9, 'demo', 'demopass'), interfaceVersion: 0x34 } as never)
  const b2 = (await q.waitFor(1))[0] as BindTransceiverResp
  t.equal(b2.tlvs?.scInterfaceVersion, 0x34, 'sc_interface_version for a 3.4 client')
})

t.test('repeated auth failures from one address are slowed down, capped', async (t) => {
  const { port } = await startServer(t, { config: { authFailureDelayMs: 60, authFailureDelayMaxMs: 200 } })
  const times: number[] = []
  for (let i = 0; i < 4; i++) {
    const started = Date.now()
    t.equal(await bindStatus(port, 9, 'demo', 'nope'), St.ESME_RINVPASWD)
    times.push(Date.now() - started)
  }
  t.ok(times[0] >= 55, `first failure delayed (${times[0]} ms)`)
  t.ok(times[1] >= 115, `second failure delayed more (${times[1]} ms)`)
  t.ok(times[2] >= 195 && times[3] >= 195, `capped at 200 ms (${times[2]}, ${times[3]} ms)`)
  t.ok(times[3] < 1000, 'cap holds')
  const started = Date.now()
  t.equal(await bindStatus(port, 9, 'demo', 'demopass'), St.ESME_ROK)
  t.ok(Date.now() - started < 150, 'a correct bind is not delayed')
})

t.test('binds and failures are logged without the password, and counted', async (t) => {
  const lines: string[] = []
  const sink = new Writable({ write (chunk, _enc, cb) { lines.push(String(chunk)); cb() } })
  const { port, registry } = await startServer(t, { logger: pino({ level: 'info' }, sink) })
  t.equal(await bindStatus(port, 9, 'demo', 'demopass'), St.ESME_ROK)
  t.equal(await bindStatus(port, 9, 'demo', 'Xs3cr3tX'), St.ESME_RINVPASWD)
  t.equal(await bindStatus(port, 9, 'ghost', 'Xs3cr3tX'), St.ESME_RINVSYSID)
  await new Promise((resolve) => setTimeout(resolve, 50))
  const log = lines.join('')
  t.match(log, /"msg":"bound"/)
  t.match(log, /"result":"invalid_password"/)
  t.notMatch(log, /demopass|Xs3cr3tX/, 'no password in the log')
  const text = await registry.metrics()
  t.match(text, /smpp_binds_total\{system_id="demo",result="ok"\} 1/)
  t.match(text, /smpp_binds_total\{system_id="demo",result="invalid_password"\} 1/)
  t.match(text, /smpp_binds_total\{system_id="\(unknown\)",result="invalid_system_id"\} 1/)
  t.notMatch(text, /ghost/, 'unknown system_ids do not become labels')
})

t.test('server close unbinds bound sessions and is idempotent', async (t) => {
  const { port, server } = await startServer(t)
  const p = new RawPeer(port)
  t.teardown(() => p.close())
  p.send(bindPdu(9, 'demo', 'demopass'))
  await p.waitFor(1)
  const c1 = server.close()
  t.equal(server.close(), c1, 'same promise twice')
  const [, unbind] = await p.waitFor(2)
  t.equal(unbind.commandId, CommandId.Unbind, 'the server sends unbind')
  p.send({ commandId: CommandId.UnbindResp, commandStatus: 0, sequenceNumber: unbind.sequenceNumber })
  await c1
  t.ok(await p.whenClosed(), 'connection closed')
  t.equal(server.sessionCount, 0)
})

t.test('optional TLS listener', async (t) => {
  const { spawnSync } = await import('node:child_process')
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { connectAndBind } = await import('../../src/smpp/client.js')
  const dir = mkdtempSync(join(tmpdir(), 'instrada-tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' })
  if (gen.status !== 0) { t.fail(`openssl could not make a test certificate: ${gen.stderr}`); return }
  const { server } = await startServer(t, { config: { tls: { host: '127.0.0.1', port: 0, cert, key } } })
  t.ok(server.tlsPort > 0)
  const { readFileSync } = await import('node:fs')
  const s = await connectAndBind({ port: server.tlsPort, systemId: 'demo', password: 'demopass', tls: { ca: readFileSync(cert) }, enquireLinkIntervalMs: 0 })
  t.teardown(() => s.close())
  t.equal(s.systemId, 'instrada', 'bound over TLS')
  const el = await s.requestAsync({ commandId: CommandId.EnquireLink, commandStatus: 0, sequenceNumber: 0 })
  t.equal(el.commandId, CommandId.EnquireLinkResp)
  t.equal(await s.unbind(), 'unbound')
})
