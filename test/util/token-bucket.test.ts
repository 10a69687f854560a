import t from 'tap'
import { TokenBucket } from '../../src/util/token-bucket.js'

t.test('a full bucket allows a burst, then the rate', async (t) => {
  const b = new TokenBucket(100, 10, 0)
  let taken = 0
  for (let i = 0; i < 50; i++) if (b.tryTake(1, 0)) taken++
  t.equal(taken, 10, 'burst of 10 at time 0')
  t.notOk(b.tryTake(1, 5), 'half a token after 5 ms is not enough')
  t.ok(b.tryTake(1, 10), 'one token after 10 ms at 100/s')
  t.equal(b.waitMs(5, 10), 50, '5 tokens take 50 ms')
  t.notOk(b.tryTake(5, 59))
  t.ok(b.tryTake(5, 60))
})

t.test('multi-part messages take all their tokens or none', async (t) => {
  const b = new TokenBucket(10, 4, 0)
  t.notOk(b.tryTake(5, 0), 'more than the burst never fits')
  t.ok(b.tryTake(4, 0))
  t.notOk(b.tryTake(1, 0), 'nothing was half-taken')
})

t.test('rate 0 is unlimited; setRate slows down and keeps the cap', async (t) => {
  const u = new TokenBucket(0, 1, 0)
  t.ok(u.unlimited)
  let ok = 0
  for (let i = 0; i < 1000; i++) if (u.tryTake(3, 0)) ok++
  t.equal(ok, 1000, "every take succeeds")
  const b = new TokenBucket(1000, 1000, 0)
  b.setRate(10, 10, 0)
  t.equal(b.ratePerSecond, 10)
  let taken = 0
  for (let i = 0; i < 100; i++) if (b.tryTake(1, 0)) taken++
  t.equal(taken, 10, 'tokens above the new burst are dropped')
})
