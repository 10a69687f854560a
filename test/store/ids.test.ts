import t from 'tap'
import { canonicalCarrierId } from '../../src/store/carrier-id.js'
import { idFloor, idTime, MessageIdGenerator } from '../../src/store/ids.js'
import { StoreError } from '../../src/errors.js'

t.test('message ids: 16 hex, time-ordered, unique per slot even past 4096 per ms', async (t) => {
  const a = new MessageIdGenerator(1)
  const b = new MessageIdGenerator(2)
  const now = Date.UTC(2026, 0, 1)
  const seen = new Set<string>()
  let prev = ''
  let ordered = true
  for (let i = 0; i < 10_000; i++) {
    const id = a.next(now)
    if (!(id > prev)) ordered = false
    prev = id
    seen.add(id)
    seen.add(b.next(now))
  }
  t.ok(ordered, 'strictly increasing')
  t.equal(seen.size, 20_000, 'no collisions between slots')
  t.match(prev, /^[0-9a-f]{16}$/)
  const early = a.next(now - 5000)
  t.ok(early > prev, 'a clock stepping back does not go back in ids')
  const c = new MessageIdGenerator(3)
  t.equal(idTime(c.next(now)), now)
  t.ok(idFloor(now) <= c.next(now) && idFloor(now + 1) > c.next(now))
  t.throws(() => new MessageIdGenerator(256), StoreError)
})

t.test('carrier ids: one canonical form (trim, lower case, no leading zeros)', async (t) => {
  t.equal(canonicalCarrierId('  00AbC1 '), 'abc1')
  t.equal(canonicalCarrierId('000'), '0')
  t.equal(canonicalCarrierId('msg-XY/1'), 'msg-xy/1', 'non-numeric ids are only trimmed and lower-cased')
})
