import t from 'tap'
import { ResponseTimeoutError, SessionClosedError } from '../../src/errors.js'
import { CommandId, type ResponsePdu } from '../../src/smpp/pdu/types.js'
import { RequestWindow } from '../../src/smpp/window.js'

const resp = (seq: number, commandId: number = CommandId.SubmitSmResp): ResponsePdu =>
  ({ commandId, commandStatus: 0, sequenceNumber: seq, messageId: 'x' }) as ResponsePdu

type Outcome = { err: Error | null, resp: ResponsePdu | null, token: string }
function recorder (): { out: Outcome[], cb: (err: Error | null, resp: ResponsePdu | null, token: string) => void } {
  const out: Outcome[] = []
  return { out, cb: (err, r, token) => { out.push({ err, resp: r, token }) } }
}

t.test('a full window refuses offers until a response frees a slot', async (t) => {
  const w = new RequestWindow(2)
  const { out, cb } = recorder()
  t.ok(w.offer(1, CommandId.SubmitSm, 0, 1000, cb, 'a'))
  t.ok(w.offer(2, CommandId.SubmitSm, 0, 1000, cb, 'b'))
  t.notOk(w.offer(3, CommandId.SubmitSm, 0, 1000, cb, 'c'), 'third offer refused')
  t.equal(w.available, 0)
  t.ok(w.complete(resp(2)))
  t.equal(out[0].token, 'b', 'the callback gets its token back')
  t.equal(out[0].resp?.sequenceNumber, 2)
  t.equal(w.available, 1)
  t.ok(w.offer(3, CommandId.SubmitSm, 0, 1000, cb, 'c'))
})

t.test('expire fails only requests past their deadline, oldest first', async (t) => {
  const w = new RequestWindow(10)
  const { out, cb } = recorder()
  w.offer(1, CommandId.SubmitSm, 0, 100, cb, 'a')
  w.offer(2, CommandId.SubmitSm, 50, 100, cb, 'b')
  w.offer(3, CommandId.SubmitSm, 200, 100, cb, 'c')
  t.equal(w.expire(99), 0)
  t.equal(w.expire(160), 2)
  t.same(out.map((o) => o.token), ['a', 'b'])
  t.ok(out.every((o) => o.err instanceof ResponseTimeoutError))
  t.equal(w.size, 1)
  t.equal(w.nextDeadline, 300)
})

t.test('late and unknown responses are counted and handed to the callback, never thrown', async (t) => {
  const unmatched: Array<[number, boolean]> = []
  const w = new RequestWindow(4, (r, late) => unmatched.push([r.sequenceNumber, late]))
  const { out, cb } = recorder()
  w.offer(7, CommandId.SubmitSm, 0, 10, cb, 'a')
  w.expire(100)
  t.notOk(w.complete(resp(7)), 'late response does not match')
  t.notOk(w.complete(resp(99)), 'unknown sequence')
  w.offer(8, CommandId.SubmitSm, 0, 10, cb, 'b')
  t.notOk(w.complete(resp(8, CommandId.DeliverSmResp)), 'wrong response type for the sequence')
  t.equal(w.lateResponses, 1)
  t.equal(w.unknownResponses, 2)
  t.same(unmatched, [[7, true], [99, false], [8, false]])
  t.equal(out.length, 1, 'only the timeout reached a request callback')
  t.ok(w.complete(resp(8, CommandId.GenericNack)), 'generic_nack matches any request')
  t.equal(out[1].resp?.commandId, CommandId.GenericNack)
})

t.test('failAll fails everything outstanding once', async (t) => {
  const w = new RequestWindow(4)
  const { out, cb } = recorder()
  w.offer(1, CommandId.SubmitSm, 0, 10, cb, 'a')
  w.offer(2, CommandId.EnquireLink, 0, 10, cb, 'b')
  const err = new SessionClosedError()
  t.equal(w.failAll(err), 2)
  t.equal(w.size, 0)
  t.same(out.map((o) => [o.token, o.err]), [['a', err], ['b', err]])
  t.equal(w.failAll(err), 0)
  t.equal(w.expire(1000), 0)
})

t.test('a callback may offer again from inside complete()', async (t) => {
  const w = new RequestWindow(1)
  let seq = 1
  let done = 0
  const cb = (): void => { done++; if (done < 5) w.offer(++seq, CommandId.SubmitSm, 0, 10, cb, null) }
  w.offer(seq, CommandId.SubmitSm, 0, 10, cb, null)
  for (let i = 1; i <= 5; i++) w.complete(resp(i))
  t.equal(done, 5)
  t.equal(w.size, 0)
})

t.test('colliding sequence numbers (a stuck request) still match', async (t) => {
  const w = new RequestWindow(3)
  const { out, cb } = recorder()
  // 16 slots for capacity 3: 1, 17 and 33 share a slot.
  t.ok(w.offer(1, CommandId.SubmitSm, 0, 100, cb, 'a'))
  t.ok(w.offer(17, CommandId.SubmitSm, 10, 100, cb, 'b'))
  t.ok(w.offer(33, CommandId.SubmitSm, 20, 100, cb, 'c'))
  t.ok(w.has(17) && w.has(33) && w.has(1))
  t.ok(w.complete(resp(17)))
  t.ok(w.complete(resp(1)))
  t.ok(w.offer(49, CommandId.SubmitSm, 30, 100, cb, 'd'))
  t.notOk(w.complete(resp(17)), 'already completed')
  t.equal(w.expire(125), 1, 'the oldest left (33) expires first')
  t.ok(w.complete(resp(49)))
  t.same(out.map((o) => o.token), ['b', 'a', 'c', 'd'])
  t.equal(w.size, 0)
})

t.test('many requests in and out in random order', async (t) => {
  const w = new RequestWindow(100)
  const outstanding = new Set<number>()
  let completed = 0
  const cb = (): void => { completed++ }
  let seq = 0
  for (let round = 0; round < 2000; round++) {
    while (w.available > 0) { seq++; w.offer(seq, CommandId.SubmitSm, 0, 1000, cb, null); outstanding.add(seq) }
    const pick = [...outstanding][Math.floor(Math.random() * outstanding.size)]
    if (!w.complete(resp(pick))) t.fail(`seq ${pick} not found`)
    outstanding.delete(pick)
  }
  t.equal(completed, 2000)
  t.equal(w.size, outstanding.size)
  t.equal(w.failAll(new SessionClosedError()), outstanding.size)
  t.equal(completed, 2000 + outstanding.size)
})
