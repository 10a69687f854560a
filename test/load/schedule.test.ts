import t from 'tap'
import { OpenLoopSchedule, spreadByWeight, parseMix, buildTemplates, templateSequence, LOAD_DEFAULTS } from '../../src/load/index.js'

t.test('open loop: message i is due at start + i / rate', async (t) => {
  const s = new OpenLoopSchedule(1000, 5000)
  t.equal(s.intendedTime(0), 5000)
  t.equal(s.intendedTime(1500), 6500)
  t.equal(s.dueBy(4999.9), 0, 'nothing before the start')
  t.equal(s.dueBy(5000), 1, 'the first at the start')
  t.equal(s.dueBy(5000.999), 1)
  t.equal(s.dueBy(5001), 2)
  t.equal(s.dueBy(6000), 1001, 'one second: rate + 1 (both ends included)')
  const odd = new OpenLoopSchedule(3, 0)
  t.equal(odd.dueBy(1000), 4, 'no floating-point loss at exact multiples')
  for (let i = 0; i < 1000; i++) t.equal(odd.dueBy(odd.intendedTime(i)), i + 1)
  t.throws(() => new OpenLoopSchedule(0, 0), RangeError)
  t.throws(() => new OpenLoopSchedule(Infinity, 0), RangeError)
})

t.test('weights are spread evenly and deterministically', async (t) => {
  const seq = spreadByWeight([7, 2, 1], 1000)
  const count = [0, 0, 0]
  for (const k of seq) count[k]++
  t.same(count, [700, 200, 100])
  // Any window of 10 already holds the mix within one message.
  for (let i = 0; i + 10 <= 1000; i += 10) {
    const c = [0, 0, 0]
    for (let j = i; j < i + 10; j++) c[seq[j]]++
    t.ok(Math.abs(c[0] - 7) <= 1 && Math.abs(c[1] - 2) <= 1 && Math.abs(c[2] - 1) <= 1, `window at ${i}: ${c.join('/')}`)
  }
  t.same(spreadByWeight([7, 2, 1], 1000), seq, 'the same every time')
  t.throws(() => spreadByWeight([0, 0], 10), RangeError)
})

t.test('mixes: kinds, encodings, the receipt share', async (t) => {
  const mix = parseMix('short=2,ucs2long=1,receipts=0.25')
  t.same(mix.weights, { short: 2, long: 0, ucs2: 0, ucs2long: 1 })
  t.equal(mix.receipts, 0.25)
  const tpl = buildTemplates(mix, LOAD_DEFAULTS)
  t.equal(tpl.length, 4, 'two kinds × with and without receipt')
  const ucs = tpl.find((x) => x.kind === 'ucs2long' && x.wantsReceipt)!
  t.equal(ucs.pdu.dataCoding, 8)
  t.equal(ucs.pdu.shortMessage.length, 0, 'long text travels in message_payload')
  t.equal(ucs.pdu.tlvs?.messagePayload?.length, 300, '150 UCS-2 characters')
  t.equal(ucs.pdu.registeredDelivery, 1)
  const short = tpl.find((x) => x.kind === 'short' && !x.wantsReceipt)!
  t.equal(short.pdu.dataCoding, 0)
  t.equal(short.pdu.registeredDelivery, 0)
  t.ok(short.pdu.shortMessage.length > 0 && short.pdu.shortMessage.length <= 160)
  const seq = templateSequence(mix, tpl, 1200)
  const withReceipt = [...seq].filter((k) => tpl[k].wantsReceipt).length
  const ucsCount = [...seq].filter((k) => tpl[k].kind === 'ucs2long').length
  t.equal(withReceipt, 300, 'a quarter ask for receipts')
  t.equal(ucsCount, 400, 'a third are ucs2long')
  t.same(parseMix('').weights.short, 1, 'empty: short only')
  t.same(parseMix('receipts=0').weights.short, 1, 'receipts alone keeps the default kind')
  for (const bad of ['short', 'short=x', 'sms=1', 'receipts=2', 'short=0']) t.throws(() => parseMix(bad), { code: 'INS_ERR_CONFIG' }, bad)
})
