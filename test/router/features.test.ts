// The router's customer-facing features over real TCP: permanent carrier errors, query_sm,
// cancel_sm, receipts waiting for a receiver bind, account isolation, throughput and queue
// limits, scheduled delivery, and config reload.

import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Router } from '../../src/router/router.js'
import { CommandStatus } from '../../src/smpp/pdu/status.js'
import { Customer } from './customer.js'
import { startRouter, testConfig } from './helpers.js'

const start = startRouter

t.test('a permanent carrier error fails the message, releases its credit and sends a failure receipt', async (t) => {
  const { router, c } = await start(t)
  // The simulator answers submits to numbers ending in 99911 with 0x0B (documented test number).
  const r = await c.submit({ destination_addr: '393471299911', short_message: 'will be refused' })
  t.equal(r.status, 0, 'accepted by the router')
  t.ok(await c.waitFor(() => c.receiptsFor(r.id).length > 0), 'failure receipt arrives')
  t.match(c.receiptsFor(r.id)[0]?.text, /stat:REJECTD/)
  const bal = await router.engines.engine!.store.ledger.balance('demo')
  t.same({ balance: bal?.balance, held: bal?.held }, { balance: 1_000_000, held: 0 }, 'nothing charged, nothing held')
})

t.test('carrier outcomes reach the customer: undelivered and expired', async (t) => {
  const { c } = await start(t)
  const und = await c.submit({ destination_addr: '393471299901', short_message: 'x' })
  const exp = await c.submit({ destination_addr: '393471299902', short_message: 'y' })
  t.ok(await c.waitFor(() => c.receiptsFor(und.id).length > 0 && c.receiptsFor(exp.id).length > 0))
  t.match(c.receiptsFor(und.id)[0]?.text, /stat:UNDELIV err:001/)
  t.match(c.receiptsFor(exp.id)[0]?.text, /stat:EXPIRED/)
})

t.test('query_sm answers from the store; another account cannot see the message', async (t) => {
  const { router, c } = await start(t)
  const r = await c.submit({ short_message: 'query me' })
  t.ok(await c.waitFor(() => c.receiptsFor(r.id).length > 0))
  const q = await c.request('query_sm', { message_id: r.id, source_addr: 'Instrada' })
  t.equal(q.command_status, 0)
  t.equal(q.message_state, 2, 'DELIVERED')
  const other = await Customer.bind(router.port, { systemId: 'other' })
  t.teardown(() => other.close())
  const q2 = await other.request('query_sm', { message_id: r.id, source_addr: 'OtherCo' })
  t.equal(q2.command_status, CommandStatus.ESME_RQUERYFAIL, 'not found for another account')
  t.equal(other.received.length, 0, 'and it never received a receipt of demo\'s')
})

t.test('cancel_sm before hand-off cancels and releases; after hand-off it fails', async (t) => {
  const { router, c } = await start(t)
  // Scheduled 60 s ahead: still waiting in the store when the cancel comes.
  const later = await c.submit({ short_message: 'later', schedule_delivery_time: '000000000100000R' })
  t.equal(later.status, 0)
  const cancel = await c.request('cancel_sm', { message_id: later.id, source_addr: 'Instrada', destination_addr: '393471234567' })
  t.equal(cancel.command_status, 0, 'cancelled')
  const bal = await router.engines.engine!.store.ledger.balance('demo')
  t.equal(bal?.held, 0, 'its reservation is released')
  const sent = await c.submit({ short_message: 'now' })
  t.ok(await c.waitFor(() => c.receiptsFor(sent.id).length > 0))
  const late = await c.request('cancel_sm', { message_id: sent.id, source_addr: 'Instrada', destination_addr: '393471234567' })
  t.equal(late.command_status, CommandStatus.ESME_RCANCELFAIL, 'too late once handed to the carrier')
})

t.test('scheduled delivery goes out at its time, not before', async (t) => {
  const { c } = await start(t)
  const sentAt = Date.now()
  const r = await c.submit({ short_message: 'in two seconds', schedule_delivery_time: '000000000002000R' })
  t.equal(r.status, 0)
  t.ok(await c.waitFor(() => c.receiptsFor(r.id).length > 0, 10_000), 'receipt arrives')
  t.ok(Date.now() - sentAt >= 1900, 'not before the scheduled time')
})

t.test('receipts wait in the store until a receiver binds, then arrive in order', async (t) => {
  const setup = await testConfig()
  t.teardown(setup.cleanup)
  const router = new Router(setup.config)
  t.teardown(() => router.close())
  await router.start()
  const tx = await Customer.bind(router.port, { mode: 'transmitter' })
  t.teardown(() => tx.close())
  const ids: string[] = []
  for (let i = 0; i < 20; i++) ids.push((await tx.submit({ short_message: `m${i}`, destination_addr: `3934712${String(10000 + i)}` })).id)
  await new Promise((resolve) => setTimeout(resolve, 500)) // carriers have answered; nobody to deliver to
  const rx = await Customer.bind(router.port, { mode: 'receiver' })
  t.teardown(() => rx.close())
  t.ok(await rx.waitFor(() => ids.every((id) => rx.receiptsFor(id).length > 0)), 'all 20 receipts delivered on bind')
  const order = rx.received.map((r) => ids.indexOf(r.receiptedMessageId ?? '')).filter((i) => i >= 0)
  t.same(order, [...order].sort((a, b) => a - b), 'in the order they were stored')
})

t.test('throughput limit answers 0x58, counting parts', async (t) => {
  const { c } = await start(t, { demo: 'tps: 5' })
  const results = await Promise.all(Array.from({ length: 12 }, async () => (await c.submit({ short_message: 'z' })).status))
  const ok = results.filter((s) => s === 0).length
  // A burst of 5, plus what refills while the 12 arrive (a loaded CI machine may take a few hundred ms).
  t.ok(ok >= 5 && ok <= 7, `${ok} of 12 accepted at 5 parts/s`)
  t.equal(results.filter((s) => s === CommandStatus.ESME_RTHROTTLED).length, 12 - ok, 'the rest throttled')
  await new Promise((resolve) => setTimeout(resolve, 1100))
  // Two 3-part messages back to back: the refilled bucket (5) takes one, not both.
  const pair = await Promise.all([0, 1].map(async () => (await c.submit({ short_message: '', message_payload: 'x'.repeat(400) })).status))
  t.same(pair.sort((a, b) => a - b), [0, CommandStatus.ESME_RTHROTTLED], 'one 3-part message fits the refilled bucket, the second does not')
})

t.test('queue limit answers 0x14 while the carriers are unreachable', async (t) => {
  // Both carriers point at ports with nothing listening: nothing leaves the queue.
  const setup = await testConfig({ demo: 'max_queued: 5' })
  t.teardown(setup.cleanup)
  const cfg = { ...setup.config, simulator: null }
  const router = new Router(cfg)
  t.teardown(() => router.close())
  await router.start()
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  const results: number[] = []
  for (let i = 0; i < 8; i++) results.push((await c.submit({ short_message: `q${i}` })).status)
  t.same(results, [0, 0, 0, 0, 0, 0x14, 0x14, 0x14])
})

t.test('config reload applies a good file and refuses a bad one, naming the line', async (t) => {
  const setup = await testConfig()
  t.teardown(setup.cleanup)
  const file = join(setup.dir, 'router.yaml')
  writeFileSync(file, setup.text)
  const router = Router.fromFile(file)
  t.teardown(() => router.close())
  await router.start()
  writeFileSync(file, setup.text.replace('- { name: italy, match: { prefix: [\'39\'] }, carrier: sim-it }', '- { name: italy, match: { prefix: [\'39\'] }, carrier: nowhere }'))
  await t.rejects(router.reload(), /router\.yaml:\d+: routes\[0\]\.carrier: unknown carrier 'nowhere'/)
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  const r = await c.submit({ short_message: 'still routed' })
  t.ok(await c.waitFor(() => c.receiptsFor(r.id).length > 0), 'the old routes still work')
  writeFileSync(file, setup.text.replace('max_binds: 8', 'max_binds: 8').replace('initial_credit: 1000\n    italian_vat: true', 'initial_credit: 1000\n    italian_vat: true\n    tps: 1'))
  await router.reload()
  const a = await c.submit({ short_message: 'a' })
  const b = await c.submit({ short_message: 'b' })
  t.same([a.status, b.status], [0, CommandStatus.ESME_RTHROTTLED], 'the new tps limit applies without a restart')
})

t.test('a reload can take a carrier out and route its traffic elsewhere, without a restart', async (t) => {
  const setup = await testConfig()
  t.teardown(setup.cleanup)
  const file = join(setup.dir, 'router.yaml')
  writeFileSync(file, setup.text)
  const router = Router.fromFile(file)
  t.teardown(() => router.close())
  await router.start()
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  const it = router.simulator!.carrier('sim-it')
  const world = router.simulator!.carrier('sim-world')
  const before = await c.submit({ short_message: 'via sim-it' })
  t.ok(await c.waitFor(() => c.receiptsFor(before.id).length > 0))
  const itSubmits = it.counters.submits
  // Remove sim-it from carriers and routes: Italian numbers now go to sim-world.
  const text = setup.text
    .replace(/  - name: sim-it\n    port: \d+\n(    .*\n)*?(?=  - name: sim-world)/, '')
    .replace("  - { name: italy, match: { prefix: ['39'] }, carrier: sim-it }\n", '')
  writeFileSync(file, text)
  await router.reload()
  const worldSubmits = world.counters.submits
  const after = await c.submit({ short_message: 'via sim-world now' })
  t.ok(await c.waitFor(() => c.receiptsFor(after.id).length > 0), 'delivered after the reload')
  t.equal(it.counters.submits, itSubmits, 'the removed carrier got nothing more')
  t.equal(world.counters.submits, worldSubmits + 1, 'the remaining carrier took it')
})

t.test('MO to a dedicated number reaches its account; to an unknown number it goes nowhere', async (t) => {
  const { router, c } = await start(t)
  const other = await Customer.bind(router.port, { systemId: 'other' })
  t.teardown(() => other.close())
  // 393331234567 is demo's verified number (only demo lists it).
  router.simulator!.injectMo('sim-it', { systemId: null, from: '393471112222', to: '393331234567', text: 'STOP please', longMo: 'udh8' })
  router.simulator!.injectMo('sim-it', { systemId: null, from: '393471112222', to: '393339999999', text: 'nobody', longMo: 'udh8' })
  t.ok(await c.waitFor((r) => r.some((m) => m.text === 'STOP please')), 'demo receives the MO')
  const mo = c.received.find((m) => m.text === 'STOP please')
  t.equal(mo?.sourceAddr, '393471112222', 'from the handset')
  t.equal(mo?.destinationAddr, '393331234567', 'to the dedicated number')
  t.equal((mo?.esmClass ?? -1) & 0x04, 0, 'not flagged as a receipt')
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.notOk(c.received.some((m) => m.text === 'nobody'), 'MO to a number no account owns is not delivered')
  t.equal(other.received.length, 0, 'the other account gets none of it')
})

t.test('replace_sm swaps the text before hand-off, and is refused after it or when the parts change', async (t) => {
  const { router, c } = await start(t)
  const later = await c.submit({ short_message: 'old text', schedule_delivery_time: '000000000002000R' })
  t.equal(later.status, 0)
  const rep = await c.request('replace_sm', { message_id: later.id, source_addr: 'Instrada', short_message: 'new text', registered_delivery: 1 })
  t.equal(rep.command_status, 0, 'replaced while still scheduled')
  t.ok(await c.waitFor(() => c.receiptsFor(later.id).length > 0, 10_000), 'then sent at its time, with a receipt')
  const texts = router.simulator!.carrier('sim-it').recent.view().map((v) => v.text)
  t.ok(texts.includes('new text'), 'the carrier got the new text')
  t.notOk(texts.includes('old text'), 'and never the old one')
  const after = await c.request('replace_sm', { message_id: later.id, source_addr: 'Instrada', short_message: 'too late', registered_delivery: 1 })
  t.equal(after.command_status, CommandStatus.ESME_RREPLACEFAIL, 'refused once handed to the carrier')
  const unknown = await c.request('replace_sm', { message_id: 'ffffffffffffffff', source_addr: 'Instrada', short_message: 'x', registered_delivery: 1 })
  t.equal(unknown.command_status, CommandStatus.ESME_RINVMSGID, 'unknown id')
  const another = await c.submit({ short_message: 'one part', schedule_delivery_time: '000000000100000R' })
  const longer = await c.request('replace_sm', { message_id: another.id, source_addr: 'Instrada', short_message: 'x'.repeat(200), registered_delivery: 1 })
  t.equal(longer.command_status, CommandStatus.ESME_RREPLACEFAIL, 'a text needing more parts than were reserved is refused')
  const other = await Customer.bind(router.port, { systemId: 'other' })
  t.teardown(() => other.close())
  const foreign = await other.request('replace_sm', { message_id: another.id, source_addr: 'OtherCo', short_message: 'mine now', registered_delivery: 1 })
  t.equal(foreign.command_status, CommandStatus.ESME_RINVMSGID, 'another account cannot touch it')
})

t.test('replace_sm of a message waiting in memory for a carrier', async (t) => {
  // No simulator: the carriers are unreachable, so the message waits in the dispatcher.
  const setup = await testConfig()
  t.teardown(setup.cleanup)
  const router = new Router({ ...setup.config, simulator: null })
  t.teardown(() => router.close())
  await router.start()
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  const r = await c.submit({ short_message: 'first version' })
  t.equal(r.status, 0)
  const rep = await c.request('replace_sm', { message_id: r.id, source_addr: 'Instrada', short_message: 'second version', registered_delivery: 1 })
  t.equal(rep.command_status, 0)
  const rec = await router.engines.get({ account: 'demo', messageId: r.id })
  t.equal(Buffer.from(rec!.parts[0].payload).toString('latin1'), 'second version', 'the stored body is the new one')
  t.equal(rec!.parts[0].state, 'queued', 'still waiting for a carrier')
  const bal = await router.engines.engine!.store.ledger.balance('demo')
  t.equal(bal?.held, 1000, 'the reservation is unchanged: one part')
})

t.test('the per-bind window refuses submits beyond it with 0x58, and frees up as answers go out', async (t) => {
  const { c } = await start(t, { demo: 'window: 2' })
  const burst = await Promise.all(Array.from({ length: 10 }, async () => (await c.submit({ short_message: 'w' })).status))
  const ok = burst.filter((s) => s === 0).length
  t.ok(ok >= 2 && ok < 10, `${ok} of 10 concurrent submits accepted with a window of 2`)
  t.equal(burst.filter((s) => s === CommandStatus.ESME_RTHROTTLED).length, 10 - ok, 'the rest refused with 0x58')
  t.equal((await c.submit({ short_message: 'after' })).status, 0, 'one at a time goes through again')
})
