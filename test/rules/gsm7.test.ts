import t from 'tap'
import { decodeGsm7, gsm7Septets, GSM7_EXTENSION_CHARS, writeGsm7 } from '../../src/rules/gsm7.js'
import { GSM_BASIC, GSM_EXT } from './fixtures.js'

t.test('every GSM 03.38 character round-trips through its septet(s)', async (t) => {
  const all = GSM_BASIC + GSM_EXT
  const out = new Uint8Array(gsm7Septets(all))
  const end = writeGsm7(all, 0, all.length, out, 0)
  t.equal(end, GSM_BASIC.length + 2 * GSM_EXT.length, 'basic one septet, extension two')
  t.equal(decodeGsm7(out), all)
  t.same([...GSM7_EXTENSION_CHARS].sort(), [...GSM_EXT].sort())
})

t.test('septet values of landmark characters', async (t) => {
  const rows: Array<[string, number[]]> = [
    ['@', [0x00]], ['£', [0x01]], ['$', [0x02]], ['\n', [0x0a]], ['_', [0x11]], [' ', [0x20]], ['¡', [0x40]],
    ['§', [0x5f]], ['¿', [0x60]], ['à', [0x7f]], ['€', [0x1b, 0x65]], ['^', [0x1b, 0x14]], ['|', [0x1b, 0x40]], ['\f', [0x1b, 0x0a]]
  ]
  for (const [ch, bytes] of rows) {
    const out = new Uint8Array(2)
    const n = writeGsm7(ch, 0, 1, out, 0)
    t.same([...out.subarray(0, n)], bytes, JSON.stringify(ch))
  }
})

t.test('characters outside the alphabet', async (t) => {
  for (const ch of ['`', 'ê', 'ç', 'ж', '“', '…', '\u00a0', '😀']) t.equal(gsm7Septets('a' + ch), -1, ch)
})

t.test('decoding odd input', async (t) => {
  t.equal(decodeGsm7(Uint8Array.from([0x41, 0x80])), null, 'a byte above 0x7F is not a septet')
  t.equal(decodeGsm7(Uint8Array.from([0x1b, 0x41])), 'A', 'unknown extension code shows the basic character (03.38)')
  t.equal(decodeGsm7(Uint8Array.from([0x41, 0x1b])), 'A', 'a dangling escape shows nothing')
  t.equal(decodeGsm7(Uint8Array.from([0x1b, 0x1b])), ' ', 'escape-escape (reserved) shows a space')
})

t.test('the plain-text fast path and the table path agree on every septet', async (t) => {
  for (let b = 0; b < 128; b++) {
    const plain = Uint8Array.from([0x41, b, 0x42]) // one byte among plain letters
    const viaTable = decodeGsm7(Uint8Array.from([0x10, 0x41, b, 0x42]))!.slice(1) // Δ forces the table path
    if (b === 0x1b) continue // an escape changes the meaning of the next byte
    t.equal(decodeGsm7(plain), viaTable, `septet 0x${b.toString(16)}`)
  }
})
