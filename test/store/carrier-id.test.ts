import t from 'tap'
import { canonicalCarrierId } from '../../src/store/carrier-id.js'

// The rule, written the obvious way: trimmed, lower case, and leading zeros dropped from an
// all-hex id (keeping one zero). The store's version takes a fast path for most ids.
function rule (raw: string): string {
  const s = raw.trim().toLowerCase()
  if (!/^[0-9a-f]+$/.test(s)) return s
  const stripped = s.replace(/^0+/, '')
  return stripped === '' ? '0' : stripped
}

t.test('carrier message ids: canonical form', async (t) => {
  t.equal(canonicalCarrierId('00012345'), '12345')
  t.equal(canonicalCarrierId(' 0A1B '), 'a1b')
  t.equal(canonicalCarrierId('000'), '0')
  t.equal(canonicalCarrierId('0x1F'), '0x1f', 'not all hex: only trimmed and lower-cased')
  t.equal(canonicalCarrierId('ab-CD-01'), 'ab-cd-01')
  t.equal(canonicalCarrierId(''), '')
  let seed = 7
  const chars = '0aF g\t9-Üz1'
  let differ = 0
  for (let i = 0; i < 5000; i++) {
    let s = ''
    const n = i % 9
    for (let k = 0; k < n; k++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      s += chars[seed % chars.length]
    }
    if (canonicalCarrierId(s) !== rule(s)) differ++
  }
  t.equal(differ, 0, 'agrees with the rule on 5000 random ids')
})
