import t from 'tap'
import { ourClient, startSim, submitPdu, until, receiptText } from './helpers.js'
import { CommandId, type CancelSm, type QuerySm, type QuerySmResp, type ReplaceSm, type SubmitSmResp } from '../../src/smpp/index.js'

const SLOW = 'carriers:\n  - name: sim\n    port: 0\n    receipts:\n      latency: 400\n'

function query (messageId: string, sourceAddr = 'Instrada'): QuerySm {
  return { commandId: CommandId.QuerySm, commandStatus: 0, sequenceNumber: 0, messageId, sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr }
}
function cancel (messageId: string, fields: Partial<CancelSm> = {}): CancelSm {
  return { commandId: CommandId.CancelSm, commandStatus: 0, sequenceNumber: 0, serviceType: '', messageId, sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Instrada', destAddrTon: 1, destAddrNpi: 1, destinationAddr: '', ...fields }
}
function replace (messageId: string, text: string): ReplaceSm {
  return { commandId: CommandId.ReplaceSm, commandStatus: 0, sequenceNumber: 0, messageId, sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Instrada', scheduleDeliveryTime: '', validityPeriod: '', registeredDelivery: 1, smDefaultMsgId: 0, shortMessage: Buffer.from(text) }
}

t.test('query_sm: ENROUTE while pending, the final state and date after, 0x67 for unknown ids', async (t) => {
  const sim = await startSim(t, SLOW + "    overrides:\n      - { prefix: '3900', stat: UNDELIV, err: 34 }\n")
  const c = await ourClient(t, sim.port())
  const r = await c.session.requestAsync(submitPdu('390012', 'x')) as SubmitSmResp
  const q1 = await c.session.requestAsync(query(r.messageId)) as QuerySmResp
  t.equal(q1.commandStatus, 0)
  t.equal(q1.messageState, 1, 'ENROUTE while pending')
  t.equal(q1.finalDate, '')
  t.ok(await until(() => c.delivers.length === 1))
  const q2 = await c.session.requestAsync(query(r.messageId)) as QuerySmResp
  t.equal(q2.messageState, 5, 'UNDELIVERABLE')
  t.equal(q2.errorCode, 34)
  t.match(q2.finalDate, /^\d{12}\d00\+$/)
  t.equal((await c.session.requestAsync(query('fffffff'))).commandStatus, 0x67, 'unknown id')
  t.equal((await c.session.requestAsync(query(r.messageId, 'Other'))).commandStatus, 0x67, 'another originator')
  t.equal((await c.session.requestAsync(query('not-an-id'))).commandStatus, 0x67, 'malformed id')
})

t.test('cancel_sm before the final state: DELETED receipt, no other; after it: 0x11', async (t) => {
  const sim = await startSim(t, SLOW)
  const c = await ourClient(t, sim.port())
  const r = await c.session.requestAsync(submitPdu('391', 'x')) as SubmitSmResp
  t.equal((await c.session.requestAsync(cancel(r.messageId))).commandStatus, 0)
  t.ok(await until(() => c.delivers.length === 1))
  t.match(receiptText(c.delivers[0]), /stat:DELETED/)
  t.equal(c.delivers[0].tlvs?.messageState, 4)
  const q = await c.session.requestAsync(query(r.messageId)) as QuerySmResp
  t.equal(q.messageState, 4, 'query says DELETED')
  t.equal((await c.session.requestAsync(cancel(r.messageId))).commandStatus, 0x11, 'cannot cancel twice')
  await new Promise((resolve) => setTimeout(resolve, 450))
  t.equal(c.delivers.length, 1, 'the original outcome never comes')
  const r2 = await c.session.requestAsync(submitPdu('392', 'x', { registeredDelivery: 0 })) as SubmitSmResp
  await until(() => sim.carrier().table.lookup(parseInt(r2.messageId, 16))?.final === true, 1000)
  t.equal((await c.session.requestAsync(cancel(r2.messageId))).commandStatus, 0x11, 'final: cancel fails')
})

t.test('cancel_sm by source and destination cancels every pending match', async (t) => {
  const sim = await startSim(t, SLOW)
  const c = await ourClient(t, sim.port())
  await c.session.requestAsync(submitPdu('39111', 'a'))
  await c.session.requestAsync(submitPdu('39111', 'b'))
  await c.session.requestAsync(submitPdu('39222', 'c'))
  t.equal((await c.session.requestAsync(cancel('', { destinationAddr: '39111' }))).commandStatus, 0)
  t.ok(await until(() => c.delivers.length === 2))
  t.ok(c.delivers.every((d) => /stat:DELETED/.test(receiptText(d)) && d.sourceAddr === '39111'))
  t.ok(await until(() => c.delivers.length === 3))
  t.match(receiptText(c.delivers[2]), /stat:DELIVRD/, 'the other one delivered')
})

t.test('replace_sm changes the text before the final state; after it: 0x13', async (t) => {
  const sim = await startSim(t, SLOW)
  const c = await ourClient(t, sim.port())
  const r = await c.session.requestAsync(submitPdu('391', 'original text')) as SubmitSmResp
  t.equal((await c.session.requestAsync(replace(r.messageId, 'replaced text'))).commandStatus, 0)
  t.ok(await until(() => c.delivers.length === 1))
  t.match(receiptText(c.delivers[0]), /text:replaced text$/, 'the receipt quotes the new text')
  t.equal((await c.session.requestAsync(replace(r.messageId, 'too late'))).commandStatus, 0x13)
  t.equal((await c.session.requestAsync(replace('abcdef', 'unknown'))).commandStatus, 0x13)
})

t.test('messages of another account cannot be queried or cancelled', async (t) => {
  const sim = await startSim(t, SLOW + '    accounts:\n      - { system_id: a, password: a }\n      - { system_id: b, password: b }\n')
  const a = await ourClient(t, sim.port(), { systemId: 'a', password: 'a' })
  const b = await ourClient(t, sim.port(), { systemId: 'b', password: 'b' })
  const r = await a.session.requestAsync(submitPdu('391', 'x')) as SubmitSmResp
  t.equal((await b.session.requestAsync(query(r.messageId))).commandStatus, 0x67)
  t.equal((await b.session.requestAsync(cancel(r.messageId))).commandStatus, 0x11)
})
