import t from 'tap'
import { nodeSmppClient, ourClient, startSim, submitPdu, until, receiptText } from './helpers.js'
import { defaultSimulatorConfig, Simulator } from '../../src/sim/index.js'
import { connectAndBind, CommandId, type SubmitSmResp, type DataSm } from '../../src/smpp/index.js'

t.test('the zero-config carrier: sim/simpass, everything DELIVRD within a few ms (our client)', async (t) => {
  const cfg = defaultSimulatorConfig()
  cfg.carriers[0].port = 0
  const sim = new Simulator(cfg)
  t.teardown(async () => await sim.close())
  await sim.start()
  const c = await ourClient(t, sim.port())
  const ids: string[] = []
  const sentAt = Date.now()
  for (let i = 0; i < 50; i++) {
    const r = await c.session.requestAsync(submitPdu('3933312345' + i, 'hello ' + i)) as SubmitSmResp
    t.equal(r.commandStatus, 0)
    ids.push(r.messageId)
  }
  t.ok(await until(() => c.delivers.length === 50), 'a receipt for each')
  t.ok(Date.now() - sentAt < 1000, 'quickly')
  t.same(c.delivers.map((d) => d.tlvs?.receiptedMessageId).sort(), ids.sort(), 'receipts name the submitted ids')
  t.ok(c.delivers.every((d) => /stat:DELIVRD err:000/.test(receiptText(d))))
})

t.test('node-smpp binds as transceiver, gets hex ids and DELIVRD receipts, including for 0x11', async (t) => {
  const sim = await startSim(t)
  const c = await nodeSmppClient(t, sim.port())
  const r1 = await c.submit({ destination_addr: '393331112222', short_message: 'Ciao', registered_delivery: 1 })
  const r2 = await c.submit({ destination_addr: '393331112223', short_message: 'Kannel style', registered_delivery: 0x11 })
  t.equal(r1.command_status, 0)
  t.match(r1.message_id, /^[0-9a-f]+$/)
  t.ok(await until(() => c.delivers.length === 3), 'final + ENROUTE + final')
  const forR2 = c.delivers.filter((d) => d.receipted_message_id === r2.message_id)
  t.same(forR2.map((d) => d.message_state), [1, 2], 'ENROUTE then DELIVERED for registered_delivery 0x11')
  t.same(forR2.map((d) => d.esm_class), [0x20, 0x04])
})

t.test('receipts go to the submitting system_id: transmitter + receiver binds, round robin', async (t) => {
  const sim = await startSim(t, `carriers:
  - name: sim
    port: 0
    accounts:
      - { system_id: alice, password: a1 }
      - { system_id: bob, password: b1 }
`)
  const tx = await ourClient(t, sim.port(), { systemId: 'alice', password: 'a1', bindType: 'transmitter' })
  const rx1 = await ourClient(t, sim.port(), { systemId: 'alice', password: 'a1', bindType: 'receiver' })
  const rx2 = await ourClient(t, sim.port(), { systemId: 'alice', password: 'a1', bindType: 'receiver' })
  const bob = await ourClient(t, sim.port(), { systemId: 'bob', password: 'b1', bindType: 'transceiver' })
  for (let i = 0; i < 20; i++) await tx.session.requestAsync(submitPdu('39' + i, 'x'))
  t.ok(await until(() => rx1.delivers.length + rx2.delivers.length === 20))
  t.equal(rx1.delivers.length, 10, 'round robin over the receivers')
  t.equal(rx2.delivers.length, 10)
  t.equal(tx.delivers.length, 0, 'not to the transmitter')
  t.equal(bob.delivers.length, 0, 'not to another account')
})

t.test('receipts wait for a receiver to bind (bounded queue)', async (t) => {
  const sim = await startSim(t)
  const tx = await ourClient(t, sim.port(), { bindType: 'transmitter' })
  for (let i = 0; i < 5; i++) await tx.session.requestAsync(submitPdu('39' + i, 'x'))
  t.ok(await until(() => sim.carrier().delivery.queued === 5), 'queued while nobody receives')
  const rx = await ourClient(t, sim.port(), { bindType: 'receiver' })
  t.ok(await until(() => rx.delivers.length === 5), 'delivered on bind')
})

t.test('bad credentials are refused with the right status', async (t) => {
  const sim = await startSim(t)
  await t.rejects(connectAndBind({ port: sim.port(), systemId: 'sim', password: 'wrong' }), { name: 'BindError', status: 0x0e })
  await t.rejects(connectAndBind({ port: sim.port(), systemId: 'nobody', password: 'x' }), { name: 'BindError', status: 0x0f })
})

t.test('data_sm is accepted and receipted like submit_sm', async (t) => {
  const sim = await startSim(t)
  const c = await ourClient(t, sim.port())
  const pdu: DataSm = {
    commandId: CommandId.DataSm, commandStatus: 0, sequenceNumber: 0, serviceType: '', sourceAddrTon: 1, sourceAddrNpi: 1,
    sourceAddr: '393330000001', destAddrTon: 1, destAddrNpi: 1, destinationAddr: '393330000002', esmClass: 0,
    registeredDelivery: 1, dataCoding: 0, tlvs: { messagePayload: Buffer.from('payload text') }
  }
  const r = await c.session.requestAsync(pdu)
  t.equal(r.commandId, CommandId.DataSmResp)
  t.equal(r.commandStatus, 0)
  t.ok(await until(() => c.delivers.length === 1))
  t.match(receiptText(c.delivers[0]), /stat:DELIVRD .*text:payload text$/)
})

t.test('submit_multi: one id, a receipt per destination, unsuccess for refused ones', async (t) => {
  const sim = await startSim(t)
  const c = await ourClient(t, sim.port())
  const r = await c.session.requestAsync({
    ...submitPdu('', 'multi'),
    commandId: CommandId.SubmitMulti,
    destinations: [
      { kind: 'sme', ton: 1, npi: 1, addr: '393330000010' },
      { kind: 'sme', ton: 1, npi: 1, addr: '99901000' },
      { kind: 'sme', ton: 1, npi: 1, addr: '99911000' },
      { kind: 'list', name: 'friends' }
    ]
  } as any)
  t.equal(r.commandStatus, 0)
  const resp = r as any
  t.same(resp.unsuccess.map((u: any) => [u.addr, u.errorStatusCode]), [['99911000', 0x0b], ['friends', 0x34]])
  t.ok(await until(() => c.delivers.length === 2))
  t.same(c.delivers.map((d) => d.tlvs?.receiptedMessageId), [resp.messageId, resp.messageId])
  t.same(c.delivers.map((d) => /stat:(\w+)/.exec(receiptText(d))![1]).sort(), ['DELIVRD', 'UNDELIV'])
})

t.test('several carriers in one simulator, each with its own port, accounts and id format', async (t) => {
  const sim = await startSim(t, `carriers:
  - name: it
    port: 0
    accounts: [{ system_id: it, password: itpw }]
    message_id: { format: decimal, start: 1000 }
  - name: world
    port: 0
    accounts: [{ system_id: w, password: wpw }]
    message_id: { format: hex, start: 4096 }
`)
  t.not(sim.port('it'), sim.port('world'))
  const it = await ourClient(t, sim.port('it'), { systemId: 'it', password: 'itpw' })
  const w = await ourClient(t, sim.port('world'), { systemId: 'w', password: 'wpw' })
  t.equal((await it.session.requestAsync(submitPdu('39', 'x')) as SubmitSmResp).messageId, '1000')
  t.equal((await w.session.requestAsync(submitPdu('44', 'x')) as SubmitSmResp).messageId, '1000')
  await t.rejects(connectAndBind({ port: sim.port('it'), systemId: 'w', password: 'wpw' }), { name: 'BindError', status: 0x0f }, 'accounts are per carrier')
})

t.test('close is idempotent and start after close fails', async (t) => {
  const sim = await startSim(t)
  const p1 = sim.close()
  t.equal(sim.close(), p1, 'same promise twice')
  await p1
  await t.rejects(sim.start(), { code: 'INS_ERR_CLOSED' })
})

t.test('a port already in use fails start() with the reason, and close() still works', async (t) => {
  const sim = await startSim(t)
  const cfg = defaultSimulatorConfig()
  cfg.carriers[0].port = sim.port()
  const second = new Simulator(cfg)
  t.teardown(async () => await second.close())
  await t.rejects(second.start(), { code: 'EADDRINUSE' })
  await second.close()
})
