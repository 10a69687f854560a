import t from 'tap'
import { LatencyHistogram } from '../../src/load/index.js'

t.test('percentiles of a known distribution, within the histogram precision', async (t) => {
  const h = new LatencyHistogram()
  for (let i = 1; i <= 10_000; i++) h.record(i / 10) // 0.1 … 1000 ms, uniform
  const s = h.summary()
  t.equal(s.count, 10_000)
  const near = (got: number, want: number, name: string): void => { t.ok(Math.abs(got - want) / want < 0.002, `${name} ${got} ≈ ${want}`) }
  near(s.p50, 500, 'p50')
  near(s.p90, 900, 'p90')
  near(s.p99, 990, 'p99')
  near(s.p999, 999, 'p99.9')
  near(s.max, 1000, 'max')
  near(s.min, 0.1, 'min')
  near(s.mean, 500.05, 'mean')
})

t.test('sub-millisecond values are resolved; a long stall is kept, not clipped', async (t) => {
  const h = new LatencyHistogram()
  for (let i = 0; i < 98; i++) h.record(0.25)
  h.record(0.75)
  h.record(120_000) // two minutes
  t.ok(Math.abs(h.percentile(50) - 0.25) < 0.001, 'p50 0.25 ms')
  t.ok(Math.abs(h.percentile(99) - 0.75) < 0.001, 'p99 0.75 ms')
  t.ok(h.summary().max >= 119_900, 'the stall shows as the max')
})

t.test('empty gives NaN, not zero; negative values count as zero', async (t) => {
  const h = new LatencyHistogram()
  t.ok(Number.isNaN(h.summary().p99))
  h.record(-3)
  t.equal(h.summary().count, 1)
  t.equal(h.summary().max, 0)
})
