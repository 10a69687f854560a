// The HTTP load generator (`instrada load --http`) against a real router: its HTTP API, the
// in-process simulated carriers, and the router's webhook sender posting message.status to the
// generator's own receiver. Every run is bounded by a count and by seconds.

import t, { type Test } from 'tap'
import { run as loadCommand } from '../../src/commands/load.js'
import { runLoadCli } from './helpers.js'
import { hashApiKey } from '../../src/http/index.js'
import { HttpLoadGenerator, parseMix } from '../../src/load/index.js'
import { Router } from '../../src/router/router.js'
import { freePort, testConfig } from '../router/helpers.js'

const KEY = 'load-api-key'

/** A router with the HTTP API on a free port and the demo account keyed KEY, with a webhook secret and plenty of credit. */
async function startRouter (t: Test): Promise<{ router: Router, base: string }> {
  const setup = await testConfig({
    demoCredit: 1_000_000,
    extra: 'http: { port: 0, auth_failure_delay_ms: 0 }\nwebhooks: { poll_ms: 20 }\n',
    demo: `api_keys: ['${hashApiKey(KEY)}']\nwebhook: { secret: load-webhook-secret }\n`
  })
  t.teardown(setup.cleanup)
  const router = new Router(setup.config)
  t.teardown(() => router.close())
  await router.start()
  return { router, base: `http://127.0.0.1:${router.http!.port}` }
}

/** Parts the simulated carriers were sent, both together. */
function carrierSubmits (router: Router): number {
  const sim = router.simulator!
  return sim.carrier('sim-it').counters.submits + sim.carrier('sim-world').counters.submits
}

async function sleep (ms: number): Promise<void> { await new Promise((resolve) => setTimeout(resolve, ms)) }

t.test('closed loop over HTTP: every message accepted, every receipt asked for matched by webhook', async (t) => {
  const { router, base } = await startRouter(t)
  const gen = new HttpLoadGenerator({ url: base, apiKey: KEY, connections: 4, count: 300, seconds: 20, receiptWaitMs: 10_000, mix: parseMix('short=2,long=1,ucs2=1,receipts=0.5') })
  t.teardown(() => gen.close())
  const r = await gen.run()
  t.equal(r.protocol, 'http')
  t.equal(r.mode, 'closed')
  t.equal(r.binds, 4, 'connections')
  t.equal(r.sent, 300, 'the count bounds the run')
  t.equal(r.responses, 300)
  t.equal(r.accepted, 300)
  t.same(r.errors, {})
  t.equal(r.submitResp.count, 300, 'every 202 timed')
  t.equal(r.receipts.expected, 150, 'half asked for receipts (carried a callback_url)')
  t.equal(r.receipts.matched, 150, 'every one matched by its message.status webhook')
  t.equal(r.receipts.missing, 0)
  t.equal(r.receipts.unmatched, 0, 'no webhook for a message that did not ask, none twice')
  t.same(r.receipts.byStat, { delivered: 150 })
  t.equal(r.receipt.count, 150)
  t.ok(r.receipt.p50 >= 5, `receipt p50 ${r.receipt.p50} ms includes the simulated 5 ms`)
  t.ok(r.acceptedParts > 300 + 2 * 60, `long messages count three parts (${r.acceptedParts})`)
  t.equal(carrierSubmits(router), r.acceptedParts, 'the carriers were sent exactly the parts the 202s announced')
})

t.test('open loop over HTTP keeps the schedule; a duplicate or unknown webhook is unmatched, another event is other', async (t) => {
  const { base } = await startRouter(t)
  const gen = new HttpLoadGenerator({ url: base, apiKey: KEY, connections: 8, rate: 100, count: 1000, seconds: 1.5, receiptWaitMs: 10_000 })
  t.teardown(() => gen.close())
  await gen.start()
  const hook = gen.webhookUrl
  t.match(hook, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'the receiver listens on loopback, port chosen by the system')
  const running = gen.run()
  let finished = false
  void running.then(() => { finished = true }, () => { finished = true })

  // The router's webhook for a delivered message, posted a second time (at-least-once delivery
  // may do so), plus one for an id never sent and an event that is not a receipt.
  let id: string | null = null
  for (const until = Date.now() + 5000; id === null && !finished && Date.now() < until; await sleep(25)) {
    const res = await fetch(`${base}/v1/messages?status=delivered&limit=1`, { headers: { authorization: `Bearer ${KEY}` } })
    const body = await res.json() as { messages: Array<{ id: string }> }
    id = body.messages[0]?.id ?? null
  }
  t.ok(id !== null && !finished, 'a message was delivered while the run was still going')
  const post = async (event: unknown): Promise<number> => (await fetch(hook!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) })).status
  t.equal(await post({ id: 'evt_dup', type: 'message.status', account: 'demo', data: { id, status: 'delivered' } }), 200)
  t.equal(await post({ id: 'evt_unknown', type: 'message.status', account: 'demo', data: { id: 'ffffffffffffffff', status: 'delivered' } }), 200)
  t.equal(await post({ id: 'evt_credit', type: 'credit.low', account: 'demo', data: { threshold: 100, available: 99 } }), 200)

  const r = await running
  t.equal(r.mode, 'open')
  t.ok(Math.abs(r.sent + r.unsent - 150) <= 2, `150 due in 1.5 s at 100/s: sent ${r.sent}, unsent ${r.unsent}`)
  t.equal(r.accepted, r.sent)
  t.same(r.errors, {})
  t.equal(r.receipts.expected, r.accepted, 'every message asked for a receipt')
  t.equal(r.receipts.matched, r.accepted, 'and got it')
  t.equal(r.receipts.missing, 0)
  t.equal(r.receipts.unmatched, 2, 'the duplicate and the unknown id')
  t.same([...r.receipts.unmatchedIds].sort(), [id, 'ffffffffffffffff'].sort())
  t.equal(r.receipts.other, 1, 'credit.low is not a receipt')
})

t.test('a wrong API key is counted as HTTP 401; an unreachable server fails the start', async (t) => {
  const { router, base } = await startRouter(t)
  const before = carrierSubmits(router)
  const gen = new HttpLoadGenerator({ url: base, apiKey: 'not-the-key', connections: 2, count: 20, seconds: 10 })
  t.teardown(() => gen.close())
  const r = await gen.run()
  t.equal(r.sent, 20)
  t.equal(r.accepted, 0)
  t.equal(r.responses, 20, 'answered, if refused')
  t.same(r.errors, { 'HTTP 401': 20 })
  t.equal(r.refusedResp.count, 20)
  t.equal(r.receipts.expected, 0)
  t.equal(carrierSubmits(router), before, 'nothing was sent on')

  const dead = new HttpLoadGenerator({ url: `http://127.0.0.1:${await freePort()}`, apiKey: KEY, count: 1 })
  t.teardown(() => dead.close())
  await t.rejects(dead.run(), { code: 'INS_ERR_CONNECT', message: /cannot reach .*ECONNREFUSED/ })
  t.throws(() => new HttpLoadGenerator({ url: 'https://127.0.0.1:1', count: 1 }), { code: 'INS_ERR_CONFIG' }, 'http:// only')
  t.throws(() => new HttpLoadGenerator({ url: base, count: 0, seconds: 0 }), { code: 'INS_ERR_CONFIG' }, 'an unbounded run is refused')
})

t.test('instrada load --http prints the table and writes the JSON', async (t) => {
  const { base } = await startRouter(t)
  const { code, text, json } = await runLoadCli(t, (file) => ['--http', base, '--api-key', KEY, '--count', '40', '--seconds', '20', '--connections', '2', '--json', file])
  t.equal(code, 0)
  t.match(text, /2 connection\(s\), one request each, closed loop/)
  t.match(text, /submit → receipt\s+40\s/)
  t.match(text, /errors: none/)
  t.equal(json.protocol, 'http')
  t.equal(json.accepted, 40)
  t.equal(json.receipts.matched, 40)
  await t.rejects(loadCommand(['--http', base, '--binds', '2', '--count', '1']), { code: 'INS_ERR_CONFIG', message: /--binds/ }, 'an SMPP option with --http')
  await t.rejects(loadCommand(['--connections', '2', '--count', '1']), { code: 'INS_ERR_CONFIG', message: /--connections/ }, 'an HTTP option without --http')
})
