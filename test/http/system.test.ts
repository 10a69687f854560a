// /healthz, /readyz, /metrics and /openapi.json; the OpenAPI document covers every route served.

import t from 'tap'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { startApi } from './helpers.js'

t.test('health, readiness, metrics', async (t) => {
  const api = await startApi(t)
  t.match(await api.call('GET', '/healthz', undefined, { key: null }), { status: 200, body: { status: 'ok' } })
  const ready = await api.call('GET', '/readyz', undefined, { key: null })
  t.equal(ready.status, 200)
  t.ok(ready.body.carrier_binds_up >= 2, 'carrier binds counted (2 to sim-it, 1 to sim-world)')
  await api.call('POST', '/v1/messages', { to: '393471234567', from: 'Instrada', text: 'count me' })
  const m = await api.call('GET', '/metrics', undefined, { key: null })
  t.equal(m.status, 200)
  t.match(m.headers.get('content-type'), /text\/plain/)
  t.match(m.body, /instrada_http_requests_total\{route="\/v1\/messages",status="202"\} 1/, 'HTTP requests by route and status')
  t.match(m.body, /instrada_carrier_binds_up/, 'engine metrics included')
})

t.test('readiness follows the carriers', async (t) => {
  const api = await startApi(t, { workers: 1 })
  t.equal((await api.call('GET', '/readyz', undefined, { key: null })).status, 200, 'ready with a worker engine')
  await api.router.simulator!.close()
  const down = await (async () => {
    for (let i = 0; i < 100; i++) {
      const r = await api.call('GET', '/readyz', undefined, { key: null })
      if (r.status !== 200) return r
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return null
  })()
  t.match(down, { status: 503, body: { error: { code: 'not_ready', reason: 'NO_CARRIER' } } }, 'not ready once no carrier is bound')
})

t.test('the OpenAPI document is served and lists every route', async (t) => {
  const api = await startApi(t)
  const r = await api.call('GET', '/openapi.json', undefined, { key: null })
  t.equal(r.status, 200)
  const spec = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'))
  t.same(r.body, spec, 'served as kept in the repo')
  const served = api.router.http!.server.routes.map((x) => `${x.method} ${x.path}`).sort()
  const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort()
  t.same(documented, served, 'exactly the routes served')
  for (const x of api.router.http!.server.routes) {
    const op = spec.paths[x.path][x.method.toLowerCase()]
    t.equal(op.security !== undefined, x.auth !== 'none', `${x.method} ${x.path}: security as enforced`)
  }
})

t.test('a chunked body over the limit is refused with 413 as soon as it passes the limit', async (t) => {
  const api = await startApi(t, { http: 'body_limit_bytes: 1024' })
  const status = await new Promise<{ status: number, body: string }>((resolve, reject) => {
    const req = request(`${api.base}/v1/messages`, { method: 'POST', headers: { authorization: 'Bearer demo-api-key', 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.write('{"text":"')
    for (let i = 0; i < 8; i++) req.write('x'.repeat(512))
    req.end('"}')
  })
  t.equal(status.status, 413)
  t.match(JSON.parse(status.body), { error: { code: 'body_too_large', reason: 'BODY_TOO_LARGE' } })
})
