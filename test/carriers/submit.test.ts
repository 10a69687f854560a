import t from 'tap'
import { AdaptiveRate, backoffMs, buildSubmit, mapDataCoding, SUBMIT_DEFAULTS, type OutboundPart } from '../../src/carriers/index.js'
import { encodePdu, decodePdu } from '../../src/smpp/pdu/index.js'

function part (over: Partial<OutboundPart> = {}): OutboundPart {
  return {
    messageId: 'm1', part: 0, total: 1, ref: 0xabcd, sender: 'Instrada', senderKind: 'alpha', destination: '393331234567',
    dataCoding: 0, esmClass: 0, body: Buffer.from('hello', 'latin1'), validityPeriod: '', priorityFlag: 2, protocolId: 0, ...over
  }
}

t.test('single part: no concat header, settings applied', async (t) => {
  const pdu = buildSubmit(part({ validityPeriod: '000001000000000R' }), { ...SUBMIT_DEFAULTS, serviceType: 'CMT', registeredDelivery: 1 })
  t.match(pdu, { esmClass: 0, sourceAddrTon: 5, sourceAddrNpi: 0, destAddrTon: 1, destAddrNpi: 1, registeredDelivery: 1, serviceType: 'CMT', priorityFlag: 2, validityPeriod: '000001000000000R', tlvs: null })
  t.equal(pdu.shortMessage.toString('latin1'), 'hello')
})

t.test('udh8, udh16 and SAR headers', async (t) => {
  const p = part({ part: 1, total: 3 })
  const u8 = buildSubmit(p, { ...SUBMIT_DEFAULTS, concat: 'udh8' })
  t.equal(u8.shortMessage.subarray(0, 6).toString('hex'), '050003cd0302')
  t.equal(u8.esmClass, 0x40)
  const u16 = buildSubmit(p, { ...SUBMIT_DEFAULTS, concat: 'udh16' })
  t.equal(u16.shortMessage.subarray(0, 7).toString('hex'), '060804abcd0302')
  t.equal(u16.shortMessage.subarray(7).toString('latin1'), 'hello')
  const sar = buildSubmit(p, { ...SUBMIT_DEFAULTS, concat: 'sar' })
  t.equal(sar.esmClass, 0)
  t.equal(sar.shortMessage.toString('latin1'), 'hello')
  t.same(sar.tlvs, { sarMsgRefNum: 0xabcd, sarTotalSegments: 3, sarSegmentSeqnum: 2 })
  const fallback = buildSubmit({ ...p, concat: 'udh8' }, { ...SUBMIT_DEFAULTS, concat: 'udh16' })
  t.equal(fallback.shortMessage.subarray(0, 6).toString('hex'), '050003cd0302', 'the method the split used wins')
  // The codec accepts what we build.
  const back = decodePdu(encodePdu(u16))
  t.ok(back.ok)
})

t.test('customer UDH goes untouched; esm_class keeps only MT bits', async (t) => {
  const body = Buffer.from('0500030102016869', 'hex')
  const pdu = buildSubmit(part({ esmClass: 0x40 | 0x80 | 0x04 | 0x03, body, total: 1 }), SUBMIT_DEFAULTS)
  t.equal(pdu.esmClass, 0xc3)
  t.equal(pdu.shortMessage.toString('hex'), body.toString('hex'))
})

t.test('numeric senders get the numeric TON/NPI', async (t) => {
  const pdu = buildSubmit(part({ sender: '393331234567', senderKind: 'numeric' }), { ...SUBMIT_DEFAULTS, numericTon: 2, numericNpi: 9 })
  t.match(pdu, { sourceAddrTon: 2, sourceAddrNpi: 9, sourceAddr: '393331234567' })
})

t.test('forced priority flag', async (t) => {
  t.equal(buildSubmit(part(), { ...SUBMIT_DEFAULTS, priorityFlag: 0 }).priorityFlag, 0)
})

t.test('a body longer than 254 octets travels in message_payload', async (t) => {
  const pdu = buildSubmit(part({ body: Buffer.alloc(300, 0x41) }), SUBMIT_DEFAULTS)
  t.equal(pdu.shortMessage.length, 0)
  t.equal(pdu.tlvs?.messagePayload?.length, 300)
})

t.test('data_coding policies', async (t) => {
  const cases: Array<[number, number, number, number]> = [
    // dc, as-is, gsm7-as-0, plain
    [0x00, 0x00, 0x00, 0x00],
    [0x08, 0x08, 0x08, 0x08],
    [0xf0, 0xf0, 0x00, 0x00],
    [0x11, 0x11, 0x00, 0x00],
    [0x18, 0x18, 0x18, 0x08],
    [0xf4, 0xf4, 0xf4, 0x04],
    [0x02, 0x02, 0x02, 0x04],
    [0x03, 0x03, 0x03, 0x03]
  ]
  for (const [dc, asIs, g0, plain] of cases) {
    t.same([mapDataCoding(dc, 'as-is'), mapDataCoding(dc, 'gsm7-as-0'), mapDataCoding(dc, 'plain')], [asIs, g0, plain], `0x${dc.toString(16)}`)
  }
})

t.test('reconnect backoff grows exponentially to the cap, jittered into [d/2, d]', async (t) => {
  t.same([0, 1, 2, 3, 4, 10].map((f) => backoffMs(100, 1000, f, () => 1)), [100, 200, 400, 800, 1000, 1000])
  t.same([0, 3].map((f) => backoffMs(100, 1000, f, () => 0)), [50, 400])
})

t.test('AIMD: halve once per interval, restore in steps to the configured rate', async (t) => {
  const r = new AdaptiveRate(100, { cutIntervalMs: 250, restoreShare: 0.1 })
  t.equal(r.cut(1000, 150), true)
  t.equal(r.limit, 50, 'halved from the configured limit')
  t.equal(r.cut(1100, 150), false, 'a burst of throttled answers cuts once')
  t.equal(r.restore(1500), false, 'no restore right after a cut')
  t.equal(r.restore(2100), true)
  t.equal(r.limit, 60)
  for (let s = 3; s < 10; s++) r.restore(s * 1000)
  t.equal(r.limit, 100)
  t.equal(r.reduced, false)
  t.equal(r.cut(20_000, 30), true)
  t.equal(r.limit, 15, 'cuts from the observed rate when it is lower')
})

t.test('AIMD on an unlimited carrier: limited while throttled, unlimited again after', async (t) => {
  const r = new AdaptiveRate(0, { restoreShare: 0.25 })
  t.equal(r.limit, 0)
  r.cut(1000, 400)
  t.equal(r.limit, 200, 'half the rate we ran at')
  r.restore(2100)
  t.equal(r.limit, 300)
  r.restore(3200)
  t.equal(r.limit, 0, 'back to unlimited')
})
