import t from 'tap'
import { engine, statOf, binomialTolerance } from './engine-helpers.js'
import { submitPdu } from './helpers.js'
import { CommandId, parseReceipt } from '../../src/smpp/index.js'

const N = 20_000

t.test('the outcome mix holds statistically under a fixed seed', async (t) => {
  const e = engine(`outcomes:
  DELIVRD: 80
  UNDELIV: { weight: 10, errors: [1, 34] }
  EXPIRED: 5
  REJECTD: 3
  UNKNOWN: 2
receipts:
  latency: 10
`)
  for (let i = 0; i < N; i++) e.carrier.handle([...e.carrier.links][0], submitPdu('39333' + i, 'hi'))
  e.advance(20)
  t.equal(e.link.delivered.length, N, 'one receipt per message')
  const counts: Record<string, number> = {}
  const errs = new Set<string>()
  for (const d of e.link.delivered) {
    const s = statOf(d)
    counts[s] = (counts[s] ?? 0) + 1
    if (s === 'UNDELIV') errs.add(/err:(\d+)/.exec(d.shortMessage.toString())![1])
  }
  const want: Record<string, number> = { DELIVRD: 0.8, UNDELIV: 0.1, EXPIRED: 0.05, REJECTD: 0.03, UNKNOWN: 0.02 }
  for (const [stat, p] of Object.entries(want)) {
    const tol = binomialTolerance(N, p)
    t.ok(Math.abs((counts[stat] ?? 0) - N * p) <= tol, `${stat}: ${counts[stat]} within ${N * p} ± ${tol.toFixed(0)}`)
  }
  t.same([...errs].sort(), ['001', '034'], 'UNDELIV errors drawn from the configured list')
  t.same(Object.keys(counts).sort(), Object.keys(want).sort(), 'no stat outside the mix')
})

t.test('the same seed replays the same choices; another seed does not', async (t) => {
  const run = (seed: number): string => {
    const e = engine('outcomes: { DELIVRD: 1, UNDELIV: 1 }\nreceipts:\n  latency: { dist: uniform, low_ms: 1, high_ms: 50 }\n', seed)
    const ls = [...e.carrier.links][0]
    for (let i = 0; i < 200; i++) e.carrier.handle(ls, submitPdu('39' + i, 'x'))
    e.advance(60)
    return e.link.delivered.map((d) => d.destinationAddr + statOf(d)).join(',')
  }
  t.equal(run(42), run(42))
  t.not(run(42), run(43))
})

t.test('receipts honour registered_delivery: none, final, failure only, success only, intermediate', async (t) => {
  const e = engine('receipts:\n  latency: 20\n  enroute_latency: 5\n')
  const ls = [...e.carrier.links][0]
  const cases: Array<[number, string, string[]]> = [
    [0, '391', []],
    [1, '392', ['DELIVRD']],
    [1, '99901000', ['UNDELIV']],
    [2, '393', []],
    [2, '99902000', ['EXPIRED']],
    [3, '394', ['DELIVRD']],
    [3, '99901001', []],
    [0x11, '395', ['ENROUTE', 'DELIVRD']],
    [0x12, '99903000', ['ENROUTE', 'REJECTD']],
    [0x10, '396', ['ENROUTE']]
  ]
  for (const [rd, dest] of cases) e.carrier.handle(ls, submitPdu(dest, 'x', { registeredDelivery: rd }))
  e.advance(30)
  for (const [rd, dest, want] of cases) {
    const got = e.link.delivered.filter((d) => d.sourceAddr === dest)
    t.same(got.map(statOf), want, `registered_delivery 0x${rd.toString(16)} to ${dest}`)
    for (const d of got) {
      const intermediate = statOf(d) === 'ENROUTE'
      t.equal(d.esmClass, intermediate ? 0x20 : 0x04, 'esm_class')
      t.equal(d.tlvs?.messageState, intermediate ? 1 : { DELIVRD: 2, UNDELIV: 5, EXPIRED: 3, REJECTD: 8 }[statOf(d)])
    }
  }
  const enroute = e.link.delivered.find((d) => d.sourceAddr === '395')!
  const final = e.link.delivered.filter((d) => d.sourceAddr === '395')[1]
  t.ok(e.link.delivered.indexOf(enroute) < e.link.delivered.indexOf(final), 'ENROUTE comes first')
})

t.test('a receipt is a standard receipt with the three TLVs, the id as configured', async (t) => {
  const e = engine('message_id: { format: hex, receipt_format: decimal, start: 4096 }\nreceipts:\n  latency: 1\n')
  const ls = [...e.carrier.links][0]
  e.carrier.handle(ls, submitPdu('99901555', 'Hello receipt text here', { registeredDelivery: 1 }))
  e.advance(5)
  t.equal(e.link.responses[0].body?.messageId, '1000', 'hex id in submit_sm_resp')
  const d = e.link.delivered[0]
  t.equal(d.tlvs?.receiptedMessageId, '4096', 'decimal id in the receipt TLV')
  t.same([...d.tlvs!.networkErrorCode!], [3, 0, 1], 'network_error_code: GSM, err 1')
  const r = parseReceipt(d.shortMessage.toString('latin1'))
  t.ok(r !== null, 'the codec helper parses it')
  t.equal(r?.id, '4096')
  t.equal(r?.stat, 'UNDELIV')
  t.equal(d.destinationAddr, 'Instrada', 'goes back to the sender')
  t.match(d.shortMessage.toString('latin1'), /text:Hello receipt text h$/, 'first 20 characters quoted')
})

t.test('latency distributions: fixed, uniform bounds, normal mean, log-normal median', async (t) => {
  const measure = (latency: string): number[] => {
    const e = engine(`receipts:\n  latency: ${latency}\n`)
    const ls = [...e.carrier.links][0]
    const start = e.clock.now
    for (let i = 0; i < 4000; i++) e.carrier.handle(ls, submitPdu('39' + i, 'x'))
    const at = new Map<string, number>()
    const seen = (): void => { for (const d of e.link.delivered) if (!at.has(d.sourceAddr)) at.set(d.sourceAddr, e.clock.now - start) }
    for (let ms = 0; ms < 1200; ms++) { e.advance(1); seen() }
    return [...at.values()].sort((a, b) => a - b)
  }
  const fixed = measure('25')
  t.equal(fixed.length, 4000)
  t.ok(fixed.every((v) => v === 25), 'fixed: every receipt at 25 ms')
  const uni = measure('{ dist: uniform, low_ms: 100, high_ms: 200 }')
  t.ok(uni[0] >= 100 && uni[uni.length - 1] <= 201, 'uniform within bounds')
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length
  t.ok(Math.abs(mean(uni) - 150) < 4.5 * (100 / Math.sqrt(12)) / Math.sqrt(4000) + 1, `uniform mean ${mean(uni).toFixed(1)} ≈ 150`)
  const norm = measure('{ dist: normal, mean_ms: 300, stddev_ms: 50 }')
  t.ok(Math.abs(mean(norm) - 300) < 4.5 * 50 / Math.sqrt(4000) + 1, `normal mean ${mean(norm).toFixed(1)} ≈ 300`)
  const logn = measure('{ dist: lognormal, median_ms: 200, sigma: 0.5, max_ms: 1100 }')
  const median = logn[logn.length >> 1]
  // The median of a sample of 4000: its rank is binomial(4000, 0.5) ± 4.5 sd = ±142 ranks ≈ ±7%.
  t.ok(Math.abs(median - 200) < 200 * 0.09, `log-normal median ${median} ≈ 200`)
})

t.test('submit-time rates: system error, random rejection, queue full hold statistically', async (t) => {
  const e = engine('submit:\n  system_error_rate: 0.1\n  reject_rate: 0.05\n  reject_status: 0x45\n  queue_full_rate: 0.02\n')
  const ls = [...e.carrier.links][0]
  for (let i = 0; i < N; i++) e.carrier.handle(ls, submitPdu('39' + i, 'x'))
  const by = new Map<number, number>()
  for (const r of e.link.responses) by.set(r.status, (by.get(r.status) ?? 0) + 1)
  // The checks run in order: queue full (2%), then system error (10% of the rest), then rejection.
  const pQ = 0.02
  const pS = 0.98 * 0.1
  const pR = 0.98 * 0.9 * 0.05
  for (const [status, p] of [[0x14, pQ], [0x08, pS], [0x45, pR]] as const) {
    const tol = binomialTolerance(N, p)
    t.ok(Math.abs((by.get(status) ?? 0) - N * p) <= tol, `status 0x${status.toString(16)}: ${by.get(status)} within ${(N * p).toFixed(0)} ± ${tol.toFixed(0)}`)
  }
})

t.test('throttling answers 0x58 above the TPS limit and recovers as time passes', async (t) => {
  const e = engine('submit:\n  tps_limit: 100\n')
  const ls = [...e.carrier.links][0]
  for (let i = 0; i < 300; i++) e.carrier.handle(ls, submitPdu('39' + i, 'x'))
  const ok = (): number => e.link.responses.filter((r) => r.status === 0).length
  t.equal(ok(), 100, 'a burst gets the limit through')
  t.equal(e.link.responses.filter((r) => r.status === 0x58).length, 200, 'the rest throttled')
  e.advance(500)
  for (let i = 0; i < 100; i++) e.carrier.handle(ls, submitPdu('39' + i, 'x'))
  t.equal(ok(), 150, 'half a second later, half the limit again')
})

t.test('max_pending bounds the backlog with 0x14', async (t) => {
  const e = engine('submit:\n  max_pending: 50\nreceipts:\n  latency: 100\n')
  const ls = [...e.carrier.links][0]
  for (let i = 0; i < 80; i++) e.carrier.handle(ls, submitPdu('39' + i, 'x'))
  t.equal(e.link.responses.filter((r) => r.status === 0x14).length, 30)
  e.advance(101)
  e.carrier.handle(ls, submitPdu('39', 'x'))
  t.equal(e.link.responses.at(-1)?.status, 0, 'room again once receipts went out')
})

t.test('finished messages are evicted after retain_ms; pending ones stay', async (t) => {
  const e = engine('receipts:\n  latency: 10\n  retain_ms: 1000\n')
  const ls = [...e.carrier.links][0]
  for (let i = 0; i < 100; i++) e.carrier.handle(ls, submitPdu('39' + i, 'x'))
  e.advance(20)
  t.equal(e.carrier.table.size, 100, 'kept for queries after the receipt')
  e.advance(1100)
  t.equal(e.carrier.table.size, 0, 'gone after retain_ms')
})

t.test('max_messages: the oldest finished messages go first, the rest answer query_sm with their final state', async (t) => {
  const e = engine('receipts:\n  latency: 10\n  retain_ms: 100000\n  max_messages: 3000\noutcomes:\n  UNDELIV: { weight: 1, err: 77 }\n')
  const ls = [...e.carrier.links][0]
  const query = (id: number, sourceAddr = 'Instrada'): { status: number, body: Record<string, unknown> | null } => {
    e.carrier.handle(ls, { commandId: CommandId.QuerySm, commandStatus: 0, sequenceNumber: 0, messageId: id.toString(16), sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr })
    const r = e.link.responses.at(-1)!
    return { status: r.status, body: r.body }
  }
  for (let i = 0; i < 5000; i++) e.carrier.handle(ls, submitPdu('39' + String(i), 'x'))
  t.equal(e.carrier.table.size, 5000, 'pending messages are never evicted, even beyond max_messages')
  e.advance(60)
  t.equal(e.carrier.table.size, 3000, 'finished ones beyond max_messages are')
  t.equal(query(1).status, 0x67, 'the oldest is gone')
  t.equal(query(2000).status, 0x67)
  const q = query(2001)
  t.equal(q.status, 0)
  t.match(q.body, { messageState: 5, errorCode: 77 }, 'the oldest kept: UNDELIV with its error code')
  t.match(q.body?.finalDate, /^\d{12}000\+$/)
  t.equal(query(5000).status, 0, 'the newest is kept')
  t.equal(query(5000, 'Other').status, 0x67, 'a finished message still checks the source_addr')
  // Another round wraps the store of finished messages around.
  for (let i = 0; i < 4000; i++) e.carrier.handle(ls, submitPdu('39' + String(i), 'y'))
  e.advance(60)
  t.equal(e.carrier.table.size, 3000)
  t.equal(query(6000).status, 0x67)
  t.equal(query(6001).status, 0)
  t.equal(query(9000).status, 0)
  t.equal(query(9001).status, 0x67, 'never issued')
})

t.test('the recent-messages view keeps only the newest, however many pass', async (t) => {
  const e = engine('receipts:\n  latency: 1\n')
  const ls = [...e.carrier.links][0]
  for (let i = 0; i < 5000; i++) e.carrier.handle(ls, submitPdu('39' + String(i), 'text ' + String(i)))
  const v = e.carrier.recent.view()
  t.equal(v.length, 100, 'the configured size (100 here)')
  t.equal(v[0].text, 'text 4900')
  t.equal(v.at(-1)?.text, 'text 4999')
})

t.test('query_sm stays right for ids sharing a table slot with a long-pending message', async (t) => {
  // The table is indexed by the id's low bits (1024 slots while it holds few messages): id 1025
  // lands on id 1's slot while id 1 is still pending.
  const e = engine("receipts:\n  latency: 10\n  retain_ms: 100\noverrides:\n  - { prefix: '777', stat: DELIVRD, latency: 100000 }\n")
  const ls = [...e.carrier.links][0]
  const query = (id: number): { status: number, state: unknown } => {
    e.carrier.handle(ls, { commandId: CommandId.QuerySm, commandStatus: 0, sequenceNumber: 0, messageId: id.toString(16), sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: '' })
    const r = e.link.responses.at(-1)!
    return { status: r.status, state: r.body?.messageState }
  }
  e.carrier.handle(ls, submitPdu('7771', 'slow')) // id 1, pending for 100 s
  for (let i = 2; i <= 1024; i++) e.carrier.handle(ls, submitPdu('39' + String(i), 'x'))
  e.advance(200)
  t.equal(e.carrier.table.size, 1, 'only the long-pending one is left')
  e.carrier.handle(ls, submitPdu('391025', 'x')) // id 1025
  e.carrier.handle(ls, submitPdu('391026', 'x')) // id 1026: a free slot
  t.same(query(1025), { status: 0, state: 1 }, 'both pending')
  e.advance(20)
  t.same(query(1025), { status: 0, state: 2 }, 'then DELIVERED')
  t.same(query(1026), { status: 0, state: 2 })
  t.same(query(1), { status: 0, state: 1 }, 'the long-pending one is still ENROUTE')
  e.advance(200)
  t.same(query(1025), { status: 0x67, state: undefined }, 'gone after retain_ms')
  t.same(query(1026), { status: 0x67, state: undefined })
  t.same(query(1), { status: 0, state: 1 }, 'the pending one stays')
  t.equal(e.carrier.table.size, 1)
})
