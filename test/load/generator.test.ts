import t, { type Test } from 'tap'
import { ConfigNode } from '../../src/config/node.js'
import { LoadGenerator, parseMix } from '../../src/load/index.js'
import { parseSimulatorConfig, Simulator } from '../../src/sim/index.js'
import { run as loadCommand } from '../../src/commands/load.js'
import { runLoadCli } from './helpers.js'

async function simulator (t: Test, extra = ''): Promise<Simulator> {
  const yaml = `carriers:
  - name: s
    port: 0
    accounts: [{ system_id: load, password: loadpw }]
    receipts: { latency: 2 }
    overrides: [{ prefix: '4455', submit_status: 0x58 }]
${extra}`
  const sim = new Simulator(parseSimulatorConfig(ConfigNode.parse(yaml, 'test.yaml')))
  await sim.start()
  t.teardown(() => sim.close())
  return sim
}

const auth = { systemId: 'load', password: 'loadpw' }

t.test('closed loop with a count: every submit answered, every receipt matched', async (t) => {
  const sim = await simulator(t)
  const gen = new LoadGenerator({ port: sim.port(), ...auth, binds: 3, window: 10, count: 600, seconds: 20, mix: parseMix('short=2,long=1,ucs2=1,receipts=0.5') })
  t.teardown(() => gen.close())
  const r = await gen.run()
  t.equal(r.sent, 600)
  t.equal(r.accepted, 600)
  t.same(r.errors, {})
  t.equal(r.receipts.expected, 300, 'half asked for receipts')
  t.equal(r.receipts.matched, 300)
  t.equal(r.receipts.missing, 0)
  t.equal(r.receipt.count, 300)
  t.ok(r.receipt.p50 >= 2, `receipt p50 ${r.receipt.p50} ms includes the simulated 2 ms`)
  t.equal(r.acceptedParts, 600 + 150 * 2, 'long messages count three parts')
  t.equal(sim.carrier().counters.submits, 600, 'the server saw exactly the count')
})

t.test('open loop: the offered rate is kept, and a slow server shows as latency from the intended time', async (t) => {
  const fast = await simulator(t)
  const g1 = new LoadGenerator({ port: fast.port(), ...auth, binds: 2, window: 50, rate: 400, seconds: 1 })
  t.teardown(() => g1.close())
  const r1 = await g1.run()
  t.ok(Math.abs(r1.sent - 400) <= 2, `sent ${r1.sent} in one second at 400/s`)
  t.equal(r1.unsent, 0)
  t.equal(r1.maxBacklog, 0)

  // Every response 100 ms late, one bind, window 1: at 50/s offered only 10/s can go, so the
  // messages queue behind schedule and their latency (from the intended time) keeps growing.
  const slow = await simulator(t, '    faults: { slow_response_rate: 1, slow_response_latency: 100 }\n')
  const g2 = new LoadGenerator({ port: slow.port(), ...auth, binds: 1, window: 1, rate: 50, seconds: 1, receiptWaitMs: 0 })
  t.teardown(() => g2.close())
  const r2 = await g2.run()
  t.ok(r2.sent <= 12, `window-bound: ${r2.sent} sent`)
  t.ok(r2.maxBacklog >= 30, `backlog ${r2.maxBacklog}`)
  t.ok(r2.unsent >= 30, `due but never sent: ${r2.unsent}`)
  t.ok(r2.submitResp.max >= 500, `latency from the intended time: max ${r2.submitResp.max} ms, far above the server's 100 ms`)
})

t.test('refusals are counted by command_status; a wrong password fails the bind', async (t) => {
  const sim = await simulator(t)
  const gen = new LoadGenerator({ port: sim.port(), ...auth, count: 50, seconds: 10, destinationAddr: '4455123' })
  t.teardown(() => gen.close())
  const r = await gen.run()
  t.equal(r.accepted, 0)
  t.same(r.errors, { '0x58 ESME_RTHROTTLED': 50 })
  t.equal(r.refusedResp.count, 50)
  const bad = new LoadGenerator({ port: sim.port(), systemId: 'load', password: 'nope', count: 1 })
  t.teardown(() => bad.close())
  await t.rejects(bad.run(), { code: 'INS_ERR_BIND' })
  t.throws(() => new LoadGenerator({ port: sim.port(), ...auth, count: 0, seconds: 0 }), { code: 'INS_ERR_CONFIG' }, 'an unbounded run is refused')
})

t.test('a server that dies ends a count-bounded open-loop run instead of hanging it', async (t) => {
  const sim = await simulator(t)
  const gen = new LoadGenerator({ port: sim.port(), ...auth, binds: 2, window: 20, rate: 2000, count: 1_000_000, seconds: 0, receiptWaitMs: 0, requestTimeoutMs: 2000 })
  t.teardown(() => gen.close())
  await gen.start()
  const running = gen.run()
  setTimeout(() => { sim.close().catch(() => {}) }, 300)
  const r = await running
  t.ok(r.sent > 100 && r.sent < 1_000_000, `stopped after ${r.sent} sent`)
  t.ok(r.accepted > 0, 'some were answered before the server went away')
})

t.test('instrada load prints the table and writes the JSON', async (t) => {
  const sim = await simulator(t)
  const { code, text, json } = await runLoadCli(t, (file) => ['--port', String(sim.port()), '--system-id', 'load', '--password', 'loadpw', '--count', '100', '--binds', '2', '--window', '5', '--json', file])
  t.equal(code, 0)
  t.match(text, /submit → receipt\s+100\s/)
  t.equal(json.accepted, 100)
  t.equal(json.receipts.matched, 100)
  await t.rejects(loadCommand(['--port', String(sim.port()), '--count', 'lots']), { code: 'INS_ERR_CONFIG' })
})
