import t from 'tap'
import { ReceiptTracker } from '../../src/load/index.js'
import { CommandId, type DeliverSm } from '../../src/smpp/index.js'

function receipt (id: string, stat = 'DELIVRD', tlv = true, esmClass = 4): DeliverSm {
  return {
    commandId: CommandId.DeliverSm, commandStatus: 0, sequenceNumber: 1, serviceType: '', sourceAddrTon: 1, sourceAddrNpi: 1,
    sourceAddr: '393471234567', destAddrTon: 5, destAddrNpi: 0, destinationAddr: 'Instrada', esmClass, protocolId: 0, priorityFlag: 0,
    scheduleDeliveryTime: '', validityPeriod: '', registeredDelivery: 0, replaceIfPresentFlag: 0, dataCoding: 0, smDefaultMsgId: 0,
    shortMessage: Buffer.from(`id:${id} sub:001 dlvrd:001 submit date:2601010000 done date:2601010000 stat:${stat} err:000 text:`),
    tlvs: tlv ? { receiptedMessageId: id } : null
  } as DeliverSm
}

t.test('a receipt is matched to its submit by id and timed from the intended send', async (t) => {
  const r = new ReceiptTracker()
  r.expect('a1', 100)
  t.ok(r.onDeliver(receipt('a1'), 112.5))
  const c = r.counts()
  t.equal(c.matched, 1)
  t.equal(c.missing, 0)
  t.equal(c.byStat.DELIVRD, 1)
  t.ok(Math.abs(r.latency.percentile(50) - 12.5) < 0.01, 'latency 12.5 ms')
})

t.test('without the TLV the id comes from the text', async (t) => {
  const r = new ReceiptTracker()
  r.expect('0A1B', 0)
  r.onDeliver(receipt('0A1B', 'UNDELIV', false), 7)
  t.equal(r.counts().matched, 1)
  t.equal(r.counts().byStat.UNDELIV, 1)
})

t.test('a receipt before its submit_sm_resp is kept and matched when the id is known', async (t) => {
  const r = new ReceiptTracker()
  r.onDeliver(receipt('x9'), 50)
  t.equal(r.counts().matched, 0)
  r.expect('x9', 40)
  const c = r.counts()
  t.equal(c.matched, 1)
  t.equal(c.early, 1)
  t.equal(c.unmatched, 0)
  t.ok(Math.abs(r.latency.percentile(50) - 10) < 0.01, 'timed from the submit, not the response')
})

t.test('unknown ids, duplicates, MO and the warm-up', async (t) => {
  const r = new ReceiptTracker()
  r.recordFrom = 1000
  r.expect('w', 999) // sent during the warm-up: counted, not timed
  r.expect('m', 1000)
  r.onDeliver(receipt('w'), 1005)
  r.onDeliver(receipt('m'), 1010)
  r.onDeliver(receipt('m'), 1011) // duplicate
  r.onDeliver(receipt('zz'), 1012) // never sent
  t.notOk(r.onDeliver(receipt('mo', 'DELIVRD', false, 0), 1013), 'an MO is not a receipt')
  r.expect('lost', 1000)
  const c = r.counts()
  t.equal(c.matched, 2)
  t.equal(c.unmatched, 2)
  t.same(c.unmatchedIds.sort(), ['m', 'zz'], 'the duplicate and the unknown id are named')
  t.equal(c.other, 1)
  t.equal(c.missing, 1)
  t.equal(r.latency.count, 1, 'only the measured one is timed')
})
