// 5,000 bind/unbind cycles: nothing may accumulate (sessions, sockets, timers, heap).
import t from 'tap'
import { spawnSync } from 'node:child_process'

t.test('5,000 bind/unbind cycles leak no sessions, sockets, timers or memory', async (t) => {
  const child = new URL('./fixtures/cycles-child.ts', import.meta.url).pathname
  const r = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', child, '5000'], { encoding: 'utf8', timeout: 100_000 })
  t.equal(r.status, 0, r.stderr)
  const res = JSON.parse(r.stdout.trim().split('\n').pop() as string)
  t.comment(`${res.cycles} cycles in ${res.ms} ms; heap ${(res.heapAfterWarmup / 1e6).toFixed(1)} MB → ${(res.heapAfter / 1e6).toFixed(1)} MB; scrypt runs ${res.scryptRuns}`)
  t.equal(res.cycles, 5000)
  t.equal(res.sessionCount, 0, 'server holds no session')
  t.equal(res.bound, 0, 'bind count back to zero')
  t.equal(res.tickables, 0, 'no session left on the shared timer')
  t.same(res.resourcesAfter, res.resourcesAfterWarmup, 'same active handles (sockets, timers) after 4,000 more cycles')
  t.notOk('Timeout' in res.resourcesAfter && res.resourcesAfter.Timeout > 2, 'no timers piling up')
  t.ok(res.heapAfter - res.heapAfterWarmup < 3_000_000, `heap growth under 3 MB over 4,000 cycles (${((res.heapAfter - res.heapAfterWarmup) / 1e6).toFixed(2)} MB)`)
  t.equal(res.scryptRuns, 1, 'one scrypt run for 5,000 binds (verified-password cache)')
})
