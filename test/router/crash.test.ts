// kill -9 of the router mid-load, then a restart on the same store: every message the customer
// saw acknowledged reaches the carrier exactly once or ends failed with its credit released,
// the customer gets a receipt for each, and the books balance.
// The simulator and the customer live in this process; the router is a child process.

import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { ConfigNode } from '../../src/config/node.js'
import { LmdbStore, parseStoreConfig } from '../../src/store/index.js'
import { parseSimulatorConfig, Simulator } from '../../src/sim/index.js'
import { Customer } from './customer.js'
import { DEMO_HASH, freePort } from './helpers.js'

const root = new URL('../..', import.meta.url).pathname
const tsLoader = new URL('node_modules/@tapjs/typescript/dist/esm/import.mjs', new URL('../../', import.meta.url)).href

function startRouter (config: string): ChildProcess {
  return spawn(process.execPath, ['--import', tsLoader, join(root, 'src/cli.ts'), 'start', '--config', config], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
    stdio: ['ignore', 'ignore', 'inherit']
  })
}

async function waitForPort (port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true) })
      s.on('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`port ${port} not listening after ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function exited (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise((resolve) => child.once('exit', resolve))
}

t.test('kill -9 mid-load loses nothing acknowledged and sends nothing twice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'instrada-crash-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const simPort = await freePort()
  const smppPort = await freePort()
  const sim = new Simulator(parseSimulatorConfig(ConfigNode.parse(`
control: { last_messages: 100000 }
carriers:
  - name: carrier
    port: ${simPort}
    accounts: [{ system_id: instrada, password: secret, max_binds: 8 }]
    receipts: { latency: { dist: uniform, low_ms: 5, high_ms: 200 } }
    outcomes: { DELIVRD: 1 }
`, 'sim.yaml')))
  await sim.start()
  t.teardown(() => sim.close())
  const storeYaml = `{ path: '${join(dir, 'db')}', durability: flush }`
  const configFile = join(dir, 'router.yaml')
  writeFileSync(configFile, `
log: { level: warn }
smpp: { port: ${smppPort} }
accounts:
  - system_id: demo
    password_hash: '${DEMO_HASH}'
    initial_credit: 100000
    italian_vat: true
    senders: [{ addr: Instrada, kind: alpha, state: active }]
store: ${storeYaml}
router: { workers: 0, due_poll_ms: 20 }
carriers:
  - { name: carrier, port: ${simPort}, system_id: instrada, password: secret, binds: 2, window: 200, reconnect: { initial_delay_ms: 50 } }
routes:
  - carrier: carrier
`)

  let router = startRouter(configFile)
  t.teardown(() => { router.kill('SIGKILL') })
  await waitForPort(smppPort, 60_000)
  const first = await Customer.bind(smppPort)
  const acked = new Map<string, number>() // our id → message index
  let next = 0
  let stop = false
  const pump = async (): Promise<void> => {
    while (!stop) {
      const i = next++
      const r = await first.submit({ short_message: `crash-${i}`, destination_addr: `39347${String(1000000 + i)}` })
      if (r.status === 0) acked.set(r.id, i)
      else if (r.status !== 0x58 && r.status !== 0x14) break
    }
  }
  const loops = Array.from({ length: 20 }, pump)
  // Let a backlog build up, then kill the router in the middle of it.
  while (acked.size < 400) await new Promise((resolve) => setTimeout(resolve, 20))
  router.kill('SIGKILL')
  await exited(router)
  stop = true
  first.session.destroy()
  await Promise.race([Promise.all(loops), new Promise((resolve) => setTimeout(resolve, 2000))])
  t.ok(acked.size >= 400, `${acked.size} messages acknowledged before the kill`)

  router = startRouter(configFile)
  await waitForPort(smppPort, 60_000)
  const second = await Customer.bind(smppPort, { mode: 'receiver' })
  t.teardown(() => second.close())
  // Receipts the first bind took before the kill also count.
  const receiptOf = (id: string): string[] => [...first.receiptsFor(id), ...second.receiptsFor(id)].map((r) => /stat:(\w+)/.exec(r.text)?.[1] ?? '?')
  const all = await second.waitFor(() => [...acked.keys()].every((id) => receiptOf(id).length > 0), 60_000)
  t.ok(all, 'a receipt for every acknowledged message')

  const seen = new Map<number, number>()
  for (const v of sim.carrier('carrier').recent.view()) {
    const m = /^crash-(\d+)$/.exec(v.text)
    if (m !== null) seen.set(Number(m[1]), (seen.get(Number(m[1])) ?? 0) + 1)
  }
  let delivered = 0
  let failed = 0
  let twice = 0
  let lost = 0
  let inconsistent = 0
  for (const [id, i] of acked) {
    const stats = receiptOf(id)
    const n = seen.get(i) ?? 0
    if (n > 1) twice++
    if (new Set(stats).size > 1) inconsistent++
    if (stats[0] === 'DELIVRD') { delivered++; if (n !== 1) lost++ } else if (stats.length > 0) failed++
  }
  t.equal(twice, 0, 'no acknowledged message reached the carrier twice')
  t.equal(lost, 0, 'every message reported delivered reached the carrier')
  t.equal(inconsistent, 0, 'a message never gets two different outcomes')
  t.equal(delivered + failed, acked.size, `${delivered} delivered, ${failed} failed (in flight at the kill)`)

  router.kill('SIGTERM')
  await exited(router)
  const store = new LmdbStore({ config: parseStoreConfig(ConfigNode.parse(`path: '${join(dir, 'db')}'`, 's.yaml')), recover: false, prune: false })
  await store.start()
  t.teardown(() => store.close())
  if (process.env.CRASH_DEBUG !== undefined) {
    let shown = 0
    for (const [id, i] of acked) {
      if (receiptOf(id).length > 0 || shown++ > 5) continue
      const m = await store.get('demo', id)
      console.error(i, id, seen.get(i), JSON.stringify(m?.parts.map((p) => [p.state, p.error, p.carrierMessageId, p.attempts])))
    }
  }
  const rec = await store.ledger.reconcile()
  t.ok(rec.length > 0 && rec.every((r) => r.ok), 'ledger reconciles after the crash')
  const bal = await store.ledger.balance('demo')
  t.equal(bal?.held, 0, 'no credit left on hold')
  t.ok(bal !== null && bal.balance <= 100000 * 1000 - delivered * 1000, 'every delivered part was charged')
})
