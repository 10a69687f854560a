import t from 'tap'
import { TimerWheel } from '../../src/sim/scheduler.js'

class Item { due: number; tag: number; constructor (due: number, tag: number) { this.due = due; this.tag = tag } }

t.test('items fire at their due tick, in order of time, never early', async (t) => {
  const fired: Array<[number, number]> = []
  let now = 1000
  const w = new TimerWheel<Item>((it) => fired.push([it.tag, now]), { now, slotBits: 4 })
  w.add(new Item(1005, 1))
  w.add(new Item(1002, 2))
  w.add(new Item(999, 3)) // already due: next advance
  w.add(new Item(1000 + 40, 4)) // beyond the 16-slot horizon: overflow
  t.equal(w.size, 4)
  for (now = 1000; now <= 1050; now++) w.advance(now)
  t.same(fired.map((f) => f[0]), [3, 2, 1, 4])
  for (const [tag, at] of fired) {
    const due = { 1: 1005, 2: 1002, 3: 1000, 4: 1040 }[tag]!
    t.equal(at, due, `item ${tag} fired at its due time`)
  }
  t.equal(w.size, 0)
})

t.test('a jump in time fires everything due, and a budget splits a burst across calls', async (t) => {
  let n = 0
  const w = new TimerWheel<Item>(() => { n++ }, { now: 0 })
  for (let i = 0; i < 1000; i++) w.add(new Item(i % 50, i))
  t.equal(w.advance(10_000, 300), 300)
  t.equal(w.advance(10_000, 300), 300)
  t.equal(w.advance(10_000), 400)
  t.equal(n, 1000)
  t.equal(w.size, 0)
})

t.test('an item added from the callback for the current tick fires in the same pass', async (t) => {
  const seen: number[] = []
  let w: TimerWheel<Item> | null = null
  w = new TimerWheel<Item>((it) => {
    seen.push(it.tag)
    if (it.tag === 1) w!.add(new Item(it.due, 2))
  }, { now: 0 })
  w.add(new Item(5, 1))
  w.advance(5)
  t.same(seen, [1, 2])
})

t.test('clear drops everything', async (t) => {
  let n = 0
  const w = new TimerWheel<Item>(() => { n++ }, { now: 0, slotBits: 3 })
  for (let i = 0; i < 100; i++) w.add(new Item(i, i))
  w.clear()
  w.advance(1000)
  t.equal(n, 0)
  t.equal(w.size, 0)
})

// The per-item cost must not grow with the backlog: measure the cost of one add+fire cycle for a
// fixed batch with 1,000 and with 1,000,000 other items pending (due later). A structure doing work
// proportional to the backlog per item (SMPPSim's delivery thread) would be ~1000× slower; the
// bound is loose (×8) because the machine is shared and caches differ. Not a wall-clock threshold.
t.test('a backlog of one million pending items does not slow the items coming due', async (t) => {
  const BATCH = 200_000
  function cost (backlog: number): number {
    let fired = 0
    const w = new TimerWheel<Item>(() => { fired++ }, { now: 0 })
    // The backlog is due after the measured window (spread over 10-60 s), so it stays pending.
    for (let i = 0; i < backlog; i++) w.add(new Item(10_000 + (i % 50_000), i))
    const runs: number[] = []
    for (let r = 0; r < 3; r++) {
      const base = r * 3000
      const start = process.hrtime.bigint()
      for (let i = 0; i < BATCH; i++) w.add(new Item(base + (i % 2000), i))
      for (let now = base; now < base + 2000; now++) w.advance(now)
      runs.push(Number(process.hrtime.bigint() - start))
      t.equal(w.size, backlog, 'only the batch fired')
    }
    t.ok(fired >= BATCH * 3)
    return Math.min(...runs) / BATCH
  }
  cost(1000) // warm up the JIT
  const small = cost(1000)
  const big = cost(1_000_000)
  t.comment(`ns per item: backlog 1k ${small.toFixed(1)}, backlog 1M ${big.toFixed(1)}, ratio ${(big / small).toFixed(2)}`)
  t.ok(big / small < 8, `per-item cost with 1M pending within 8× of 1k pending (got ${(big / small).toFixed(2)}×)`)
})
