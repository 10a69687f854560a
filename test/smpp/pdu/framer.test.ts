// PduFramer: stream splitting, absurd lengths, and frames that stay valid as more data arrives.

import t from 'tap'
import { decodePdu, encodePdu, PduFramer, type FrameError } from '../../../src/smpp/pdu/index.js'
import { fixtures } from './fixtures.js'

const all = fixtures.map(f => Buffer.from(f.hex, 'hex'))
const stream = Buffer.concat(all)

function drain (f: PduFramer): Buffer[] {
  const out: Buffer[] = []
  for (;;) {
    const x = f.next()
    if (x === null) return out
    if (!Buffer.isBuffer(x)) throw new Error(`unexpected FrameError: ${(x as FrameError).reason}`)
    out.push(x)
  }
}

t.test('a stream split into 1-byte pushes', async t => {
  const f = new PduFramer(65536)
  const got: Buffer[] = []
  for (let i = 0; i < stream.length; i++) {
    f.push(stream.subarray(i, i + 1))
    got.push(...drain(f))
  }
  t.equal(got.length, all.length)
  t.strictSame(got.map(b => b.toString('hex')), all.map(b => b.toString('hex')))
  t.equal(f.buffered, 0)
})

t.test('100 PDUs in one push', async t => {
  const sub = fixtures.find(f => f.name === 'submit_sm')!.pdu
  const bufs = Array.from({ length: 100 }, (_, i) => encodePdu({ ...sub, sequenceNumber: i + 1 }))
  const f = new PduFramer(65536)
  f.push(Buffer.concat(bufs))
  const got = drain(f)
  t.equal(got.length, 100)
  t.ok(got.every((b, i) => decodePdu(b).ok && b.readUInt32BE(12) === i + 1), 'in order, each decodes')
  t.equal(f.buffered, 0)
})

t.test('every split point of a two-PDU stream', async t => {
  const two = Buffer.concat([all[12], all[16]])
  for (let cut = 0; cut <= two.length; cut++) {
    const f = new PduFramer(65536)
    f.push(two.subarray(0, cut))
    const got = drain(f)
    f.push(two.subarray(cut))
    got.push(...drain(f))
    if (got.length !== 2 || !got[0].equals(all[12]) || !got[1].equals(all[16])) return t.fail(`split at ${cut}`)
  }
  t.pass('all split points')
})

t.test('absurd command_length is reported before buffering the body', async t => {
  const f = new PduFramer(4096)
  f.push(Buffer.from('7fffffff', 'hex'))
  const e = f.next() as FrameError
  t.equal(e.commandLength, 0x7fffffff)
  t.match(e.reason, /exceeds/)
  t.equal(f.buffered, 4)
  const g = new PduFramer(4096)
  g.push(Buffer.from('0000000400000015', 'hex'))
  t.match((g.next() as FrameError).reason, /shorter/)
  const h = new PduFramer(4096)
  h.push(Buffer.concat([all[9], Buffer.from('00001001', 'hex')]))
  t.ok(Buffer.isBuffer(h.next()), 'good frames before the bad one are still delivered')
  t.equal((h.next() as FrameError).commandLength, 0x1001)
})

t.test('need more bytes is null, not an error', async t => {
  const f = new PduFramer(4096)
  t.equal(f.next(), null)
  f.push(Buffer.from('0000', 'hex'))
  t.equal(f.next(), null)
  f.push(Buffer.from('0011', 'hex'))
  t.equal(f.next(), null)
  t.equal(f.buffered, 4)
  t.throws(() => new PduFramer(8), RangeError)
})

t.test('frames and decoded buffers stay valid after more data arrives', async t => {
  const deliver = all[16]
  const f = new PduFramer(65536)
  // Split so the framer has to assemble (and later reuse) its own buffer.
  f.push(deliver.subarray(0, 20))
  f.push(deliver.subarray(20, 60))
  f.push(Buffer.concat([deliver.subarray(60), all[0].subarray(0, 10)]))
  const frame = f.next() as Buffer
  const copy = Buffer.from(frame)
  const r = decodePdu(frame)
  if (!r.ok) return t.fail(r.reason)
  const sm = Buffer.from((r.pdu as any).shortMessage)
  f.push(all[0].subarray(10))
  for (let i = 1; i < 50; i++) f.push(Buffer.from(all[i % all.length]))
  t.equal(drain(f).length, 50, 'the rest of the stream frames correctly')
  t.ok(frame.equals(copy), 'frame bytes unchanged')
  t.ok((r.pdu as any).shortMessage.equals(sm), 'short_message unchanged')
})
