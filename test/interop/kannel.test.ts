// Interop with Kannel (Debian's `kannel`), the most deployed open-source SMS gateway, as a real
// customer: bearerbox binds to the router as a transceiver, smsbox takes sendsms requests, and
// the four reference messages of ../shared/interop/kannel must each come back delivered.
// CI installs Kannel (.ci/apt-packages) and this test is required there; on a machine without
// it the test is skipped with the reason printed.

import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { Router } from '../../src/router/router.js'
import { freePort, testConfig } from '../router/helpers.js'

const run = promisify(execFile)
const kit = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../shared/interop/kannel')
const haveKannel = existsSync('/usr/sbin/bearerbox') && existsSync(join(kit, 'interop-check.sh'))

t.test('Kannel sends short, long, GSM-extension and UCS-2 messages and gets delivered receipts', {
  skip: haveKannel || process.env.CI === 'true' ? false : 'Kannel is not installed (apt-get install -y kannel); CI runs this test'
}, async (t) => {
  const setup = await testConfig({ workers: 0 })
  t.teardown(setup.cleanup)
  const router = new Router(setup.config)
  t.teardown(() => router.close())
  await router.start()

  const runDir = mkdtempSync(join(tmpdir(), 'kannel-run-'))
  const logDir = mkdtempSync(join(tmpdir(), 'kannel-logs-'))
  const env = {
    ...process.env,
    KANNEL_RUN: runDir,
    KANNEL_LOGS: logDir,
    SMPP_HOST: '127.0.0.1',
    SMPP_PORT: String(router.port),
    SYSTEM_ID: 'demo',
    PASSWORD: 'demopass',
    ADMIN_PORT: String(await freePort()),
    SMSBOX_PORT: String(await freePort()),
    SENDSMS_PORT: String(await freePort()),
    DLR_PORT: String(await freePort()),
    DLR_TIMEOUT: '30'
  }
  t.teardown(async () => {
    await run(join(kit, 'stop-kannel.sh'), [], { env }).catch(() => {})
    rmSync(runDir, { recursive: true, force: true })
    rmSync(logDir, { recursive: true, force: true })
  })
  await run(join(kit, 'run-kannel.sh'), [], { env, timeout: 60_000 })
  const out = await run(join(kit, 'interop-check.sh'), [], { env, timeout: 90_000 }).then((r) => r.stdout, (err: { stdout?: string }) => err.stdout ?? '')
  t.match(out, /^4 passed, 0 failed$/m, 'interop-check.sh: 4 passed, 0 failed')
  for (const c of ['short', 'long', 'gsm_ext', 'ucs2']) t.match(out, new RegExp(`PASS ${c}:`), `${c} delivered`)
})
