// End to end over real TCP: node-smpp as the customer, the router with in-process simulated
// carriers, LMDB in a temp dir. Run with the engine inline and in a worker thread.

import t from 'tap'
import { CommandStatus } from '../../src/smpp/pdu/status.js'
import { startRouter } from './helpers.js'

for (const workers of [0, 1]) {
  t.test(`submit → carrier → receipt (workers: ${workers})`, async (t) => {
    const { router, c } = await startRouter(t, { workers, extra: 'metrics: { port: 0 }' })

    const short = await c.submit({ short_message: 'Hello from Instrada' })
    t.equal(short.status, 0, 'short message accepted')
    t.match(short.id, /^[0-9a-f]{16}$/, 'our 16-hex message id')

    const long = await c.submit({ short_message: 'x'.repeat(200) })
    t.equal(long.status, 0, 'two-part message accepted')

    const world = await c.submit({ destination_addr: '447700900123', short_message: 'to the UK' })
    t.equal(world.status, 0, 'routed to the world carrier')

    const ok = await c.waitFor(() => [short, long, world].every((s) => c.receiptsFor(s.id).length > 0), 8000)
    t.ok(ok, 'a receipt for every message')
    for (const s of [short, long, world]) {
      const r = c.receiptsFor(s.id)
      t.equal(r.length, 1, `exactly one receipt for ${s.id}`)
      t.match(r[0]?.text, /stat:DELIVRD/, 'delivered')
      t.equal(r[0]?.messageState, 2, 'message_state DELIVERED')
    }
    const metrics = await (await fetch(`http://127.0.0.1:${router.metrics!.port}/metrics`)).text()
    t.match(metrics, /instrada_submits_total\{account="demo",status="ESME_ROK"\} 3/, 'main-thread metrics: 3 accepted submits')
    t.match(metrics, /instrada_carrier_submits_total\{[^}]*result="ok"[^}]*\} [1-9]/, 'engine metrics (from the worker when there is one)')
    t.match(metrics, /instrada_submit_to_receipt_seconds_count [1-9]/, 'submit → receipt latency histogram')
    // initial 1,000 credits, 3 messages of 1+2+1 parts charged at 1 credit each, nothing held.
    t.match(metrics, /instrada_credit_balance_milli\{account="demo"\} 996000/, 'balance per account')
    t.match(metrics, /instrada_credit_held_milli\{account="demo"\} 0/, 'reservations per account')
    const longReceipt = c.receiptsFor(long.id)[0]
    t.match(longReceipt?.text, /sub:002 dlvrd:002/, 'one receipt for both parts')
    t.equal(longReceipt?.sourceAddr, '393471234567', 'receipt comes from the destination')
  })
}

t.test('rule violations get their SMPP status', async (t) => {
  const { c } = await startRouter(t)
  const cases: Array<[string, Record<string, unknown>, number]> = [
    ['unregistered alias', { source_addr: 'Nobody' }, CommandStatus.ESME_RINVSRCADR],
    ['another account\'s alias', { source_addr: 'OtherCo' }, CommandStatus.ESME_RINVSRCADR],
    ['bad destination', { destination_addr: '12' }, CommandStatus.ESME_RINVDSTADR],
    ['empty text', { short_message: '' }, CommandStatus.ESME_RINVMSGLEN],
    ['five parts for pro', { short_message: '', message_payload: 'y'.repeat(613) }, CommandStatus.ESME_RINVMSGLEN],
    ['schedule in the past', { short_message: 'x', schedule_delivery_time: '200101000000000+' }, CommandStatus.ESME_RINVSCHED],
    ['garbage validity', { short_message: 'x', validity_period: 'not-a-time-ok!!' }, CommandStatus.ESME_RINVEXPIRY]
  ]
  for (const [name, fields, status] of cases) {
    const r = await c.submit({ short_message: 'hello', ...fields })
    t.equal(r.status, status, name)
  }
})
