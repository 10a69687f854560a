// Every carrier misbehaviour of the simulator at once, against the router: the customer must
// still get exactly one correct receipt per accepted message, and the books must balance.

import t from 'tap'
import { startRouter } from './helpers.js'

const N = 150

const scenarios: Array<[string, string, string, string?]> = [
  ['throttling (0x58 above 200/s)', 'submit: { tps_limit: 200, tps_scope: carrier }', ''],
  ['connection dropped every 25 submits', 'faults: { drop_every: 25 }', ''],
  ['missing and slow responses', 'faults: { no_response_rate: 0.03, slow_response_rate: 0.05, slow_response_latency: 300 }', ''],
  ['early and duplicate receipts', 'faults: { duplicate_receipt_rate: 0.3, receipt_before_response_rate: 0.3 }', ''],
  ['hex ids in responses, decimal in receipts', '', 'message_id: { format: hex, receipt_format: decimal }', 'message_ids: { submit_resp: hex, receipt: decimal }'],
  ['temporary errors (0x08, 0x14)', 'submit: { system_error_rate: 0.05, queue_full_rate: 0.05 }', '']
]

for (const [name, simIt, simWorld, carrierWorld] of scenarios) {
  t.test(name, async (t) => {
    // The world carrier is the failover of the Italian one; the hex/decimal case sends there directly.
    const { router, c } = await startRouter(t, { simIt, simWorld, carrierWorld })
    const dest = simWorld !== '' ? '4477009' : '39347123'
    const ids: string[] = []
    const submits: Array<Promise<{ status: number, id: string }>> = []
    for (let i = 0; i < N; i++) submits.push(c.submit({ destination_addr: dest + String(10000 + i).slice(simWorld !== '' ? 0 : 1), short_message: `message ${i}` }))
    for (const r of await Promise.all(submits)) if (r.status === 0) ids.push(r.id)
    t.equal(ids.length, N, 'every submit accepted')
    const all = await c.waitFor(() => ids.every((id) => c.receiptsFor(id).length > 0), 20_000)
    t.ok(all, 'a receipt for every message')
    await new Promise((resolve) => setTimeout(resolve, 300)) // room for a wrong second receipt to show up
    const counts = ids.map((id) => c.receiptsFor(id).length)
    t.equal(counts.filter((n) => n === 1).length, N, 'exactly one receipt each')
    const delivered = ids.filter((id) => /stat:DELIVRD/.test(c.receiptsFor(id)[0]?.text ?? '')).length
    t.equal(delivered, N, 'all delivered (the simulators deliver everything they accept)')
    const engine = router.engines.engine!
    const rec = await engine.store.ledger.reconcile()
    t.ok(rec.every((r) => r.ok), 'ledger reconciles')
    const bal = await engine.store.ledger.balance('demo')
    t.equal(bal?.held, 0, 'no credit left on hold')
    t.equal(bal?.balance, 1000 * 1000 - N * 1000, 'charged one credit per delivered part')
  })
}

t.test('receipts that never match (a carrier replaying old ones) do not hold its window shut', async (t) => {
  // The carrier may have 4 deliver_sm unanswered per bind; 12 receipts for ids we never sent fill
  // both binds' windows. Held for matching (30 s), they are answered after receipt_ack_ms.
  const { router, c } = await startRouter(t, { simIt: 'window: 4', router: 'receipt_hold_ms: 30000\nreceipt_ack_ms: 200' })
  for (let i = 0; i < 12; i++) {
    router.simulator!.injectMo('sim-it', {
      systemId: null, from: '393471234567', to: 'Instrada', longMo: 'udh8',
      text: `id:9999${i} sub:001 dlvrd:001 submit date:2401010000 done date:2401010001 stat:DELIVRD err:000 text:`
    })
  }
  await new Promise((resolve) => setTimeout(resolve, 100))
  const started = Date.now()
  const r = await c.submit({ short_message: 'behind the replayed receipts' })
  t.equal(r.status, 0)
  t.ok(await c.waitFor(() => c.receiptsFor(r.id).length > 0, 5000), 'its receipt still arrives')
  t.ok(Date.now() - started < 5000, `within seconds, not the 30 s hold (${Date.now() - started} ms)`)
  t.notOk(c.received.some((m) => /id:9999/.test(m.text)), 'the foreign receipts reach no customer')
})
