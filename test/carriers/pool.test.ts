import t from 'tap'
import { CarrierPool, FailureClass } from '../../src/carriers/index.js'
import { ClosedError } from '../../src/errors.js'
import { CommandId, type DataSm, type DeliverSm } from '../../src/smpp/pdu/types.js'
import { carrierConfig, collector, metric, part, sendAll, sleep, startPool, startSim, until, waitEvent } from './helpers.js'

t.test('the pool binds N sessions, stays up, and rotates submits over them', async (t) => {
  const sim = await startSim(t)
  const { pool, registry } = await startPool(t, carrierConfig(sim.port(), { binds: 3, enquireLinkIntervalMs: 100 }))
  t.ok(await until(() => pool.bindsUp === 3), 'three binds up')
  t.equal(sim.carrier().links.size, 3, 'the carrier sees three binds')
  await sleep(350)
  t.ok(pool.up, 'still up after several enquire_link intervals')
  t.equal(sim.carrier().links.size, 3)
  t.equal(await metric(registry, 'instrada_carrier_binds_up', { carrier: 'up1' }), 3)

  const c = collector()
  await sendAll(pool, Array.from({ length: 30 }, () => part()), c)
  t.ok(await until(() => c.settled === 30), 'every part answered')
  const perLink = [...sim.carrier().links].map((ls) => ls.submits)
  t.same(perLink, [10, 10, 10], 'round robin over the binds')
})

t.test('an accepted part comes back with the carrier message id', async (t) => {
  const sim = await startSim(t)
  const { pool, registry } = await startPool(t, carrierConfig(sim.port()))
  const c = collector()
  await sendAll(pool, [part({ destination: '393331111111' }), part({ destination: '393332222222' })], c)
  t.ok(await until(() => c.settled === 2))
  const ids = sim.carrier().recent.view().map((v) => v.id)
  t.same(c.outcomes.map((o) => (o?.ok === true ? o.carrierMessageId : null)), ids, 'ids as the carrier issued them')
  t.equal(await metric(registry, 'instrada_carrier_submits_total', { carrier: 'up1', result: 'ok' }), 2)
  t.equal(pool.inFlight, 0)
})

t.test('carrier statuses become classified outcomes', async (t) => {
  const sim = await startSim(t)
  const { pool } = await startPool(t, carrierConfig(sim.port()))
  const c = collector()
  // Simulator test patterns: 99911 → 0x0B, 99908 → 0x08, 99958 → 0x58.
  await sendAll(pool, [part({ destination: '99911000' }), part({ destination: '99908000' }), part({ destination: '99958000' })], c)
  t.ok(await until(() => c.settled === 3))
  t.match(c.outcomes[0], { ok: false, status: 0x0b, failure: FailureClass.Permanent })
  t.match(c.outcomes[1], { ok: false, status: 0x08, failure: FailureClass.Temporary })
  t.match(c.outcomes[2], { ok: false, status: 0x58, failure: FailureClass.Throttled })
})

t.test('source TON/NPI follow the sender kind and the carrier settings', async (t) => {
  const sim = await startSim(t)
  const { pool } = await startPool(t, carrierConfig(sim.port(), {}, 'alpha_ton: 5\nalpha_npi: 0\nnumeric_ton: 2\nnumeric_npi: 9\nregistered_delivery: 1'))
  // The carrier's receipt is addressed back to the submit's source, with its TON/NPI.
  const receipts: DeliverSm[] = []
  pool.on('deliver', (pdu, ack) => { if (pdu.commandId === CommandId.DeliverSm) receipts.push(pdu); ack(0) })
  const c = collector()
  await sendAll(pool, [part({ sender: 'Instrada', senderKind: 'alpha' }), part({ sender: '393331234567', senderKind: 'numeric' })], c)
  t.ok(await until(() => receipts.length === 2))
  const bySender = new Map(receipts.map((r) => [r.destinationAddr, r]))
  t.match(bySender.get('Instrada'), { destAddrTon: 5, destAddrNpi: 0, sourceAddrTon: 1, sourceAddrNpi: 1 })
  t.match(bySender.get('393331234567'), { destAddrTon: 2, destAddrNpi: 9 })
})

for (const method of ['udh8', 'udh16', 'sar'] as const) {
  t.test(`concatenated parts with ${method} reassemble at the carrier`, async (t) => {
    const sim = await startSim(t)
    const { pool } = await startPool(t, carrierConfig(sim.port(), {}, `concat: ${method}`))
    const texts = ['A'.repeat(150) + 'a', 'B'.repeat(150) + 'b', 'C'.repeat(20)]
    const c = collector()
    await sendAll(pool, [
      ...texts.map((txt, i) => part({ messageId: 'long', part: i, total: 3, ref: 0x1234, body: Buffer.from(txt, 'latin1') })),
      part({ messageId: 'short', body: Buffer.from('single', 'latin1') })
    ], c)
    t.ok(await until(() => c.settled === 4))
    t.ok(c.outcomes.every((o) => o?.ok === true), 'all accepted')
    const recent = sim.carrier().recent
    const views = recent.view()
    const parts = views.filter((v) => v.part !== null)
    t.equal(parts.length, 3)
    t.same(parts.map((v) => v.part), [1, 2, 3].map((seq) => ({ ref: method === 'udh8' ? 0x34 : 0x1234, total: 3, seq, via: method })))
    const whole = recent.assembled()
    t.equal(whole.length, 1)
    t.ok(whole[0].complete)
    t.equal(whole[0].text, texts.join(''), 'text reassembled in order')
    const single = views.find((v) => v.part === null)
    t.equal(single?.text, 'single', 'a single-part message gets no concat header')
  })
}

t.test('a customer-made UDH goes as is', async (t) => {
  const sim = await startSim(t)
  const { pool } = await startPool(t, carrierConfig(sim.port(), {}, 'concat: sar'))
  const body = Buffer.concat([Buffer.from([0x05, 0x00, 0x03, 0x77, 0x02, 0x02]), Buffer.from('tail', 'latin1')])
  const c = collector()
  await sendAll(pool, [part({ esmClass: 0x40, body })], c)
  t.ok(await until(() => c.settled === 1))
  const v = sim.carrier().recent.view()[0]
  t.same(v.part, { ref: 0x77, total: 2, seq: 2, via: 'udh8' })
  t.equal(v.text, 'tail')
})

t.test('backpressure: a full window makes dispatch return false, then drain follows', async (t) => {
  const sim = await startSim(t, 'faults:\n  slow_response_rate: 1\n  slow_response_latency: 150')
  const { pool } = await startPool(t, carrierConfig(sim.port(), { window: 5 }))
  const c = collector()
  let sent = 0
  while (sent < 20 && pool.dispatch(part(), c.cb, sent)) sent++
  t.equal(sent, 5, 'window of 5 fills')
  t.equal(pool.canDispatch(), false)
  t.equal(pool.inFlight, 5)
  t.equal(await waitEvent(pool, ['drain'], 2000), 'drain', 'drain after responses free the window')
  t.ok(pool.canDispatch())
  t.ok(pool.dispatch(part(), c.cb, sent++))
  t.ok(await until(() => c.settled === 6))
})

t.test('backpressure: the TPS limit pushes back and drain follows', async (t) => {
  const sim = await startSim(t)
  const { pool } = await startPool(t, carrierConfig(sim.port(), { tps: 4 }))
  const c = collector()
  let sent = 0
  while (sent < 20 && pool.dispatch(part(), c.cb, sent)) sent++
  t.equal(sent, 4, 'a burst of one second of tokens')
  const before = Date.now()
  t.equal(await waitEvent(pool, ['drain'], 2000), 'drain')
  t.ok(Date.now() - before >= 150, 'drain waits for the next token')
  t.ok(pool.dispatch(part(), c.cb, sent++))
  t.ok(await until(() => c.settled === 5))
})

t.test('receipts arrive as deliver; deliver_sm_resp goes only on ack', async (t) => {
  // The carrier's deliver window is 1: it sends the next receipt only after our deliver_sm_resp.
  const sim = await startSim(t, 'window: 1')
  const { pool } = await startPool(t, carrierConfig(sim.port()))
  const got: Array<{ pdu: DeliverSm | DataSm, ack: (s: number) => void }> = []
  pool.on('deliver', (pdu, ack) => { got.push({ pdu, ack }) })
  const c = collector()
  await sendAll(pool, [part(), part(), part()], c)
  t.ok(await until(() => got.length === 1), 'first receipt')
  await sleep(150)
  t.equal(got.length, 1, 'no second receipt while the first is unacknowledged')
  got[0].ack(0)
  got[0].ack(0) // a second ack does nothing
  t.ok(await until(() => got.length === 2), 'the ack released the next one')
  await sleep(100)
  t.equal(got.length, 2)
  got[1].ack(0x64)
  t.ok(await until(() => got.length === 3))
  got[2].ack(0)
  const ids = c.outcomes.map((o) => (o?.ok === true ? o.carrierMessageId : ''))
  t.ok(got.every((g) => (g.pdu.esmClass & 0x04) !== 0), 'marked as receipts')
  t.same(got.map((g) => g.pdu.tlvs?.receiptedMessageId).sort(), ids.sort(), 'receipted ids are the carrier ids')
  t.ok(await until(() => [...sim.carrier().links][0].deliverErrors === 1), 'the status we ack with reaches the carrier')
})

t.test('without a deliver listener, the carrier is told to try again later', async (t) => {
  const sim = await startSim(t)
  const { pool } = await startPool(t, carrierConfig(sim.port()))
  const c = collector()
  await sendAll(pool, [part()], c)
  t.ok(await until(() => [...sim.carrier().links][0].deliverErrors === 1), 'deliver_sm answered with an error, not silently accepted')
})

t.test('transmitter+receiver mode binds both kinds; MO and receipts come through the receivers', async (t) => {
  const sim = await startSim(t)
  const { pool } = await startPool(t, carrierConfig(sim.port(), { bindMode: 'transmitter+receiver', binds: 2 }))
  t.ok(await until(() => pool.bindsUp === 4))
  const links = [...sim.carrier().links]
  t.equal(links.filter((l) => l.link.receives).length, 2, 'two receivers')
  const got: Array<DeliverSm | DataSm> = []
  pool.on('deliver', (pdu, ack) => { got.push(pdu); ack(0) })
  const c = collector()
  await sendAll(pool, [part(), part()], c)
  t.ok(await until(() => got.length === 2))
  t.same(links.filter((l) => !l.link.receives).map((l) => l.submits), [1, 1], 'submits only on transmitters')
  sim.injectMo('sim', { systemId: 'sim', from: '393339999999', to: '393331234567', text: 'hi there', longMo: 'udh8' })
  t.ok(await until(() => got.length === 3), 'MO arrives')
  t.equal(got[2].esmClass & 0x04, 0, 'MO is not a receipt')
})

t.test('close is graceful, idempotent and refuses new work', async (t) => {
  const sim = await startSim(t, 'faults:\n  slow_response_rate: 1\n  slow_response_latency: 100')
  const cfg = carrierConfig(sim.port())
  const pool = new CarrierPool(cfg)
  t.teardown(async () => await pool.close())
  await pool.start()
  t.ok(await until(() => pool.up))
  const c = collector()
  t.ok(pool.dispatch(part(), c.cb, 0))
  const p1 = pool.close()
  t.equal(pool.close(), p1, 'same promise twice')
  t.equal(pool.dispatch(part(), c.cb, 1), false, 'no dispatch while closing')
  await p1
  t.equal(c.settled, 1)
  t.match(c.outcomes[0], { ok: true }, 'the in-flight part was answered before unbinding')
  await t.rejects(pool.start(), ClosedError)
  t.ok(await until(() => sim.carrier().links.size === 0), 'unbound at the carrier')
})

t.test('share splits binds and TPS between the pools of several workers', async (t) => {
  const cfg = carrierConfig(1, { binds: 3, tps: 100 })
  const a = new CarrierPool(cfg, { share: { index: 0, of: 2 } })
  t.teardown(async () => await a.close())
  const b = new CarrierPool(cfg, { share: { index: 1, of: 2 } })
  t.teardown(async () => await b.close())
  t.same([a.bindCount, b.bindCount], [2, 1])
  t.same([a.tpsLimit, b.tpsLimit], [50, 50])
  const rx = new CarrierPool({ ...cfg, bindMode: 'transmitter+receiver' }, { share: { index: 2, of: 4 } })
  t.teardown(async () => await rx.close())
  t.equal(rx.bindCount, 2, 'every pool gets at least one bind (of each kind)')
  t.throws(() => new CarrierPool(cfg, { share: { index: 2, of: 2 } }), RangeError)
})
