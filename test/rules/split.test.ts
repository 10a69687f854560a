import t from 'tap'
import { CONCAT_METHODS, parseUdh, prepareSubmit, prepareText, PreparedMessage, splitMessage, type ConcatMethod, type Part } from '../../src/rules/index.js'
import { decodeGsm7 } from '../../src/rules/gsm7.js'
import { decodeUcs2 } from '../../src/rules/ucs2.js'
import { genText, prng, type TextKind } from './fixtures.js'

const pro = { maxParts: 255, transliterate: false, unicode: true }
const prep = (s: string): PreparedMessage => prepareText(s, pro) as PreparedMessage

t.test('golden bytes: udh8, udh16 and SAR', async (t) => {
  const m = prep('A'.repeat(153) + 'B'.repeat(8))
  const u8 = splitMessage(m, 'udh8', 0x1234)
  t.equal(u8.method, 'udh8')
  t.equal(u8.parts[0].shortMessage.subarray(0, 7).toString('hex'), '05000334020141', 'ref is the low byte')
  t.equal(u8.parts[1].shortMessage.toString('hex'), '050003340202' + '42'.repeat(8))
  t.equal(u8.parts[0].esmClass, 0x40)
  const u16 = splitMessage(prep('A'.repeat(152) + 'B'.repeat(9)), 'udh16', 0x1234)
  t.equal(u16.method, 'udh16')
  t.equal(u16.parts[1].shortMessage.toString('hex'), '06080412340202' + '42'.repeat(9))
  t.equal(u16.parts[0].shortMessage.length, 7 + 152)
  const sar = splitMessage(m, 'sar', 0x1234)
  t.equal(sar.method, 'sar')
  t.same(sar.parts.map((p) => [p.esmClass, p.sarRef, p.sarTotal, p.sarSeq, p.shortMessage.length]), [[0, 0x1234, 2, 1, 153], [0, 0x1234, 2, 2, 8]])
  const single = splitMessage(prep('hi €'), 'udh16', 9)
  t.equal(single.method, 'none')
  t.equal(single.parts[0].shortMessage.toString('hex'), '6869201b65', 'one part: plain septets, no UDH')
  t.equal(single.parts[0].esmClass, 0)
  const ucs = splitMessage(prep('ж'), 'udh8', 0)
  t.equal(ucs.parts[0].shortMessage.toString('hex'), '0436')
  t.equal(ucs.dataCoding, 8)
})

t.test('udh16 falls back to udh8 when the extra octet would need one more part', async (t) => {
  const m = prep('a'.repeat(306)) // 2 × 153: at 152 per part it would take 3
  t.equal(m.parts, 2)
  const s = splitMessage(m, 'udh16', 0x0102)
  t.equal(s.method, 'udh8')
  t.equal(s.parts.length, 2, 'the part count billed holds')
  t.equal(s.parts[0].shortMessage[1], 0x00, '8-bit reference IE')
  const b = prepareSubmit({ shortMessage: Buffer.alloc(268, 7), dataCoding: 4, esmClass: 0, messagePayload: null }, pro) as PreparedMessage
  t.equal(splitMessage(b, 'udh16', 1).method, 'udh8', 'binary 2 × 134 octets: same fallback')
  const b2 = prepareSubmit({ shortMessage: Buffer.alloc(200, 7), dataCoding: 4, esmClass: 0, messagePayload: null }, pro) as PreparedMessage
  const s2 = splitMessage(b2, 'udh16', 0xabcd)
  t.equal(s2.method, 'udh16')
  t.same(s2.parts.map((p) => p.shortMessage.length), [7 + 133, 7 + 67])
})

/** Text back from the parts, as a phone would reassemble them. */
function reassemble (parts: Part[], encoding: string, method: ConcatMethod | 'none'): string {
  let s = ''
  parts.forEach((p, k) => {
    let body = p.shortMessage
    if (method === 'udh8' || method === 'udh16') {
      const h = parseUdh(body)!
      if (h.concatSeq !== k + 1 || h.concatTotal !== parts.length) throw new Error('bad concat header')
      if (h.ref16 !== (method === 'udh16')) throw new Error('wrong IE')
      body = body.subarray(h.octets)
    } else if (method === 'sar' && (p.sarSeq !== k + 1 || p.sarTotal !== parts.length)) throw new Error('bad SAR')
    s += encoding === 'gsm7' ? decodeGsm7(body)! : decodeUcs2(body)!
  })
  return s
}

t.test('property: reassembling the parts gives back the input, every encoding and method', async (t) => {
  const rand = prng(7)
  const kinds: TextKind[] = ['gsm', 'gsmExt', 'ucs2', 'astral', 'clusters']
  let checked = 0
  const failures: string[] = []
  for (let i = 0; i < 1500; i++) {
    const kind = kinds[i % kinds.length]
    const text = genText(rand, kind, 1 + Math.floor(rand() * 650))
    const m = prep(text)
    for (const method of CONCAT_METHODS) {
      const s = splitMessage(m, method, Math.floor(rand() * 65536))
      const capacity = m.parts === 1 ? (m.encoding === 'gsm7' ? 160 : 140) : 140
      if (s.parts.length !== m.parts) failures.push(`count ${kind} ${method}`)
      for (const p of s.parts) {
        const bits = m.encoding === 'gsm7' ? udhBits(p) + (p.shortMessage.length - udhBits(p) / 8) * 7 : p.shortMessage.length * 8
        if (m.encoding === 'gsm7' ? bits > 1120 : p.shortMessage.length > capacity) failures.push(`overfull ${kind} ${method}`)
      }
      if (reassemble(s.parts, m.encoding, s.method) !== text) failures.push(`text ${kind} ${method} ${JSON.stringify(text.slice(0, 30))}`)
      checked++
    }
  }
  t.same(failures, [], `${checked} splits reassemble exactly, never overfull, part count as billed`)
})

function udhBits (p: Part): number {
  return p.esmClass === 0x40 ? (p.shortMessage[0] + 1) * 8 : 0
}

t.test('property: binary parts reassemble', async (t) => {
  const rand = prng(11)
  for (let i = 0; i < 200; i++) {
    const bytes = Buffer.alloc(1 + Math.floor(rand() * 530))
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256)
    const m = prepareSubmit({ shortMessage: bytes, dataCoding: 4, esmClass: 0, messagePayload: null }, pro) as PreparedMessage
    for (const method of CONCAT_METHODS) {
      const s = splitMessage(m, method, i)
      const back = Buffer.concat(s.parts.map((p) => p.esmClass === 0x40 ? p.shortMessage.subarray(p.shortMessage[0] + 1) : p.shortMessage))
      if (!back.equals(bytes) || s.parts.length !== m.parts || s.parts.some((p) => p.shortMessage.length > 140)) {
        t.fail(`binary ${bytes.length} octets via ${method}`)
        return
      }
    }
  }
  t.pass('200 binary payloads × 3 methods')
})
