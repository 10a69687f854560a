// A running router with the HTTP API on a free port, the demo account's key `demo-api-key` and
// the other account's `other-api-key`, and a small fetch wrapper.

import type { Test } from 'tap'
import { Router } from '../../src/router/router.js'
import { hashApiKey } from '../../src/http/index.js'
import { testConfig, type SetupOptions } from '../router/helpers.js'

export const DEMO_KEY = 'demo-api-key'
export const OTHER_KEY = 'other-api-key'

export interface Api {
  router: Router
  base: string
  call: (method: string, path: string, body?: unknown, opts?: { key?: string | null, headers?: Record<string, string>, raw?: string }) => Promise<{ status: number, body: any, headers: Headers }>
}

export async function startApi (t: Test, o: SetupOptions & { http?: string } = {}): Promise<Api> {
  const setup = await testConfig({
    ...o,
    // Failed logins answered at once unless the test sets the delay (auth-delay.test.ts).
    extra: `http: { port: 0${/auth_failure_delay_ms/.test(o.http ?? '') ? '' : ', auth_failure_delay_ms: 0'}${o.http !== undefined ? ', ' + o.http : ''} }\n${o.extra ?? ''}`,
    // A signing secret, so callback_url is usable; a test may bring its own webhook block.
    demo: `api_keys: ['${hashApiKey(DEMO_KEY)}']\n${/^webhook:/m.test(o.demo ?? '') ? '' : 'webhook: { secret: demo-webhook-secret }\n'}${o.demo ?? ''}`,
    other: `api_keys: ['${hashApiKey(OTHER_KEY)}']\n${o.other ?? ''}`
  })
  t.teardown(setup.cleanup)
  const router = new Router(setup.config)
  t.teardown(() => router.close())
  await router.start()
  const base = `http://127.0.0.1:${router.http!.port}`
  return {
    router,
    base,
    call: async (method, path, body, opts = {}) => {
      const headers: Record<string, string> = { ...opts.headers }
      const key = opts.key === undefined ? DEMO_KEY : opts.key
      if (key !== null) headers.authorization = `Bearer ${key}`
      let payload: string | undefined = opts.raw
      if (body !== undefined) { payload = JSON.stringify(body) }
      if (payload !== undefined) headers['content-type'] ??= 'application/json'
      const res = await fetch(base + path, { method, headers, body: payload })
      const text = await res.text()
      let parsed: unknown = text
      try { parsed = JSON.parse(text) } catch {}
      return { status: res.status, body: parsed, headers: res.headers }
    }
  }
}

/** Polls until `check` is true or `ms` pass. */
export async function waitFor (check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return await check()
}
