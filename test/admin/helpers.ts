// A running router with the HTTP API, the admin key `admin-key`, the simulator's control
// endpoint (to read the messages carriers received), and the config in a real file (reloads).

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import { parseConfigText } from '../../src/config/instrada.js'
import { hashApiKey } from '../../src/http/index.js'
import { Router } from '../../src/router/router.js'
import { testConfig, type SetupOptions } from '../router/helpers.js'
import { DEMO_KEY, OTHER_KEY } from '../http/helpers.js'

export const ADMIN_KEY = 'admin-key'
export { DEMO_KEY, OTHER_KEY }

export interface AdminSetup {
  router: Router
  file: string
  text: string
  dir: string
  call: (method: string, path: string, body?: unknown, key?: string | null) => Promise<{ status: number, body: any }>
  /** Texts the simulated carriers received for `to`, newest first. */
  received: (to: string) => Promise<string[]>
  /** A second router on the same store and file (after closing the first). */
  restart: () => Promise<Router>
}

export async function startAdmin (t: Test, o: SetupOptions = {}): Promise<AdminSetup> {
  const setup = await testConfig({
    ...o,
    extra: `http: { port: 0, auth_failure_delay_ms: 0, admin_key_hash: '${hashApiKey(ADMIN_KEY)}' }\n${o.extra ?? ''}`,
    demo: `api_keys: ['${hashApiKey(DEMO_KEY)}']\n${o.demo ?? ''}`,
    other: `api_keys: ['${hashApiKey(OTHER_KEY)}']\n${o.other ?? ''}`
  })
  t.teardown(setup.cleanup)
  const text = setup.text.replace('  seed: 7\n', '  seed: 7\n  control: { port: 0 }\n')
  const file = join(setup.dir, 'instrada.yaml')
  writeFileSync(file, text)
  const s: AdminSetup = {
    router: null as unknown as Router,
    file,
    text,
    dir: setup.dir,
    call: async (method, path, body, key = ADMIN_KEY) => {
      const headers: Record<string, string> = {}
      if (key !== null) headers.authorization = `Bearer ${key}`
      if (body !== undefined) headers['content-type'] = 'application/json'
      const res = await fetch(`http://127.0.0.1:${s.router.http!.port}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      const raw = await res.text()
      let parsed: unknown = raw
      try { parsed = JSON.parse(raw) } catch {}
      return { status: res.status, body: parsed }
    },
    received: async (to) => {
      const out: string[] = []
      for (const carrier of ['sim-it', 'sim-world']) {
        const res = await fetch(`http://127.0.0.1:${s.router.simulator!.controlPort}/messages?carrier=${carrier}&limit=100`)
        const body = await res.json() as { messages: Array<{ to: string, text: string }> }
        for (const m of body.messages) if (m.to === to) out.push(m.text)
      }
      return out
    },
    restart: async () => {
      s.router = new Router(parseConfigText(text, file))
      t.teardown(() => s.router.close())
      await s.router.start()
      return s.router
    }
  }
  await s.restart()
  return s
}

export async function until (check: () => Promise<boolean> | boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return await check()
}
