// A backlog larger than the dispatcher's marking cap (1,000 parts being marked as handed over)
// must still drain by itself: a regression test for a stall where the queued parts moved only
// when a new submit arrived.

import t from 'tap'
import { parseConfigText } from '../../src/config/instrada.js'
import { Router } from '../../src/router/router.js'
import { Customer } from './customer.js'
import { startRouter, testConfig } from './helpers.js'

t.test('3,000 queued parts drain without further submits', async (t) => {
  // A carrier pool that never fills (2 binds × window 5,000), so no 'drain' event restarts it.
  const setup = await testConfig({ demo: 'window: 5000', demoCredit: 10000 })
  t.teardown(setup.cleanup)
  const text = setup.text.replace(/(  - name: sim-it\n    port: \d+\n(?:    .*\n)*?)    window: 100\n/, '$1    window: 5000\n')
  t.not(text, setup.text, 'the carrier window was raised')
  const router = new Router(parseConfigText(text, 'backlog.yaml'))
  t.teardown(() => router.close())
  await router.start()
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  const N = 3000
  const submits: Array<Promise<{ status: number, id: string }>> = []
  for (let i = 0; i < N; i++) submits.push(c.submit({ destination_addr: `3934712${String(10000 + (i % 90000))}`, short_message: `b${i}` }))
  const ids = (await Promise.all(submits)).filter((r) => r.status === 0).map((r) => r.id)
  t.equal(ids.length, N, 'all accepted')
  const all = await c.waitFor(() => ids.every((id) => c.receiptsFor(id).length > 0), 60_000)
  t.ok(all, `a receipt for each of the ${N} (got ${ids.filter((id) => c.receiptsFor(id).length > 0).length})`)
})

t.test('a backlog to a carrier with a TPS limit drains without further submits', async (t) => {
  // Regression: the dispatcher stopped when the carrier's TPS tokens ran out (no 'drain' was
  // asked for), and the rest waited for the next submit.
  const { c } = await startRouter(t, { demoCredit: 10000, carrierIt: 'tps: 100' })
  const N = 150
  const sent = await Promise.all(Array.from({ length: N }, async (_, i) => await c.submit({ destination_addr: `3934720${String(10000 + i)}`, short_message: `t${i}` })))
  const ids = sent.filter((r) => r.status === 0).map((r) => r.id)
  t.equal(ids.length, N, 'all accepted')
  const started = Date.now()
  t.ok(await c.waitFor(() => ids.every((id) => c.receiptsFor(id).length > 0), 10_000), 'a receipt for each')
  const took = Date.now() - started
  t.ok(took >= 300, `paced by the carrier's 100/s (${took} ms)`)
})
