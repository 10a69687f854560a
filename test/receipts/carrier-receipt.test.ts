import t from 'tap'
import { parseCarrierReceipt } from '../../src/receipts/index.js'
import { CommandId, type DeliverSm } from '../../src/smpp/pdu/index.js'
import { dataSm, receiptPdu, receiptText } from './helpers.js'

const NEC = Buffer.from([3, 0, 1])

t.test('id from the TLV only (no text)', async t => {
  const r = parseCarrierReceipt(receiptPdu({ tlvs: { receiptedMessageId: '3039', messageState: 2, networkErrorCode: Buffer.from([3, 0, 0]) } }))
  t.strictSame(r, { carrierMessageId: '3039', stat: 'DELIVRD', final: true, state: 'delivered', err: '000', networkErrorCode: Buffer.from([3, 0, 0]), doneAt: null })
})

t.test('id from the text only (no TLVs)', async t => {
  const r = parseCarrierReceipt(receiptPdu({ text: receiptText('12345', 'UNDELIV', '001') }))
  t.strictSame(r, {
    carrierMessageId: '12345', stat: 'UNDELIV', final: true, state: 'undeliverable', err: '001', networkErrorCode: null, doneAt: Date.UTC(2026, 10, 23, 16, 1)
  })
})

t.test('both: the TLV id wins over the text id, message_state over stat', async t => {
  const r = parseCarrierReceipt(receiptPdu({ text: receiptText('12345', 'DELIVRD'), tlvs: { receiptedMessageId: '3039', messageState: 2, networkErrorCode: NEC } }))
  t.equal(r?.carrierMessageId, '3039')
  t.equal(r?.stat, 'DELIVRD')
  t.equal(r?.err, '000', 'the text err wins over the NEC')
  t.same(r?.networkErrorCode, NEC)
  const conflict = parseCarrierReceipt(receiptPdu({ text: receiptText('1', 'DELIVRD'), tlvs: { receiptedMessageId: '1', messageState: 5 } }))
  t.equal(conflict?.stat, 'UNDELIV')
})

t.test('hex and decimal forms of the same number are both passed as sent', async t => {
  const hex = parseCarrierReceipt(receiptPdu({ text: receiptText('1A2B3C', 'DELIVRD') }))
  const dec = parseCarrierReceipt(receiptPdu({ text: receiptText(String(0x1a2b3c), 'DELIVRD') }))
  const prefixed = parseCarrierReceipt(receiptPdu({ text: receiptText('0x1a2b3c', 'DELIVRD') }))
  t.equal(hex?.carrierMessageId, '1A2B3C')
  t.equal(dec?.carrierMessageId, '1715004')
  t.equal(prefixed?.carrierMessageId, '1a2b3c', 'a 0x prefix is dropped')
})

t.test('lowercase keys and odd spacing', async t => {
  const r = parseCarrierReceipt(receiptPdu({ text: 'ID: 00ab  SUB:1 dlvrd:1  submit_date:2611231600 done_date:2611231605  stat: delivrd err:0 Text:' }))
  t.equal(r?.carrierMessageId, '00ab')
  t.equal(r?.stat, 'DELIVRD')
  t.equal(r?.final, true)
  t.equal(r?.err, '0')
  t.equal(r?.doneAt, Date.UTC(2026, 10, 23, 16, 5))
})

t.test('missing fields', async t => {
  const noErr = parseCarrierReceipt(receiptPdu({ text: 'id:77 stat:EXPIRED' }))
  t.strictSame(noErr, { carrierMessageId: '77', stat: 'EXPIRED', final: true, state: 'expired', err: '000', networkErrorCode: null, doneAt: null })
  const errFromNec = parseCarrierReceipt(receiptPdu({ text: 'id:77 stat:UNDELIV', tlvs: { networkErrorCode: Buffer.from([3, 0x01, 0x02]) } }))
  t.equal(errFromNec?.err, '258')
  const noStat = parseCarrierReceipt(receiptPdu({ text: 'id:77 done date:2611231601' }))
  t.equal(noStat?.stat, 'UNKNOWN')
  t.equal(noStat?.final, false, 'an unreadable state never finishes a part')
  const noId = parseCarrierReceipt(receiptPdu({ text: 'stat:DELIVRD err:000' }))
  t.equal(noId?.carrierMessageId, '', 'a marked receipt without an id is still a receipt (it becomes an orphan)')
  const empty = parseCarrierReceipt(receiptPdu({ text: null }))
  t.equal(empty?.carrierMessageId, '')
  t.equal(empty?.final, false)
  const tooLong = parseCarrierReceipt(receiptPdu({ tlvs: { receiptedMessageId: '1'.repeat(65), messageState: 2 } }))
  t.equal(tooLong?.carrierMessageId, '', 'an id longer than receipted_message_id allows is not looked up')
  const badDate = parseCarrierReceipt(receiptPdu({ text: 'id:1 done date:2613991601 stat:DELIVRD' }))
  t.equal(badDate?.doneAt, null)
})

t.test('message_payload, data_sm and UCS-2 bodies', async t => {
  const payload = parseCarrierReceipt(receiptPdu({ text: receiptText('abc', 'REJECTD'), payload: true }))
  t.equal(payload?.carrierMessageId, 'abc')
  t.equal(payload?.state, 'rejected')
  const ds = parseCarrierReceipt(dataSm(receiptText('99', 'DELIVRD'), null))
  t.equal(ds?.carrierMessageId, '99')
  t.equal(ds?.state, 'delivered')
  const dsTlv = parseCarrierReceipt(dataSm(null, { receiptedMessageId: '98', messageState: 3 }))
  t.equal(dsTlv?.state, 'expired')
  const ucs2 = parseCarrierReceipt(receiptPdu({ text: receiptText('55', 'DELIVRD'), dataCoding: 8 }))
  t.equal(ucs2?.carrierMessageId, '55')
  t.equal(ucs2?.stat, 'DELIVRD')
})

t.test('every stat and message_state maps', async t => {
  const cases: Array<[string, number, string, boolean, string | null]> = [
    ['DELIVRD', 2, 'DELIVRD', true, 'delivered'],
    ['UNDELIV', 5, 'UNDELIV', true, 'undeliverable'],
    ['EXPIRED', 3, 'EXPIRED', true, 'expired'],
    ['DELETED', 4, 'DELETED', true, 'failed'],
    ['REJECTD', 8, 'REJECTD', true, 'rejected'],
    ['UNKNOWN', 7, 'UNKNOWN', true, 'failed'],
    ['ACCEPTD', 6, 'ACCEPTD', true, 'delivered'],
    ['ENROUTE', 1, 'ENROUTE', false, null]
  ]
  for (const [stat, ms, want, final, state] of cases) {
    const byText = parseCarrierReceipt(receiptPdu({ text: receiptText('1', stat) }))
    t.equal(byText?.stat, want, `${stat} by text`)
    t.equal(byText?.final, final, `${stat} final by text`)
    t.equal(byText?.state, state, `${stat} state by text`)
    const byTlv = parseCarrierReceipt(receiptPdu({ tlvs: { receiptedMessageId: '1', messageState: ms } }))
    t.equal(byTlv?.stat, want, `${stat} by message_state ${ms}`)
    t.equal(byTlv?.state, state, `${stat} state by message_state`)
  }
  const aliases: Array<[string, string]> = [['delivered', 'DELIVRD'], ['FAILED', 'UNDELIV'], ['Rejected', 'REJECTD'], ['BUFFRED', 'ENROUTE'], ['ACKED', 'ACCEPTD']]
  for (const [text, want] of aliases) t.equal(parseCarrierReceipt(receiptPdu({ text: receiptText('1', text) }))?.stat, want, `alias ${text}`)
  t.equal(parseCarrierReceipt(receiptPdu({ tlvs: { receiptedMessageId: '1', messageState: 0 }, text: receiptText('1', 'DELIVRD') }))?.stat, 'DELIVRD',
    'an unknown message_state falls back to the text')
})

t.test('intermediate notifications are not final', async t => {
  const enroute = parseCarrierReceipt(receiptPdu({ esmClass: 0x20, text: receiptText('5', 'ENROUTE') }))
  t.equal(enroute?.final, false)
  t.equal(enroute?.state, null)
  const acceptdIntermediate = parseCarrierReceipt(receiptPdu({ esmClass: 0x20, text: receiptText('5', 'ACCEPTD') }))
  t.equal(acceptdIntermediate?.final, false)
  const acceptdAck = parseCarrierReceipt(receiptPdu({ esmClass: 0x08, text: receiptText('5', 'ACCEPTD') }))
  t.equal(acceptdAck?.final, false)
  const acceptdFinal = parseCarrierReceipt(receiptPdu({ esmClass: 0x04, text: receiptText('5', 'ACCEPTD') }))
  t.equal(acceptdFinal?.final, true)
  const deliveredAck = parseCarrierReceipt(receiptPdu({ esmClass: 0x08, text: receiptText('5', 'DELIVRD') }))
  t.equal(deliveredAck?.state, 'delivered', 'an explicit final stat stays final whatever the esm_class type')
})

t.test('MO traffic and junk are not receipts', async t => {
  t.equal(parseCarrierReceipt(receiptPdu({ esmClass: 0, text: 'hello, are you there?' })), null, 'plain MO')
  t.equal(parseCarrierReceipt(receiptPdu({ esmClass: 0, text: 'id: my id is 42, stat: fine' })), null, 'MO that only looks like one')
  t.equal(parseCarrierReceipt(receiptPdu({ esmClass: 0x40, text: '\u0005\u0000\u0003\u0001\u0002\u0001id:1 stat:DELIVRD done date:2611231601' })), null, 'UDH MO')
  t.equal(parseCarrierReceipt(receiptPdu({ esmClass: 0x10, text: receiptText('1', 'DELIVRD') })), null, 'user acknowledgement')
  t.equal(parseCarrierReceipt(receiptPdu({ esmClass: 0, tlvs: { receiptedMessageId: '1' } })), null, 'a TLV id without a state')
  t.not(parseCarrierReceipt(receiptPdu({ esmClass: 0, text: receiptText('1', 'DELIVRD') })), null, 'an unmarked receipt text is still read')
  t.not(parseCarrierReceipt(receiptPdu({ esmClass: 0, tlvs: { receiptedMessageId: '1', messageState: 2 } })), null, 'unmarked with both TLVs')
  const junk: unknown[] = [
    { commandId: CommandId.DeliverSm },
    { commandId: CommandId.DeliverSm, esmClass: 4, shortMessage: 'not a buffer', tlvs: { receiptedMessageId: 5, messageState: 'x' } },
    { commandId: CommandId.DeliverSm, esmClass: 4, shortMessage: Buffer.from([0xff, 0x00, 0xfe]), tlvs: null },
    { commandId: CommandId.DeliverSm, esmClass: 4, shortMessage: Buffer.alloc(5000, 0x41), tlvs: { networkErrorCode: Buffer.alloc(1) } },
    null
  ]
  for (const j of junk) t.doesNotThrow(() => parseCarrierReceipt(j as DeliverSm))
  t.equal(parseCarrierReceipt(null as unknown as DeliverSm), null)
  const odd = parseCarrierReceipt(junk[1] as DeliverSm)
  t.equal(odd?.carrierMessageId, '')
  t.equal(odd?.final, false)
})
