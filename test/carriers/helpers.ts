// Shared by the carrier pool tests: a simulator from YAML on port 0, a pool bound to it, parts,
// and bounded waits.

import { ConfigNode } from '../../src/config/node.js'
import { Registry } from '../../src/metrics.js'
import { parseSimulatorConfig, Simulator } from '../../src/sim/index.js'
import { CarrierPool, parseCarrier, type CarrierConfig, type OutboundPart, type SubmitOutcome } from '../../src/carriers/index.js'

export interface Tap {
  teardown: (fn: () => unknown) => void
}

/** A simulator carrier named `sim` (sim/simpass) on port 0 with extra YAML under the carrier; closed in teardown. */
export async function startSim (t: Tap, carrierYaml = ''): Promise<Simulator> {
  const extra = carrierYaml.split('\n').filter((l) => l.trim() !== '').map((l) => '    ' + l).join('\n')
  const yaml = `carriers:\n  - name: sim\n    port: 0\n${extra}\n`
  const sim = new Simulator(parseSimulatorConfig(ConfigNode.parse(yaml, 'sim.yaml')))
  t.teardown(async () => await sim.close())
  await sim.start()
  return sim
}

/** A CarrierConfig for the simulator on `port`, from YAML defaults plus `over`. */
export function carrierConfig (port: number, over: Partial<CarrierConfig> = {}, submitYaml = ''): CarrierConfig {
  const sub = submitYaml === '' ? '' : '\nsubmit:\n' + submitYaml.split('\n').filter((l) => l.trim() !== '').map((l) => '  ' + l).join('\n')
  const node = ConfigNode.parse(`name: up1\nport: ${port}\nsystem_id: sim\npassword: simpass${sub}\n`, 'carrier.yaml')
  return {
    ...parseCarrier(node),
    enquireLinkIntervalMs: 0,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    ...over
  }
}

export interface Started {
  pool: CarrierPool
  registry: Registry
}

/** A started pool; closed in teardown (before the simulator, which was registered earlier). */
export async function startPool (t: Tap, cfg: CarrierConfig, waitUp = true): Promise<Started> {
  const registry = new Registry()
  const pool = new CarrierPool(cfg, { registry })
  t.teardown(async () => await pool.close())
  await pool.start()
  if (waitUp && !(await until(() => pool.up, 3000))) throw new Error('pool did not come up')
  return { pool, registry }
}

let seq = 0
export function part (over: Partial<OutboundPart> = {}): OutboundPart {
  return {
    messageId: `m${++seq}`,
    part: 0,
    total: 1,
    ref: 0,
    sender: 'Instrada',
    senderKind: 'alpha',
    destination: '393331234567',
    dataCoding: 0,
    esmClass: 0,
    body: Buffer.from('hello', 'latin1'),
    validityPeriod: '',
    priorityFlag: 0,
    protocolId: 0,
    ...over
  }
}

export interface Collected {
  outcomes: Array<SubmitOutcome | null>
  /** How many times each dispatch's callback ran (must be 1). */
  calls: number[]
  settled: number
}

export function collector (): Collected & { cb: (o: SubmitOutcome, i: number) => void } {
  const c: Collected & { cb: (o: SubmitOutcome, i: number) => void } = {
    outcomes: [],
    calls: [],
    settled: 0,
    cb: (o, i) => {
      c.calls[i] = (c.calls[i] ?? 0) + 1
      c.outcomes[i] = o
      c.settled++
    }
  }
  return c
}

/** Sends every part through the pool, waiting on 'drain'/'up' when it pushes back; resolves when all are sent. */
export async function sendAll (pool: CarrierPool, parts: OutboundPart[], c: ReturnType<typeof collector>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  let i = 0
  while (i < parts.length) {
    if (Date.now() > end) throw new Error(`sendAll: only ${i} of ${parts.length} sent within ${timeoutMs} ms`)
    const idx = c.outcomes.length
    c.outcomes.push(null)
    if (pool.dispatch(parts[i], c.cb, idx)) {
      i++
      continue
    }
    c.outcomes.pop()
    await waitEvent(pool, ['drain', 'up'], Math.max(1, end - Date.now()))
  }
}

export function waitEvent (emitter: NodeJS.EventEmitter, names: string[], ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const done = (name: string | null): void => {
      clearTimeout(timer)
      for (const [n, f] of fns) emitter.off(n, f)
      resolve(name)
    }
    const fns = names.map((n) => [n, () => done(n)] as const)
    for (const [n, f] of fns) emitter.on(n, f)
    const timer = setTimeout(() => done(null), ms)
  })
}

/** Waits until `cond()` is true, polling every 5 ms, at most `ms`. */
export async function until (cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) return false
    await sleep(5)
  }
  return true
}

export function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The value of a metric (summed over label sets matching `labels`). */
export async function metric (registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name)
  if (m === undefined) return NaN
  const data = await m.get()
  let sum = 0
  for (const v of data.values) {
    if (Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want)) sum += v.value
  }
  return sum
}
