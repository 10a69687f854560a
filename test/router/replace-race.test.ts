// replace_sm racing the loads of a backlog: a spooled message read back from the store (refill)
// or a bulk member expanded into a message while a replace_sm rewrites it. The loader holds the
// old text; it must not be the one sent. Rule checked: a replace answered OK means the carrier
// gets the new text, once. (Before the fix the old text went out in most runs, 1–5 times.)

import t from 'tap'
import { startApi } from '../http/helpers.js'
import { startRouter } from './helpers.js'
import { Customer } from './customer.js'
import { bulkMemberId } from '../../src/store/ids.js'
import type { Router } from '../../src/router/router.js'

const N = 500
const dest = (i: number): string => `39347100${String(1000 + i)}`
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Waits (≤ 30 s) for the carrier to get N messages; what it got per destination. */
async function carrierTexts (router: Router): Promise<{ total: number, byTo: Map<string, string[]> }> {
  const mt = (): Array<{ to: string, text: string }> => router.simulator!.carrier('sim-it').recent.view().filter((m) => m.direction === 'mt') as Array<{ to: string, text: string }>
  const until = Date.now() + 30_000
  while (Date.now() < until && mt().length < N) await sleep(100)
  await sleep(500)
  const byTo = new Map<string, string[]>()
  for (const m of mt()) byTo.set(m.to, [...(byTo.get(m.to) ?? []), m.text])
  return { total: mt().length, byTo }
}

async function replace (c: Customer, id: string, text: string): Promise<number> {
  const pdu = await c.request('replace_sm', { message_id: id, source_addr: 'Instrada', short_message: text, registered_delivery: 0 })
  return pdu.command_status as number
}

/** The replaces answered OK whose new text is not what the carrier got, exactly once. */
function wrongTexts (expected: Map<number, string>, byTo: Map<string, string[]>): string[] {
  const bad: string[] = []
  for (const [i, text] of expected) {
    const texts = byTo.get(dest(i)) ?? []
    if (texts.length !== 1 || texts[0] !== text) bad.push(`#${i}: replaced with ${text}; the carrier got ${JSON.stringify(texts)}`)
  }
  return bad
}

t.test('spooled messages: a replace_sm racing the refill', async (t) => {
  const { router, c } = await startRouter(t, { demoCredit: 10000, carrierIt: 'tps: 50', router: 'memory_queue: 5' })
  // Without it each request waits for a delayed ACK (~40 ms apart): too slow to meet the loads.
  ;(c.session as unknown as { socket: { setNoDelay: (v: boolean) => void } }).socket.setNoDelay(true)
  const sent = await Promise.all(Array.from({ length: N }, async (_, i) => await c.submit({ destination_addr: dest(i), short_message: `old${i}` })))
  const ids = sent.map((r) => r.id)
  const expected = new Map<number, string>()
  let next = 0
  for (let k = 0; k < 400 && next < N; k++) {
    while (next < N && (await router.store.get('demo', ids[next]))?.parts[0].state !== 'queued') next++
    if (next >= N) break
    // A few places after the oldest still queued: about to be read back.
    const j = Math.min(N - 1, next + 2 + Math.floor(Math.random() * 5))
    const text = `new${j}-${k}`
    if (await replace(c, ids[j], text) === 0) expected.set(j, text)
    await sleep(Math.floor(Math.random() * 7))
  }
  t.ok(expected.size > 50, `enough replaces answered OK (${expected.size})`)
  const { total, byTo } = await carrierTexts(router)
  t.same(wrongTexts(expected, byTo), [], 'each replaced message reached the carrier once, with its new text')
  t.equal(total, N, 'each destination once')
})

t.test('bulk members: a replace_sm racing the expansion', async (t) => {
  const api = await startApi(t, { demoCredit: 10000, carrierIt: 'tps: 50', router: 'memory_queue: 5' })
  const { router } = api
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  ;(c.session as unknown as { socket: { setNoDelay: (v: boolean) => void } }).socket.setNoDelay(true)
  const r = await api.call('POST', '/v1/messages', { to: Array.from({ length: N }, (_, i) => dest(i)), from: 'Instrada', text: 'old' })
  const first = r.body.messages[0].id as string
  const expected = new Map<number, string>()
  for (let k = 0; k < 400; k++) {
    // The next member the expansion will write (src/store/bulk.ts: `next`, `pc` −1 = written early).
    const row = router.store.open().bulks.get(['demo', first]) as { next: number, pc: number[] } | undefined
    if (row === undefined) break
    let i = row.next
    while (i < N && row.pc[i] < 0) i++
    if (i >= N) break
    const text = `new${i}-${k}`
    if (await replace(c, bulkMemberId(first, i), text) === 0) expected.set(i, text)
    await sleep(Math.floor(Math.random() * 7))
  }
  t.ok(expected.size > 50, `enough replaces answered OK (${expected.size})`)
  const { total, byTo } = await carrierTexts(router)
  t.same(wrongTexts(expected, byTo), [], 'each replaced member reached the carrier once, with its new text')
  t.equal(total, N, 'each destination once')
})
