// The router as a child with bench/mem-probe.js preloaded (heap of every thread and the RSS split,
// sampled inside the process), for the memory scenarios bench/soak.ts and bench/stored.ts; and the
// arithmetic they share: combining the probe's per-thread lines into samples, least-squares trends.

import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLI, ProcSampler, waitForPort, writeRouterConfig, type Child, type RouterParams } from './e2e-harness.js'
import type { ProbeLine } from './mem-probe.js'

const here = fileURLToPath(new URL('.', import.meta.url))
export const PROBE = join(here, 'mem-probe.js')

/** One moment of the router's memory, in MB; heap figures summed over its threads. */
export interface MemSample {
  /** Seconds since the series' origin. */
  t: number
  rss: number
  rssAnon: number
  rssFile: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  /** Threads whose heap is in the sums. */
  threads: number
}

export interface ProbedRouter extends Child {
  probeFile: string
  /** Milliseconds from spawn to the SMPP port accepting connections. */
  startMs: number
}

export interface ProbedOptions {
  probeMs: number
  /** Rewrites the generated config before the router reads it (e.g. retention). */
  editConfig?: (yaml: string) => string
  /** Runs after the config is written and before the router starts, with the store's path. */
  prepare?: (storePath: string) => Promise<void>
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

/** Polls the port every 10 ms (start-up time is a result here, so a coarse poll would blur it). */
async function waitListening (port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!alive()) throw new RangeError(`process exited before listening on ${port}`)
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect({ port, host: '127.0.0.1' })
      c.once('connect', () => { c.destroy(); resolve(true) })
      c.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new RangeError(`nothing listening on ${port} after ${timeoutMs} ms`)
}

/** Starts the simulator child (always its own process here) and the probed router on a generated config. */
export async function startProbedRouter (p: RouterParams, o: ProbedOptions): Promise<ProbedRouter> {
  const cfg = await writeRouterConfig({ ...p, sim: 'child' })
  if (o.editConfig !== undefined) writeFileSync(cfg.configFile, o.editConfig(readFileSync(cfg.configFile, 'utf8')))
  if (o.prepare !== undefined) await o.prepare(join(cfg.dir, 'store'))
  const log = createWriteStream(join(cfg.dir, 'router.log'))
  const sp = spawn(process.execPath, [CLI, 'sim', '--config', cfg.simFile!, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] })
  sp.stderr!.pipe(log)
  await waitForPort(cfg.simPort, 20_000, () => !exited(sp))
  const probeFile = join(cfg.dir, 'probe.jsonl')
  const t0 = performance.now()
  const proc = spawn(process.execPath, ['--import', PROBE, CLI, 'start', '--config', cfg.configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INSTRADA_MEM_PROBE: probeFile, INSTRADA_MEM_PROBE_MS: String(o.probeMs) }
  })
  proc.stdout!.pipe(log)
  proc.stderr!.pipe(log)
  try {
    await waitListening(cfg.port, 120_000, () => !exited(proc))
  } catch (err) {
    await stopProc(proc, 1000)
    await stopProc(sp, 1000)
    const tail = existsSync(join(cfg.dir, 'router.log')) ? readFileSync(join(cfg.dir, 'router.log'), 'utf8').slice(-2000) : ''
    throw new RangeError(`router did not start: ${(err as Error).message}\n${tail}`)
  }
  const startMs = performance.now() - t0
  const sampler = new ProcSampler(proc.pid!)
  const simSampler = new ProcSampler(sp.pid!)
  return {
    proc,
    port: cfg.port,
    sampler,
    extra: { proc: sp, sampler: simSampler },
    dir: cfg.dir,
    probeFile,
    startMs,
    alive: () => !exited(proc),
    stop: async () => {
      sampler.stop()
      simSampler.stop()
      const r = await stopProc(proc, 15_000)
      await stopProc(sp, 5000)
      log.end()
      return r
    }
  }
}

const MB = 2 ** 20

/**
 * The probe file as samples: one per main-thread line, with each worker's latest heap at or
 * before it added in (workers sample on their own timers, never exactly together).
 */
export function readProbe (file: string, originMs: number): MemSample[] {
  if (!existsSync(file)) return []
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ProbeLine).sort((a, b) => a.t - b.t)
  const latest = new Map<number, ProbeLine>()
  const out: MemSample[] = []
  for (const l of lines) {
    latest.set(l.thread, l)
    if (l.rss === undefined) continue
    let heapUsed = 0; let heapTotal = 0; let external = 0; let arrayBuffers = 0
    for (const x of latest.values()) { heapUsed += x.heapUsed; heapTotal += x.heapTotal; external += x.external; arrayBuffers += x.arrayBuffers }
    out.push({
      t: (l.t - originMs) / 1000,
      rss: l.rss / MB,
      rssAnon: (l.rssAnon ?? NaN) / MB,
      rssFile: (l.rssFile ?? NaN) / MB,
      heapUsed: heapUsed / MB,
      heapTotal: heapTotal / MB,
      external: external / MB,
      arrayBuffers: arrayBuffers / MB,
      threads: latest.size
    })
  }
  return out
}

export interface Trend {
  /** MB per minute. */
  slope: number
  /** Standard error of the slope, MB per minute. */
  stderr: number
  n: number
}

/** Least-squares slope of y against t (seconds), per minute, with its standard error. */
export function trend (t: readonly number[], y: readonly number[]): Trend {
  const n = Math.min(t.length, y.length)
  if (n < 3) return { slope: NaN, stderr: NaN, n }
  const xs = t.slice(0, n).map((v) => v / 60)
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = y.slice(0, n).reduce((a, b) => a + b, 0) / n
  let sxx = 0; let sxy = 0
  for (let i = 0; i < n; i++) { sxx += (xs[i] - mx) ** 2; sxy += (xs[i] - mx) * (y[i] - my) }
  const slope = sxy / sxx
  let sse = 0
  for (let i = 0; i < n; i++) sse += (y[i] - my - slope * (xs[i] - mx)) ** 2
  return { slope, stderr: Math.sqrt(sse / (n - 2) / sxx), n }
}

/** The Linux load average, 1/5/15 minutes. */
export function loadAverage (): string {
  try { return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join('/') } catch { return '-' }
}
