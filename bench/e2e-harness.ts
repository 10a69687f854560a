// Processes for bench/e2e.ts: the router as a child (`instrada start` on a generated config with a
// fresh LMDB store in a temp dir), the simulator in the router or as its own `instrada sim` child,
// the node-smpp baseline SMSC as a child, and a sampler of a child's CPU and RSS from /proc.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { hashPassword } from '../src/smpp/index.js'
import { hashApiKey } from '../src/http/index.js'

const here = fileURLToPath(new URL('.', import.meta.url))
export const CLI = join(here, '../src/cli.js')
export const BASELINE = join(here, 'baseline-smsc.js')
export const BENCH_ACCOUNT = { systemId: 'bench', password: 'benchpw' }
/** The simulated carrier's fixed receipt latency: receipt p99 is judged against it. */
export const SIM_LATENCY_MS = 5

export type SimMode = 'inproc' | 'child'

export interface RouterParams {
  workers: number
  /** The account's per-bind window (unanswered submits before 0x58). */
  accountWindow: number
  queueLimit: number
  durability: 'flush' | 'commit' | 'none'
  sim: SimMode
  carrierBinds: number
  profile: boolean
  /** Also serve the HTTP API, the bench account holding this key (its hash goes in the config). */
  httpApiKey?: string
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export async function waitForPort (port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!alive()) throw new RangeError(`process exited before listening on ${port}`)
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect({ port, host: '127.0.0.1' })
      c.once('connect', () => { c.destroy(); resolve(true) })
      c.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new RangeError(`nothing listening on ${port} after ${timeoutMs} ms`)
}

/** Samples a process's CPU (all threads) and RSS every `everyMs` from /proc (Linux). */
export class ProcSampler {
  readonly rssMb: number[] = []
  /** Anonymous memory only (heap, native buffers): RSS minus file mappings such as LMDB's map. */
  readonly anonMb: number[] = []
  private readonly timer: NodeJS.Timeout
  private t0 = performance.now()
  private ticks0: number

  constructor (readonly pid: number, everyMs = 250) {
    this.ticks0 = this.ticks()
    this.timer = setInterval(() => {
      const [rss, anon] = this.memory()
      if (rss > 0) { this.rssMb.push(rss); this.anonMb.push(anon) }
    }, everyMs)
    this.timer.unref()
  }

  /** Restart the CPU measurement and RSS series now. */
  mark (): void {
    this.t0 = performance.now()
    this.ticks0 = this.ticks()
    this.rssMb.length = 0
    this.anonMb.length = 0
  }

  /** CPU in cores since mark(). */
  cpu (): number {
    const wall = (performance.now() - this.t0) / 1000
    return wall <= 0 ? 0 : (this.ticks() - this.ticks0) / 100 / wall
  }

  stop (): void { clearInterval(this.timer) }

  rss (): number { return this.memory()[0] }

  /** [RSS, anonymous RSS] in MB, 0 when the process is gone. */
  memory (): [number, number] {
    try {
      const st = readFileSync(`/proc/${this.pid}/status`, 'utf8')
      const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(st)?.[1] ?? 0)
      return [Math.round(kb('VmRSS') / 1024), Math.round(kb('RssAnon') / 1024)]
    } catch { return [0, 0] }
  }

  private ticks (): number {
    try {
      const s = readFileSync(`/proc/${this.pid}/stat`, 'utf8')
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
      return Number(f[11]) + Number(f[12]) // utime, stime (fields 14, 15)
    } catch { return 0 }
  }
}

export interface Child {
  proc: ChildProcess
  port: number
  /** The HTTP API's port, when asked for (RouterParams.httpApiKey). */
  httpPort?: number | null
  sampler: ProcSampler
  /** A second process (the simulator child) when there is one. */
  extra: { proc: ChildProcess, sampler: ProcSampler } | null
  dir: string | null
  stop: () => Promise<{ code: number | null, signal: string | null }>
  alive: () => boolean
}

function exited (p: ChildProcess): boolean { return p.exitCode !== null || p.signalCode !== null }

async function stopProc (p: ChildProcess, graceMs: number): Promise<{ code: number | null, signal: string | null }> {
  if (!exited(p)) {
    const done = new Promise<void>((resolve) => p.once('exit', () => resolve()))
    p.kill('SIGINT')
    const t = setTimeout(() => p.kill('SIGKILL'), graceMs)
    await done
    clearTimeout(t)
  }
  return { code: p.exitCode, signal: p.signalCode }
}

/** The simulator's config: one carrier, fixed receipt latency, everything DELIVRD; `indent` nests it. */
function simYaml (port: number, indent: string): string {
  return ['seed: 1', 'carriers:', '  - name: sim-it', '    host: 127.0.0.1', `    port: ${port}`, '    window: 1000',
    '    accounts: [{ system_id: instrada, password: secret, max_binds: 16 }]', `    receipts: { latency: ${SIM_LATENCY_MS} }`,
    '    outcomes: { DELIVRD: 1 }'].map((l) => indent + l).join('\n') + '\n'
}

/** Writes the router's config (and the simulator's, in child mode) to a fresh temp dir. */
export async function writeRouterConfig (p: RouterParams): Promise<{ dir: string, configFile: string, simFile: string | null, port: number, simPort: number, httpPort: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'instrada-e2e-'))
  const port = await freePort()
  const simPort = await freePort()
  const httpPort = p.httpApiKey !== undefined ? await freePort() : null
  // A cheap scrypt cost: 100 binds must not spend seconds of the router's CPU on password checks.
  const hash = await hashPassword(BENCH_ACCOUNT.password, { N: 1024, r: 8, p: 1 })
  let yaml = `log: { level: warn }
smpp:
  host: 127.0.0.1
  port: ${port}
  system_id: instrada
  window: 1000
  inactivity_timeout_ms: 0
accounts:
  - system_id: ${BENCH_ACCOUNT.systemId}
    password_hash: '${hash}'
    bind_types: [transmitter, receiver, transceiver]
    max_binds: 200
    allowed_ips: [127.0.0.0/8]
    sms_type: pro
    italian_vat: true
    initial_credit: 100000000
    senders:
      - { addr: Instrada, kind: alpha, state: active }
    tps: 0
    window: ${p.accountWindow}
    max_queued: ${p.queueLimit}
${p.httpApiKey !== undefined ? `    api_keys: ['${hashApiKey(p.httpApiKey)}']\nhttp: { host: 127.0.0.1, port: ${String(httpPort)} }` : ''}
store:
  path: ${join(dir, 'store')}
  retention_days: 1
  durability: ${p.durability}
router:
  workers: ${p.workers}
  queue_limit: ${p.queueLimit}
${process.env.BENCH_ENGINE_YOUNG_MB !== undefined ? `  engine_young_mb: ${process.env.BENCH_ENGINE_YOUNG_MB}\n` : ''}carriers:
  - name: sim-it
    host: 127.0.0.1
    port: ${simPort}
    system_id: instrada
    password: secret
    binds: ${p.carrierBinds}
    window: 1000
    submit: { concat: udh8 }
routes:
  - name: all
    carrier: sim-it
`
  let simFile: string | null = null
  if (p.sim === 'inproc') {
    yaml += 'simulator:\n' + simYaml(simPort, '  ')
  } else {
    simFile = join(dir, 'sim.yaml')
    writeFileSync(simFile, simYaml(simPort, ''))
  }
  const configFile = join(dir, 'instrada.yaml')
  writeFileSync(configFile, yaml)
  return { dir, configFile, simFile, port, simPort, httpPort }
}

export async function startRouter (p: RouterParams, profileDir: string | null): Promise<Child> {
  const cfg = await writeRouterConfig(p)
  const log = createWriteStream(join(cfg.dir, 'router.log'))
  let extra: Child['extra'] = null
  if (cfg.simFile !== null) {
    const sp = spawn(process.execPath, [CLI, 'sim', '--config', cfg.simFile, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] })
    sp.stderr!.pipe(log)
    await waitForPort(cfg.simPort, 20_000, () => !exited(sp))
    extra = { proc: sp, sampler: new ProcSampler(sp.pid!) }
  }
  const args = [...(p.profile && profileDir !== null ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((s) => s !== '')]
  const proc = spawn(process.execPath, [...args, CLI, 'start', '--config', cfg.configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  proc.stdout!.pipe(log)
  proc.stderr!.pipe(log)
  try {
    await waitForPort(cfg.port, 30_000, () => !exited(proc))
    if (cfg.httpPort !== null) await waitForPort(cfg.httpPort, 30_000, () => !exited(proc))
  } catch (err) {
    await stopProc(proc, 1000)
    if (extra !== null) await stopProc(extra.proc, 1000)
    throw new RangeError(`router did not start: ${(err as Error).message}\n${readFileSync(join(cfg.dir, 'router.log'), 'utf8').slice(-2000)}`)
  }
  const sampler = new ProcSampler(proc.pid!)
  return {
    proc,
    port: cfg.port,
    httpPort: cfg.httpPort,
    sampler,
    extra,
    dir: cfg.dir,
    alive: () => !exited(proc),
    stop: async () => {
      sampler.stop()
      const r = await stopProc(proc, 15_000)
      if (extra !== null) { extra.sampler.stop(); await stopProc(extra.proc, 5000) }
      log.end()
      return r
    }
  }
}

/** The node-smpp baseline SMSC, or with `script` another baseline server taking `--port`. */
export async function startBaseline (script = BASELINE): Promise<Child> {
  const port = await freePort()
  const proc = spawn(process.execPath, [script, '--port', String(port)], { stdio: ['ignore', 'ignore', 'inherit'] })
  await waitForPort(port, 20_000, () => !exited(proc))
  const sampler = new ProcSampler(proc.pid!)
  return {
    proc,
    port,
    sampler,
    extra: null,
    dir: null,
    alive: () => !exited(proc),
    stop: async () => { sampler.stop(); return await stopProc(proc, 5000) }
  }
}

export function removeDir (dir: string | null): void {
  if (dir !== null) rmSync(dir, { recursive: true, force: true })
}

/** Slope of a series sampled at a fixed interval, per minute (least squares). */
export function slopePerMinute (values: readonly number[], everyMs: number): number {
  const n = values.length
  if (n < 3) return NaN
  let sx = 0; let sy = 0; let sxy = 0; let sxx = 0
  for (let i = 0; i < n; i++) {
    const x = i * everyMs / 60_000
    sx += x; sy += values[i]; sxy += x * values[i]; sxx += x * x
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx)
}
