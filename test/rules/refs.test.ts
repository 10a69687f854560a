import t from 'tap'
import { createRefState, nextRef } from '../../src/rules/index.js'

t.test('references step per destination: 65,536 distinct (256 in the low byte) before repeating', async (t) => {
  const s = createRefState(10, 100)
  const seen16 = new Set<number>()
  const seen8 = new Set<number>()
  for (let i = 0; i < 256; i++) { const r = nextRef(s, '393201234567'); seen16.add(r); seen8.add(r & 0xff) }
  t.equal(seen16.size, 256)
  t.equal(seen8.size, 256, 'udh8 sees every low byte once in 256 messages')
  t.equal(nextRef(s, '393201234567') & 0xff, 100 & 0xff, 'the 257th wraps the low byte')
})

t.test('destinations are independent; new ones start far apart', async (t) => {
  const s = createRefState(10, 0)
  const a = nextRef(s, 'a')
  const b = nextRef(s, 'b')
  t.not(a, b)
  t.equal(nextRef(s, 'a'), (a + 1) & 0xffff, 'a continues its own sequence')
  t.equal(nextRef(s, 'b'), (b + 1) & 0xffff)
})

t.test('bounded: the least recently used destination is forgotten, and restarts elsewhere', async (t) => {
  const s = createRefState(2, 0)
  const first = nextRef(s, 'x')
  nextRef(s, 'y')
  nextRef(s, 'z') // evicts x
  t.equal(s.next.size, 2)
  t.notOk(s.next.has('x'))
  const again = nextRef(s, 'x')
  t.not(again, first, 'x does not restart at the reference it used last')
  t.not(again, (first + 1) & 0xffff)
  nextRef(s, 'z') // z is now most recent, y is the oldest
  nextRef(s, 'w')
  t.notOk(s.next.has('y'), 'recently used entries survive')
})

t.test('pure: two states with the same seed give the same sequence', async (t) => {
  const a = createRefState(5, 42)
  const b = createRefState(5, 42)
  const seq = (s: ReturnType<typeof createRefState>) => ['p', 'q', 'p', 'r', 'q'].map((d) => nextRef(s, d))
  t.same(seq(a), seq(b))
})
