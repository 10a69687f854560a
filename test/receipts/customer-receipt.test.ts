import { createRequire } from 'node:module'
import t from 'tap'
import {
  aggregateState, buildCustomerReceipt, customerReceiptFor, customerReceiptText, DlrCorrelator, parseCarrierReceipt, wantsReceipt,
  type CarrierReceipt
} from '../../src/receipts/index.js'
import { CommandId, decodePdu, encodePdu, type DeliverSm } from '../../src/smpp/pdu/index.js'
import type { FinalState, MessageRecord, PartRecord } from '../../src/store/index.js'
import { accept, commit, openStore, receiptPdu, receiptText, request } from './helpers.js'

// node-smpp ships no types; require() keeps it `any` without a project-wide declaration.
const smpp = createRequire(import.meta.url)('smpp')

const RECEIVED = Date.UTC(2026, 10, 23, 16, 0, 30)
const FINISHED = Date.UTC(2026, 10, 23, 16, 2, 5)

function part (i: number, state: PartRecord['state'], error: string | null): PartRecord {
  return {
    part: i, payload: Buffer.from('x'), state, queuedAt: RECEIVED, dispatchedAt: RECEIVED, submittedAt: RECEIVED, doneAt: FINISHED,
    carrierId: 'simA', carrierMessageId: String(i), error, attempts: 1, charged: 1000, dueAt: null
  }
}

function record (parts: PartRecord[], over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: '0123456789abcdef', account: 'acme', origin: { kind: 'smpp', bindId: 'b1' }, reference: null, sender: 'Instrada',
    destination: '393331234567', country: 'IT', type: 'pro', dataCoding: 0, esmClass: 0, registeredDelivery: 1,
    protocolId: 0, priorityFlag: 0, concatRef: 0, cutFor: 'udh8', partCost: 1000,
    cost: 1000 * parts.length, receivedAt: RECEIVED, validUntil: null, scheduledAt: null, finishedAt: FINISHED, parts, ...over
  }
}

t.test('golden receipt text and fields', async t => {
  const m = record([part(0, 'delivered', 'DELIVRD:000'), part(1, 'undeliverable', 'UNDELIV:001:030001')])
  const pdu = buildCustomerReceipt(m, FINISHED + 1000)
  t.equal(pdu.shortMessage.toString('latin1'),
    'id:0123456789abcdef sub:002 dlvrd:001 submit date:2611231600 done date:2611231602 stat:UNDELIV err:001 text:')
  t.match(pdu, {
    commandId: CommandId.DeliverSm,
    esmClass: 0x04,
    sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '393331234567',
    destAddrTon: 5, destAddrNpi: 0, destinationAddr: 'Instrada',
    registeredDelivery: 0, dataCoding: 0
  })
  t.same(pdu.tlvs, { receiptedMessageId: '0123456789abcdef', networkErrorCode: Buffer.from([3, 0, 1]), messageState: 5 })
  const numeric = buildCustomerReceipt(record([part(0, 'delivered', 'DELIVRD:000')], { sender: '393339876543' }), FINISHED)
  t.match(numeric, { destAddrTon: 1, destAddrNpi: 1, destinationAddr: '393339876543' })
  t.equal(numeric.shortMessage.toString('latin1'),
    'id:0123456789abcdef sub:001 dlvrd:001 submit date:2611231600 done date:2611231602 stat:DELIVRD err:000 text:')
  t.same(numeric.tlvs?.messageState, 2)
})

t.test('the carrier stat passes through, the router\'s own outcomes get theirs', async t => {
  const cases: Array<[FinalState, string | null, string, string, number]> = [
    ['delivered', 'ACCEPTD:000', 'DELIVRD', '000', 2], // customers such as Kannel read ACCEPTD as not final
    ['failed', 'DELETED:006', 'DELETED', '006', 4],
    ['failed', 'UNKNOWN:255', 'UNKNOWN', '255', 7],
    ['rejected', '0x00000045', 'REJECTD', '069', 8],
    ['undeliverable', 'ESME_RSUBMITFAIL', 'UNDELIV', '000', 5],
    ['failed', null, 'UNDELIV', '000', 5],
    ['expired', null, 'EXPIRED', '000', 3],
    ['expired', 'DELIVRD:000', 'EXPIRED', '000', 3] // a stat that disagrees with the state is ignored
  ]
  for (const [state, error, stat, err, ms] of cases) {
    const pdu = buildCustomerReceipt(record([part(0, state, error)]), FINISHED)
    t.match(pdu.shortMessage.toString('latin1'), new RegExp(`stat:${stat} err:${err} text:$`), `${state} / ${String(error)}`)
    t.equal(pdu.tlvs?.messageState, ms)
  }
})

t.test('a message not yet final gives an intermediate notification', async t => {
  const m = record([part(0, 'delivered', null), part(1, 'submitted', null)], { finishedAt: null })
  t.same(aggregateState(m), { final: false, state: null })
  t.equal(customerReceiptFor(m, FINISHED), null)
  const pdu = buildCustomerReceipt(m, FINISHED)
  t.equal(pdu.esmClass, 0x20)
  t.equal(pdu.tlvs?.messageState, 1)
  t.match(customerReceiptText(m, FINISHED).text, /dlvrd:001 .* done date:2611231602 stat:ENROUTE/)
})

t.test('aggregate: delivered only if every part was, else the worst part', async t => {
  const agg = (states: FinalState[]): unknown => aggregateState(record(states.map((s, i) => part(i, s, null)))).state
  t.equal(agg(['delivered', 'delivered']), 'delivered')
  t.equal(agg(['delivered', 'expired']), 'expired')
  t.equal(agg(['expired', 'undeliverable']), 'undeliverable')
  t.equal(agg(['undeliverable', 'failed', 'delivered']), 'failed')
  t.equal(agg(['failed', 'rejected', 'expired']), 'rejected')
  t.same(aggregateState(record([])), { final: false, state: null })
})

t.test('wantsReceipt follows registered_delivery', async t => {
  const states: FinalState[] = ['delivered', 'undeliverable', 'expired', 'rejected', 'failed']
  for (const s of states) {
    t.equal(wantsReceipt(0, s), false, `0 ${s}`)
    t.equal(wantsReceipt(1, s), true, `1 ${s}`)
    t.equal(wantsReceipt(2, s), s !== 'delivered', `2 ${s}`)
    t.equal(wantsReceipt(0x11, s), true, `0x11 ${s}`)
    t.equal(wantsReceipt(0x10, s), false, `0x10 ${s}`)
  }
  const m = record([part(0, 'delivered', null)], { registeredDelivery: 2 })
  t.equal(customerReceiptFor(m, FINISHED), null, 'failure only, delivered: nothing')
  t.not(customerReceiptFor({ ...m, parts: [part(0, 'rejected', null)] }, FINISHED), null)
})

t.test('encoded with our codec and decoded back, and by node-smpp', async t => {
  const pdu = buildCustomerReceipt(record([part(0, 'delivered', 'DELIVRD:000:030000'), part(1, 'delivered', 'DELIVRD:000')]), FINISHED)
  pdu.sequenceNumber = 42
  const bytes = encodePdu(pdu)
  const back = decodePdu(bytes)
  t.equal(back.ok, true)
  t.same(back.ok && back.pdu, pdu)
  const theirs = smpp.PDU.fromBuffer(bytes) as Record<string, any>
  t.equal(theirs.command, 'deliver_sm')
  t.equal(theirs.sequence_number, 42)
  t.equal(theirs.esm_class, 0x04)
  t.equal(theirs.source_addr, '393331234567')
  t.equal(theirs.destination_addr, 'Instrada')
  t.equal(theirs.receipted_message_id, '0123456789abcdef')
  t.equal(theirs.message_state, 2)
  t.same(Buffer.from(theirs.network_error_code), Buffer.from([3, 0, 0]))
  const text: string = typeof theirs.short_message === 'string' ? theirs.short_message : theirs.short_message.message
  t.equal(text, 'id:0123456789abcdef sub:002 dlvrd:002 submit date:2611231600 done date:2611231602 stat:DELIVRD err:000 text:')
  t.match(parseCarrierReceipt(pdu), { carrierMessageId: '0123456789abcdef', stat: 'DELIVRD', final: true }, 'our own parser reads it')
})

t.test('from the store: carrier receipts and router-finished messages', async t => {
  const store = await openStore(t)
  const c = new DlrCorrelator(store, { holdMs: 0 })
  t.teardown(() => c.close())
  const id = await accept(store, request('acme', 2, { sender: '393339876543', registeredDelivery: 0x11 }))
  await commit(store, { account: 'acme', id, part: 0 }, 'simA', '7001')
  await commit(store, { account: 'acme', id, part: 1 }, 'simA', '7002')
  const carrier = (cid: string, stat: string): CarrierReceipt => parseCarrierReceipt(receiptPdu({
    text: receiptText(cid, stat, '034'), tlvs: { networkErrorCode: Buffer.from([3, 0, 34]) }
  })) as CarrierReceipt
  await c.handle('simA', carrier('7001', 'DELIVRD'))
  const last = await c.handle('simA', carrier('07002', 'UNDELIV')) // exact id (leading zeros aside): no hex/decimal guessing
  const m = last.kind === 'final' ? last.message : null
  t.not(m, null)
  const pdu = customerReceiptFor(m as MessageRecord, Date.now()) as DeliverSm
  t.match(pdu.shortMessage.toString('latin1'), new RegExp(`^id:${id} sub:002 dlvrd:001 .* stat:UNDELIV err:034 text:$`))
  t.same(pdu.tlvs?.networkErrorCode, Buffer.from([3, 0, 34]))
  t.match(pdu, { sourceAddr: '393331234567', destinationAddr: '393339876543', destAddrTon: 1 })

  // The router's own outcomes: expiry before sending, and a permanent carrier error.
  const expired = await accept(store, request('acme', 1))
  await store.finish({ account: 'acme', id: expired, part: 0 }, 'expired', null)
  const e = await store.get('acme', expired)
  t.match(customerReceiptFor(e as MessageRecord, Date.now())?.shortMessage.toString('latin1'), /sub:001 dlvrd:000 .* stat:EXPIRED err:000/)
  const refused = await accept(store, request('globex', 1))
  await store.dispatch({ account: 'globex', id: refused, part: 0 }, 'simA')
  await store.finish({ account: 'globex', id: refused, part: 0 }, 'rejected', '0x00000045')
  const r = await store.get('globex', refused)
  const rp = customerReceiptFor(r as MessageRecord, Date.now()) as DeliverSm
  t.match(rp.shortMessage.toString('latin1'), /stat:REJECTD err:069/)
  t.equal(rp.tlvs?.receiptedMessageId, refused)

  // The receipt outbox keeps the PDU as built (Buffers included).
  const key = await store.enqueueReceipt('acme', pdu as unknown as Record<string, unknown>)
  const stored = (await store.peekReceipts('acme', 10)).find((e) => e.key === key)
  t.ok(stored !== undefined, 'the enqueued receipt is in the outbox')
  t.same(encodePdu(stored!.receipt as unknown as DeliverSm), encodePdu(pdu), 'the stored receipt encodes to the same bytes')
  // Finishing a message that asked for a receipt wrote its outbox marker in the same transaction.
  const globex = await store.peekReceipts('globex', 10)
  t.same(globex.map((e) => [e.key, (e.receipt as { message?: string }).message]), [[refused, refused]], 'globex sees only its own message\'s marker')
  t.notOk((await store.peekReceipts('acme', 10)).some((e) => e.key === refused), 'acme never sees globex\'s')
})
