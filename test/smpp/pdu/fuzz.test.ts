// Bounded, seeded fuzzing: random bytes, truncations and bit flips of valid PDUs never make
// decodePdu or the framer throw, and never hit the internal-error path.

import t from 'tap'
import { CommandId, CommandStatus, decodePdu, PduFramer } from '../../../src/smpp/pdu/index.js'
import { fixtures } from './fixtures.js'

function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const ids = Object.values(CommandId)
const valid = fixtures.map(f => Buffer.from(f.hex, 'hex'))

function check (t: { fail (msg: string): unknown }, frame: Buffer, what: string): boolean {
  try {
    const r = decodePdu(frame)
    if (!r.ok && r.status === CommandStatus.ESME_RSYSERR) {
      t.fail(`${what}: internal decoder error ${r.reason} on ${frame.toString('hex')}`)
      return false
    }
    return true
  } catch (err) {
    t.fail(`${what}: threw ${String(err)} on ${frame.toString('hex')}`)
    return false
  }
}

t.test('random bodies under every command id', async t => {
  const r = rng(0xc0dec)
  let n = 0
  for (let i = 0; i < 20000; i++) {
    const len = 16 + Math.floor(r() * 200)
    const b = Buffer.alloc(len)
    for (let j = 16; j < len; j++) b[j] = r() < 0.3 ? 0 : Math.floor(r() * 256)
    b.writeUInt32BE(len, 0)
    b.writeUInt32BE(ids[Math.floor(r() * ids.length)], 4)
    b.writeUInt32BE(r() < 0.8 ? 0 : Math.floor(r() * 256), 8)
    b.writeUInt32BE(i, 12)
    if (!check(t, b, 'random')) return
    n++
  }
  t.equal(n, 20000)
})

t.test('every truncation of every golden PDU', async t => {
  for (const v of valid) {
    for (let k = 0; k < v.length; k++) {
      const cut = Buffer.from(v.subarray(0, k))
      if (!check(t, cut, 'raw truncation')) return
      if (k >= 16) {
        cut.writeUInt32BE(k, 0)
        const r = decodePdu(cut)
        if (!check(t, cut, 'consistent truncation')) return
        // A shorter body is acceptable only where a tolerated shape exists (body-less error responses etc.).
        void r
      }
    }
  }
  t.pass('no throws')
})

t.test('random bit flips and random lengths', async t => {
  const r = rng(42)
  for (let i = 0; i < 20000; i++) {
    const v = Buffer.from(valid[Math.floor(r() * valid.length)])
    const flips = 1 + Math.floor(r() * 4)
    for (let j = 0; j < flips; j++) v[Math.floor(r() * v.length)] ^= 1 << Math.floor(r() * 8)
    if (!check(t, v, 'bit flip')) return
  }
  t.pass('no throws')
})

t.test('the framer with random chunking and garbage', async t => {
  const r = rng(7)
  const stream = Buffer.concat(valid)
  for (let round = 0; round < 200; round++) {
    const f = new PduFramer(4096)
    let pos = 0
    let frames = 0
    while (pos < stream.length) {
      const n = 1 + Math.floor(r() * 64)
      f.push(stream.subarray(pos, pos + n))
      pos += n
      for (let x = f.next(); x !== null; x = f.next()) {
        if (!Buffer.isBuffer(x)) return t.fail('unexpected FrameError')
        frames++
      }
    }
    if (frames !== valid.length) return t.fail(`round ${round}: ${frames} frames`)
  }
  for (let round = 0; round < 2000; round++) {
    const f = new PduFramer(4096)
    const junk = Buffer.alloc(1 + Math.floor(r() * 300))
    for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(r() * 256)
    try {
      f.push(junk)
      for (let k = 0; k < 10; k++) {
        const x = f.next()
        if (x === null || !Buffer.isBuffer(x)) break
        decodePdu(x)
      }
    } catch (err) {
      return t.fail(`framer threw ${String(err)}`)
    }
  }
  t.pass('no throws')
})
