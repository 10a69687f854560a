// cancel_sm racing the hand-off: a cancel answered OK means the message never reaches a carrier.
// The memory queue holds 5 messages and the carrier takes 20 a second, so messages are loaded
// from the store (spool refill, bulk expansion) and marked as handed over all the time; the
// customer keeps cancelling the oldest message still queued, a few milliseconds apart, so many
// cancels land while that message is being loaded or marked. Each cancel must be decided either
// way — OK and never sent, or ESME_RCANCELFAIL and sent once — and the credit must add up.
// (Before the cancel was decided in the store, in order with the dispatch marks, a cancel read
// the message as queued, the dispatcher marked and sent it, and the cancel answered OK anyway.)

import t from 'tap'
import type { Test } from 'tap'
import type { Router } from '../../src/router/router.js'
import type { BulkRow } from '../../src/store/bulk.js'
import { bulkMemberId } from '../../src/store/ids.js'
import { Customer } from './customer.js'
import { startRouter } from './helpers.js'
import { startApi } from '../http/helpers.js'

const N = 500
/** At most this many cancels (each aimed at the oldest message not handed over yet). */
const CANCELS = 400
const ESME_RCANCELFAIL = 0x11

const dest = (i: number): string => `39347100${String(1000 + i)}`
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Destinations of the MT the simulated carrier received (it keeps the last 1,000 messages: N stays below). */
const mtOf = (r: Router): string[] => r.simulator!.carrier('sim-it').recent.view().filter((m) => m.direction === 'mt').map((m) => m.to)

/**
 * The customer's socket without Nagle's algorithm (node-smpp leaves it on): a cancel_sm written
 * while the customer's last deliver_sm_resp is unacknowledged would otherwise wait for the
 * router's delayed ACK (~40 ms), and cancels that far apart rarely meet a hand-off.
 */
function noDelay (c: Customer): void {
  (c.session as unknown as { socket: { setNoDelay: (on: boolean) => void } }).socket.setNoDelay(true)
}

async function gauge (router: Router, name: string): Promise<number> {
  const m = (await router.registry.getMetricsAsJSON()).find((x) => x.name === name)
  return m?.values.reduce((n, v) => n + v.value, 0) ?? 0
}

async function until (check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check()) return true
    await sleep(25)
  }
  return await check()
}

interface Cancelled { status: number, to: string }

/**
 * What must hold once the carrier has drained: the cancels answered OK never reached it, every
 * other message reached it exactly once and ended delivered, each sent message was charged
 * once, nothing stays held and the ledger reconciles. `ids[i]` is the message to `dests[i]`.
 */
async function checkOutcome (t: Test, router: Router, ids: string[], dests: string[], cancels: Cancelled[], before: { balance: number }, started: number): Promise<void> {
  const statuses = [...new Set(cancels.map((c) => c.status))]
  t.same(statuses.filter((s) => s !== 0 && s !== ESME_RCANCELFAIL), [], 'every cancel answered OK or ESME_RCANCELFAIL')
  const ok = new Set(cancels.filter((c) => c.status === 0).map((c) => c.to))
  const failed = cancels.filter((c) => c.status === ESME_RCANCELFAIL).length
  t.comment(`${cancels.length} cancels: ${ok.size} answered OK, ${failed} too late (${Date.now() - started} ms)`)
  t.ok(ok.size > 50, `enough cancels answered OK for the race to matter (${ok.size})`)
  const expected = dests.filter((d) => !ok.has(d))

  // Everything not cancelled reaches the carrier; a cancelled one sent anyway would show too.
  t.ok(await until(() => mtOf(router).length >= expected.length, 20_000), `the carrier got the ${expected.length} messages not cancelled`)
  await sleep(300) // anything sent late (or twice) shows now
  const mt = mtOf(router)
  const leaked = mt.filter((d) => ok.has(d))
  t.same(leaked, [], `no message whose cancel was answered OK reached the carrier (${leaked.length} did)`)
  t.same([...mt].sort(), [...expected].sort(), 'every other message reached it exactly once')

  t.ok(await until(async () => (await router.store.ledger.balance('demo'))!.held === 0, 20_000), 'no credit left on hold')
  const after = (await router.store.ledger.balance('demo'))!
  t.equal(after.held, 0, 'held 0')
  t.equal(before.balance - after.balance, mt.length * 1000, 'each message sent charged once, nothing for the cancelled')
  const [r] = await router.store.ledger.reconcile('demo')
  t.same({ ok: r.ok, problems: r.problems }, { ok: true, problems: [] }, 'the ledger reconciles')
  t.equal(await gauge(router, 'instrada_spooled_messages'), 0, 'nothing left spooled')
  t.equal(await gauge(router, 'instrada_queued_messages'), 0, 'nor counted as queued')

  // Each message ended one way, and its record says which.
  const wrong = async (): Promise<string[]> => {
    const out: string[] = []
    for (let i = 0; i < ids.length; i++) {
      const p = (await router.store.get('demo', ids[i]))?.parts[0]
      const right = ok.has(dests[i]) ? p?.state === 'failed' && p.error === 'cancelled by the customer' : p?.state === 'delivered'
      if (!right) out.push(`${dests[i]} (cancel ${ok.has(dests[i]) ? 'OK' : 'not OK'}): ${p?.state ?? 'missing'} ${p?.error ?? ''}`)
    }
    return out
  }
  await until(async () => (await wrong()).length === 0, 10_000) // the last receipts from the carrier
  t.same(await wrong(), [], 'the cancelled ones failed, cancelled by the customer; the rest delivered')
}

t.test('SMPP messages spooled past memory_queue: a cancel answered OK is never sent', async (t) => {
  const started = Date.now()
  const { router, c } = await startRouter(t, { demoCredit: 10000, carrierIt: 'tps: 20', router: 'memory_queue: 5' })
  noDelay(c)
  const before = (await router.store.ledger.balance('demo'))!
  const dests = Array.from({ length: N }, (_, i) => dest(i))
  const sent = await Promise.all(dests.map(async (d, i) => await c.submit({ destination_addr: d, short_message: `c${i}` })))
  t.same(sent.filter((r) => r.status !== 0), [], 'all accepted')
  const ids = sent.map((r) => r.id)

  const cancels: Cancelled[] = []
  let next = 0
  for (let k = 0; k < CANCELS && next < N; k++) {
    // The oldest message still queued: the next one the refill loads and the dispatcher marks.
    while (next < N && (await router.store.get('demo', ids[next]))?.parts[0].state !== 'queued') next++
    if (next >= N) break
    const pdu = await c.request('cancel_sm', { message_id: ids[next], source_addr: 'Instrada', destination_addr: dests[next] })
    cancels.push({ status: pdu.command_status as number, to: dests[next] })
    next++
    await sleep(Math.floor(Math.random() * 7))
  }
  await checkOutcome(t, router, ids, dests, cancels, before, started)
  // Cancelled or sent, the customer gets one final receipt for each.
  t.ok(await c.waitFor(() => ids.every((id) => c.receiptsFor(id).length > 0), 20_000), 'a receipt for each message, cancelled or sent')
  await sleep(200)
  t.same(ids.filter((id) => c.receiptsFor(id).length !== 1), [], 'exactly one each')
})

t.test('HTTP bulk members expanded as the memory queue has room: a cancel answered OK is never sent', async (t) => {
  const started = Date.now()
  const api = await startApi(t, { demoCredit: 10000, carrierIt: 'tps: 20', router: 'memory_queue: 5' })
  const { router } = api
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  noDelay(c)
  const before = (await router.store.ledger.balance('demo'))!
  const dests = Array.from({ length: N }, (_, i) => dest(i))
  const r = await api.call('POST', '/v1/messages', { to: dests, from: 'Instrada', text: 'cancel race' })
  t.equal(r.status, 202, 'the bulk request accepted')
  const messages = r.body.messages as Array<{ id?: string, to: string, status?: string }>
  t.ok(messages.length === N && messages.every((m) => m.status === 'queued'), 'all accepted')
  const first = messages[0].id!
  t.equal(bulkMemberId(first, N - 1), messages[N - 1].id, 'one bulk: member ids are one block')

  const cancels: Cancelled[] = []
  for (let k = 0; k < CANCELS; k++) {
    // The next member the expansion will write as a message (read from the bulk row itself).
    const row = router.store.open().bulks.get(['demo', first]) as BulkRow | undefined
    if (row === undefined) break
    let i = row.next
    while (i < N && row.pc[i] < 0) i++
    if (i >= N) break
    const pdu = await c.request('cancel_sm', { message_id: bulkMemberId(first, i), source_addr: 'Instrada', destination_addr: dests[i] })
    cancels.push({ status: pdu.command_status as number, to: dests[i] })
    await sleep(Math.floor(Math.random() * 7))
  }
  await checkOutcome(t, router, dests.map((_, i) => bulkMemberId(first, i)), dests, cancels, before, started)
})
