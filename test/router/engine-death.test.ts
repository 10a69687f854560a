// An engine worker thread that dies takes the router down with it (closed ports, `failed`
// resolved) instead of leaving a node that accepts binds and refuses or strands messages; a
// restart on the same store then recovers the work (test/router/crash.test.ts).

import t from 'tap'
import { connect } from 'node:net'
import { Router } from '../../src/router/router.js'
import type { Worker } from 'node:worker_threads'
import { testConfig } from './helpers.js'

function listening (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true) })
    s.on('error', () => resolve(false))
  })
}

t.test('a worker engine that exits unasked: the router reports it and closes', async (t) => {
  const setup = await testConfig({ workers: 1 })
  t.teardown(setup.cleanup)
  const router = new Router(setup.config)
  t.teardown(() => router.close())
  await router.start()
  t.equal(await listening(router.port), true, 'serving')
  const port = router.port
  // Reaching in: nothing a customer sends can crash an engine, which is the point of the test's subject.
  const worker = (router.engines as unknown as { workers: Array<{ worker: Worker }> }).workers[0].worker
  await worker.terminate()
  const err = await Promise.race([router.failed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))])
  t.match(err?.message, /engine 0 exited/, 'failed resolves with the reason')
  await router.close()
  t.equal(await listening(port), false, 'the SMPP port is closed: no half-running node')
})
