import t from 'tap'
import { FailureClass, type OutboundPart } from '../../src/carriers/index.js'
import { carrierConfig, collector, metric, part, sendAll, sleep, startPool, startSim, until, waitEvent } from './helpers.js'

t.test('a throttling carrier: outcomes say throttled and the pool slows down', async (t) => {
  const sim = await startSim(t, 'submit:\n  tps_limit: 20\n  tps_scope: carrier')
  const { pool, registry } = await startPool(t, carrierConfig(sim.port(), { tps: 200 }))
  t.equal(pool.tpsLimit, 200)
  const c = collector()
  const phases: Array<{ sent: number, throttled: number }> = []
  // Three phases of 0.8 s, each sending as fast as the pool lets us.
  for (let phase = 0; phase < 3; phase++) {
    const startIdx = c.outcomes.length
    const end = Date.now() + 800
    while (Date.now() < end) {
      const idx = c.outcomes.length
      c.outcomes.push(null)
      if (!pool.dispatch(part(), c.cb, idx)) {
        c.outcomes.pop()
        await sleep(5)
      }
    }
    await until(() => c.settled === c.outcomes.length, 2000)
    const mine = c.outcomes.slice(startIdx)
    phases.push({ sent: mine.length, throttled: mine.filter((o) => o?.ok === false && o.failure === FailureClass.Throttled).length })
  }
  t.ok(phases[0].throttled > 0, 'the carrier throttled at first')
  t.match(c.outcomes.find((o) => o?.ok === false), { status: 0x58, failure: FailureClass.Throttled })
  t.ok(pool.tpsLimit < 200, `limit lowered (now ${pool.tpsLimit.toFixed(1)})`)
  t.ok(phases[2].sent < phases[0].sent, `sends fewer per phase (${phases.map((p) => p.sent).join(', ')})`)
  t.ok(phases[2].throttled < phases[0].throttled, `fewer throttled (${phases.map((p) => p.throttled).join(', ')})`)
  t.ok(await metric(registry, 'instrada_carrier_throttles_total') > 0)
  t.equal(await metric(registry, 'instrada_carrier_tps_limit'), pool.tpsLimit)
  t.ok(c.calls.every((n) => n === 1), 'one outcome per part')
})

t.test('a carrier dropping the connection: one outcome per part, and the pool reconnects', async (t) => {
  const sim = await startSim(t, 'faults:\n  drop_every: 7')
  // A small window, so the carrier answers some submits before the one it drops the link on
  // (with a whole burst in one TCP read it drops before writing any response).
  const { pool, registry } = await startPool(t, carrierConfig(sim.port(), { binds: 2, window: 3, requestTimeoutMs: 3000 }))
  const c = collector()
  // Like the engine: a part whose outcome is a timeout is sent again, until accepted.
  const pending: OutboundPart[] = Array.from({ length: 40 }, (_, i) => part({ messageId: `d${i}` }))
  const owner: OutboundPart[] = []
  const accepted = new Set<string>()
  const end = Date.now() + 10_000
  while (accepted.size < 40 && Date.now() < end) {
    const batch = pending.splice(0)
    const first = c.outcomes.length
    await sendAll(pool, batch, c, 5000)
    for (let i = 0; i < batch.length; i++) owner[first + i] = batch[i]
    await until(() => c.settled === c.outcomes.length, 5000)
    for (let i = first; i < c.outcomes.length; i++) {
      const o = c.outcomes[i]
      if (o?.ok === true) accepted.add(owner[i].messageId)
      else pending.push(owner[i])
    }
  }
  t.equal(accepted.size, 40, 'every part accepted in the end')
  t.ok(c.calls.length === c.outcomes.length && c.calls.every((n) => n === 1), `exactly one outcome for each of ${c.outcomes.length} dispatches`)
  const failed = c.outcomes.filter((o) => o?.ok === false)
  t.ok(failed.length > 0, 'some parts were in flight when the carrier dropped')
  t.ok(failed.every((o) => o?.ok === false && o.status === null && o.failure === FailureClass.Timeout), 'they come back as timeouts, status null')
  t.ok(sim.carrier().counters.dropped > 0)
  t.ok(await metric(registry, 'instrada_carrier_reconnects_total') > 0, 'reconnects counted')
  t.ok(await until(() => pool.bindsUp === 2), 'both binds back up')
})

t.test('missing responses become timeout outcomes', async (t) => {
  const sim = await startSim(t)
  const { pool } = await startPool(t, carrierConfig(sim.port(), { requestTimeoutMs: 300 }))
  const c = collector()
  const started = Date.now()
  // 99999…: the simulator never answers.
  await sendAll(pool, [part({ destination: '99999001' }), part(), part({ destination: '99999002' })], c)
  t.ok(await until(() => c.settled === 1, 200))
  t.match(c.outcomes[1], { ok: true })
  t.ok(await until(() => c.settled === 3, 2000))
  t.ok(Date.now() - started >= 280, 'not before the request timeout')
  t.match(c.outcomes[0], { ok: false, status: null, failure: FailureClass.Timeout })
  t.match(c.outcomes[2], { ok: false, status: null, failure: FailureClass.Timeout })
  t.ok(pool.up, 'the bind stays up')
  t.equal(pool.inFlight, 0)
})

t.test('timeouts free the window: drain follows', async (t) => {
  const sim = await startSim(t)
  const { pool } = await startPool(t, carrierConfig(sim.port(), { window: 2, requestTimeoutMs: 300 }))
  const c = collector()
  t.ok(pool.dispatch(part({ destination: '99999001' }), c.cb, 0))
  t.ok(pool.dispatch(part({ destination: '99999002' }), c.cb, 1))
  t.equal(pool.dispatch(part(), c.cb, 2), false, 'window full')
  t.equal(await waitEvent(pool, ['drain'], 2000), 'drain', 'drain once the unanswered submits time out')
  t.ok(c.settled >= 1, 'a timed-out submit freed its slot')
  t.ok(pool.dispatch(part(), c.cb, 2))
  t.ok(await until(() => c.settled === 3))
  t.match(c.outcomes[2], { ok: true })
  t.match(c.outcomes[0], { ok: false, status: null, failure: FailureClass.Timeout })
})

t.test('refused binds back off and recover after the refusal period', async (t) => {
  const sim = await startSim(t, 'faults:\n  refuse_binds:\n    after_ms: 0\n    for_ms: 700\n    status: 0x0d')
  const started = Date.now()
  const { pool, registry } = await startPool(t, carrierConfig(sim.port(), { reconnect: { initialDelayMs: 40, maxDelayMs: 250 } }), false)
  t.equal(pool.up, false, 'refused at first')
  t.ok(await until(() => pool.up, 3000), 'up after the refusal period')
  t.ok(Date.now() - started >= 650, 'not before the carrier accepts')
  const failures = await metric(registry, 'instrada_carrier_bind_failures_total')
  t.ok(failures >= 2 && failures <= 12, `backed off: ${failures} failed attempts in ~0.7 s`)
  t.ok(sim.carrier().counters.bindsRefused >= 2)
  const c = collector()
  await sendAll(pool, [part()], c)
  t.ok(await until(() => c.settled === 1))
  t.match(c.outcomes[0], { ok: true })
})

t.test('an unreachable carrier: down, retrying, no dispatch', async (t) => {
  const sim = await startSim(t)
  const port = sim.port()
  await sim.close()
  const { pool, registry } = await startPool(t, carrierConfig(port, { reconnect: { initialDelayMs: 20, maxDelayMs: 80 } }), false)
  await sleep(300)
  t.equal(pool.up, false)
  t.equal(pool.canDispatch(), false)
  const c = collector()
  t.equal(pool.dispatch(part(), c.cb, 0), false)
  t.ok(await metric(registry, 'instrada_carrier_bind_failures_total') >= 2)
  t.equal(c.settled, 0, 'a refused dispatch never calls back')
})
