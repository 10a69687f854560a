import t from 'tap'
import { crossedDown, rearm, withThresholds } from '../../src/ledger/alerts.js'
import { Registry } from '../../src/metrics.js'
import { LmdbStore } from '../../src/store/lmdb-store.js'
import type { LowCreditAlert } from '../../src/ledger/types.js'
import { message, storeConfig, tempDir } from '../store/helpers.js'

t.test('rules: an armed threshold fires once per downward crossing', async (t) => {
  const s = { alerts: [500, 100], armed: [true, true] }
  const out: number[] = []
  crossedDown(s, 600, out)
  t.same(out, [], 'above both: nothing')
  crossedDown(s, 400, out)
  t.same(out, [500])
  crossedDown(s, 300, out)
  t.same(out, [500], 'still below 500: no second alert')
  crossedDown(s, 50, out)
  t.same(out, [500, 100])
  rearm(s, 200)
  t.same(s.armed, [false, true], 'a top-up to 200 re-arms 100 only')
  rearm(s, 500)
  t.same(s.armed, [true, true], 'at the threshold counts as back above it')
  const next = withThresholds({ alerts: [500, 100], armed: [false, true] }, [1000, 500], 700)
  t.same(next, { alerts: [1000, 500], armed: [false, false] }, 'kept thresholds keep their state; new ones arm if above')
})

t.test('through the ledger: event after commit, once per crossing, re-armed by a top-up not by a release', async (t) => {
  const registry = new Registry()
  const store = new LmdbStore({ config: storeConfig(tempDir(t)), registry, prune: false })
  t.teardown(() => store.close())
  await store.start()
  const seen: LowCreditAlert[] = []
  store.ledger.onLowCredit((a) => { seen.push(a) })
  await store.ledger.ensureAccount('acme', { initialCredit: 3000, alerts: [2000, 1000] })
  const m1 = await store.accept(message('acme'))
  t.equal(seen.length, 0, '2000 available: not below 2000')
  const m2 = await store.accept(message('acme'))
  t.same(seen.map((a) => [a.threshold, a.available]), [[2000, 1000]])
  await store.accept(message('acme'))
  t.same(seen.map((a) => a.threshold), [2000, 1000])
  t.ok(m1.ok && m2.ok)
  if (m1.ok) await store.finish({ account: 'acme', id: m1.id, part: 0 }, 'failed', 'test')
  t.same((await store.ledger.balance('acme'))?.available, 1000, 'release gave 1000 back')
  await store.accept(message('acme'))
  t.equal(seen.length, 2, 'a release does not re-arm: dropping again fires nothing')
  await store.ledger.topUp('acme', 5000)
  for (let i = 0; i < 4; i++) await store.accept(message('acme'))
  t.same(seen.map((a) => a.threshold), [2000, 1000, 2000], 'available 1000 is not below 1000')
  await store.accept(message('acme'))
  t.same(seen.map((a) => a.threshold), [2000, 1000, 2000, 1000], 'after a top-up both fire again')
  const metric = await registry.getSingleMetricAsString('instrada_ledger_low_credit_alerts_total')
  t.match(metric, /instrada_ledger_low_credit_alerts_total\{account="acme"\} 4/)
  await store.close()
  const again = new LmdbStore({ config: storeConfig(store.config.path), prune: false })
  t.teardown(() => again.close())
  await again.start()
  const later: LowCreditAlert[] = []
  again.ledger.onLowCredit((a) => { later.push(a) })
  await again.ledger.adjust('acme', -1, 'restart check')
  t.same(later, [], 'disarmed state survives a restart')
})
