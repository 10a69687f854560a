// Builds a router config for tests: free loopback ports, a temp LMDB dir, two simulated
// carriers in-process, the demo account. Overrides are YAML fragments spliced in by section.

import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { parseConfigText, type InstradaConfig } from '../../src/config/instrada.js'
import { Router } from '../../src/router/router.js'
import { Customer } from './customer.js'

// Ports come from 20000–31999, below Linux's ephemeral range (32768–60999): a port the OS hands
// out for listen(0) can meanwhile become the local port of some other test's outgoing connection
// (tap runs test files in parallel), and the listen that follows then fails with EADDRINUSE.
// The range is split in four by tap's job slot (TAP_JOB_ID: test files running at the same time
// have different slots), so two files running together never walk the same ports — a port checked
// free by one and listened on a moment later could otherwise be taken by the other in between.
// Each process walks its part from a random start; every candidate is checked by listening on it.
const SPAN = 3_000
const LOW = 20_000 + (Number(process.env.TAP_JOB_ID ?? 0) % 4) * SPAN
let nextPort = LOW + Math.floor(Math.random() * SPAN)

async function tryListen (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

export async function freePort (): Promise<number> {
  for (let tries = 0; tries < SPAN; tries++) {
    const port = nextPort
    nextPort = LOW + ((nextPort - LOW + 1) % SPAN)
    if (await tryListen(port)) return port
  }
  throw new Error(`no free loopback port in ${LOW}–${LOW + SPAN - 1}`)
}

/** `n` distinct free ports (taken one after another from this process's walk, so never the same). */
export async function freePorts (n: number): Promise<number[]> {
  const ports: number[] = []
  for (let i = 0; i < n; i++) ports.push(await freePort())
  return ports
}

export const DEMO_HASH = 'scrypt$16384$8$1$QkOGPBRr88/6UneZppbbyg==$23M61r34l53eLw1aPpU319/DvMDmLEyUTHfD12wjXLc='

export interface TestSetup {
  config: InstradaConfig
  dir: string
  text: string
  ports: { smpp: number, it: number, world: number }
  cleanup: () => void
}

export interface SetupOptions {
  workers?: number
  /** Extra YAML for the `sim-it` simulated carrier (indented under it). */
  simIt?: string
  simWorld?: string
  /** Extra YAML under the demo account. */
  demo?: string
  /** The demo account's initial_credit (default 1000). */
  demoCredit?: number
  /** Extra YAML under the `other` account. */
  other?: string
  router?: string
  carrierIt?: string
  carrierWorld?: string
  /** Extra top-level YAML sections. */
  extra?: string
  dir?: string
}

export async function testConfig (o: SetupOptions = {}): Promise<TestSetup> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'instrada-router-'))
  const [smpp, it, world] = await freePorts(3)
  const ports = { smpp, it, world }
  const text = `
log: { level: silent }
${o.extra ?? ''}
smpp: { host: 127.0.0.1, port: ${ports.smpp}, window: 1000 }
accounts:
  - system_id: demo
    password_hash: '${DEMO_HASH}'
    initial_credit: ${o.demoCredit ?? 1000}
    italian_vat: true
    senders:
      - { addr: Instrada, kind: alpha, state: active }
      - { addr: '393331234567', kind: numeric, state: active, verified: true }
${indent(o.demo ?? '', 4)}
  - system_id: other
    password_hash: '${DEMO_HASH}'
    initial_credit: 1000
    senders: [{ addr: OtherCo, kind: alpha, state: active }]
${indent(o.other ?? '', 4)}
store: { path: '${join(dir, 'db')}', durability: commit }
router:
  workers: ${o.workers ?? 0}
  due_poll_ms: 20
  retry: { base_delay_ms: 50, max_delay_ms: 400, throttle_delay_ms: 30, jitter: 0.2 }
${indent(o.router ?? '', 2)}
carriers:
  - name: sim-it
    port: ${ports.it}
    system_id: instrada
    password: secret
    binds: 2
    window: 100
    request_timeout_ms: 1000
    reconnect: { initial_delay_ms: 50, max_delay_ms: 500 }
${indent(o.carrierIt ?? '', 4)}
  - name: sim-world
    port: ${ports.world}
    system_id: instrada
    password: secret
    request_timeout_ms: 1000
    reconnect: { initial_delay_ms: 50, max_delay_ms: 500 }
    submit: { concat: udh16 }
${indent(o.carrierWorld ?? '', 4)}
routes:
  - { name: italy, match: { prefix: ['39'] }, carrier: sim-it }
  - { name: world, carrier: sim-world }
simulator:
  seed: 7
  carriers:
    - name: sim-it
      port: ${ports.it}
      accounts: [{ system_id: instrada, password: secret, max_binds: 8 }]
      receipts: { latency: 5 }
      outcomes: { DELIVRD: 1 }
${indent(o.simIt ?? '', 6)}
    - name: sim-world
      port: ${ports.world}
      accounts: [{ system_id: instrada, password: secret, max_binds: 8 }]
${(o.simWorld ?? '').includes('message_id') ? '' : '      message_id: { format: decimal }'}
      receipts: { latency: 5 }
      outcomes: { DELIVRD: 1 }
${indent(o.simWorld ?? '', 6)}
`
  return {
    config: parseConfigText(text, 'test.yaml'),
    dir,
    text,
    ports,
    cleanup: () => { if (o.dir === undefined) rmSync(dir, { recursive: true, force: true }) }
  }
}

function indent (s: string, n: number): string {
  const pad = ' '.repeat(n)
  return s.split('\n').filter((l) => l.trim() !== '').map((l) => pad + l).join('\n')
}

/** A started router on a test config (closed and cleaned up with the test) and the demo account bound as a transceiver. */
export async function startRouter (t: Test, o: SetupOptions = {}): Promise<{ router: Router, c: Customer, setup: TestSetup, dir: string }> {
  const setup = await testConfig(o)
  t.teardown(setup.cleanup)
  const router = new Router(setup.config)
  t.teardown(() => router.close())
  await router.start()
  const c = await Customer.bind(router.port)
  t.teardown(() => c.close())
  return { router, c, setup, dir: setup.dir }
}
