// router.memory_queue: past it, accepted messages wait in the store (the engine keeps only their
// ids) and are loaded as the carrier drains the memory queue — every one sent, with its receipt;
// after a restart the backlog is spooled the same way and nothing is sent twice.

import t from 'tap'
import { parseConfigText } from '../../src/config/instrada.js'
import { Router } from '../../src/router/router.js'
import { Customer } from './customer.js'
import { startRouter, testConfig } from './helpers.js'

async function gauge (router: Router, name: string): Promise<number> {
  const m = (await router.registry.getMetricsAsJSON()).find((x) => x.name === name)
  return m?.values.reduce((n, v) => n + v.value, 0) ?? 0
}

const dest = (i: number): string => `39347100${String(1000 + i)}`

t.test('a backlog past memory_queue waits in the store and is all sent, receipts and credit settled', async (t) => {
  // The carrier takes 100 messages/s, so 200 accepted at once are a backlog for two seconds.
  const { router, c } = await startRouter(t, { demoCredit: 10000, carrierIt: 'tps: 100', router: 'memory_queue: 5' })
  const before = (await router.store.ledger.balance('demo'))!
  const N = 200
  const sent = await Promise.all(Array.from({ length: N }, async (_, i) => await c.submit({ destination_addr: dest(i), short_message: `s${i}` })))
  t.same(sent.filter((r) => r.status !== 0), [], 'all accepted')
  const spooled = await gauge(router, 'instrada_spooled_messages')
  t.ok(spooled >= N - 5 - 100, `most of them wait in the store (${spooled} spooled)`)
  t.ok(await gauge(router, 'instrada_queued_messages') >= spooled, 'and still count as queued (queue_limit covers them)')
  const ids = sent.map((r) => r.id)
  t.ok(await c.waitFor(() => ids.every((id) => c.receiptsFor(id).length > 0), 20_000), 'a receipt for each')
  t.ok(ids.every((id) => c.receiptsFor(id).length === 1), 'exactly one each')
  const mt = router.simulator!.carrier('sim-it').recent.view().filter((m) => m.direction === 'mt').map((m) => m.to)
  t.equal(new Set(mt).size, N, 'the carrier got every message…')
  t.equal(mt.length, N, '…once')
  t.equal(await gauge(router, 'instrada_spooled_messages'), 0, 'nothing left spooled')
  t.equal(await gauge(router, 'instrada_queued_messages'), 0, 'nor queued')
  const after = (await router.store.ledger.balance('demo'))!
  t.equal(after.held, 0, 'no credit left on hold')
  t.ok(before.balance - after.balance > 0, 'every message charged')
})

t.test('a restart with a spooled backlog sends the rest, none twice', async (t) => {
  const setup = await testConfig({ demoCredit: 10000, carrierIt: 'tps: 20', router: 'memory_queue: 5' })
  t.teardown(setup.cleanup)
  const first = new Router(setup.config)
  await first.start()
  const c1 = await Customer.bind(first.port)
  const N = 60
  const sent = await Promise.all(Array.from({ length: N }, async (_, i) => await c1.submit({ destination_addr: dest(i), short_message: `r${i}` })))
  t.same(sent.filter((r) => r.status !== 0), [], 'all accepted')
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.ok(await gauge(first, 'instrada_spooled_messages') > 0, 'some still spooled when the router stops')
  await c1.close()
  await first.close()
  // The simulated carrier stops with the first router: receipts it still owed are gone with it,
  // so a message it accepted may end `submitted`. What must hold: every message reached a carrier
  // exactly once, before or after the restart, and none failed.
  const mtOf = (r: Router): string[] => r.simulator!.carrier('sim-it').recent.view().filter((m) => m.direction === 'mt').map((m) => m.to)
  const before = mtOf(first)

  const second = new Router(parseConfigText(setup.text.replace('tps: 20', 'tps: 0'), 'restart.yaml'))
  t.teardown(() => second.close())
  await second.start()
  const c2 = await Customer.bind(second.port)
  t.teardown(() => c2.close())
  const ids = sent.map((r) => r.id)
  t.ok(await c2.waitFor(() => mtOf(second).length + before.length >= N, 20_000), 'the rest sent after the restart')
  await new Promise((resolve) => setTimeout(resolve, 500)) // the last receipts
  const states = await Promise.all(ids.map(async (id) => (await second.store.get('demo', id))!.parts[0].state))
  t.same([...new Set(states)].filter((s) => s !== 'delivered' && s !== 'submitted'), [], `every message delivered or accepted by the carrier (${states.filter((s) => s === 'delivered').length} delivered)`)
  const all = [...before, ...mtOf(second)].sort()
  t.same(all, sent.map((_, i) => dest(i)).sort(), 'each reached a carrier exactly once')
  t.ok(ids.every((id) => c1.receiptsFor(id).length + c2.receiptsFor(id).length <= 1), 'no receipt twice')
  t.equal(await gauge(second, 'instrada_spooled_messages'), 0)
})
