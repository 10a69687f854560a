// Failed logins over HTTP are answered late, later with each failure from the address (as SMPP
// binds are), so API keys and /send passwords can't be guessed at full speed.

import t from 'tap'
import { startApi } from './helpers.js'
import { parseConfigText } from '../../src/config/instrada.js'
import { testConfig } from '../router/helpers.js'

t.test('wrong keys and passwords wait 100, 200, then 300 ms (the cap); a right key does not', async (t) => {
  const api = await startApi(t, { http: 'auth_failure_delay_ms: 100, auth_failure_delay_max_ms: 300' })
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now()
    const r = await f()
    return [r, performance.now() - t0]
  }
  const waits: number[] = []
  for (let i = 0; i < 3; i++) {
    const [r, ms] = await timed(async () => await api.call('GET', '/v1/messages', undefined, { key: `guess-${i}` }))
    t.equal(r.status, 401)
    waits.push(ms)
  }
  t.ok(waits[0] >= 90 && waits[1] >= 190 && waits[2] >= 290, `doubling from 100 ms: ${waits.map(Math.round).join(', ')} ms`)
  const [ok, okMs] = await timed(async () => await api.call('GET', '/v1/messages'))
  t.equal(ok.status, 200)
  t.ok(okMs < 90, `the right key is answered at once (${Math.round(okMs)} ms)`)
  const [send, sendMs] = await timed(async () => await fetch(`${api.base}/send?username=demo&password=nope&to=393471234567&content=x`))
  t.equal(send.status, 403)
  t.equal(await send.text(), 'Error "Authentication failure for username:demo"')
  t.ok(sendMs >= 290, `a wrong /send password counts too, at the cap (${Math.round(sendMs)} ms)`)
})

t.test('the delays are checked in the config', async (t) => {
  const setup = await testConfig({ extra: 'http: { port: 0 }' })
  t.teardown(setup.cleanup)
  const text = setup.text.replace('http: { port: 0 }', 'http: { port: 0, auth_failure_delay_ms: 500, auth_failure_delay_max_ms: 100 }')
  t.throws(() => parseConfigText(text, 'f.yaml'), /http\.auth_failure_delay_max_ms: must be at least auth_failure_delay_ms/)
  t.equal(setup.config.http?.authFailureDelayMs, 250, 'a quarter of a second by default')
})
