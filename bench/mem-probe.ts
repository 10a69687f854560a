// A preload for a process under test (`node --import dist/bench/mem-probe.js …`): every thread of
// it (the main thread and each worker, since Node runs --import preloads in file workers too)
// appends its own heap figures to the file named by INSTRADA_MEM_PROBE every
// INSTRADA_MEM_PROBE_MS (default 2000), and the main thread adds the process's RSS split from
// /proc/self/status. Used by bench/soak.ts and bench/stored.ts to see the router's heap without a
// hook in src/: the router's threads each have their own V8 heap, and only the process itself can
// read them. Without INSTRADA_MEM_PROBE set it does nothing.

import { appendFileSync, readFileSync } from 'node:fs'
import { isMainThread, threadId } from 'node:worker_threads'

/** One line of the probe file (sizes in bytes; the RSS fields only from the main thread). */
export interface ProbeLine {
  t: number
  thread: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  rss?: number
  rssAnon?: number
  rssFile?: number
}

function statusKb (st: string, key: string): number {
  return Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(st)?.[1] ?? 0) * 1024
}

function sample (file: string): void {
  const m = process.memoryUsage()
  const line: ProbeLine = { t: Date.now(), thread: threadId, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers }
  if (isMainThread) {
    try {
      const st = readFileSync('/proc/self/status', 'utf8')
      line.rss = statusKb(st, 'VmRSS')
      line.rssAnon = statusKb(st, 'RssAnon')
      line.rssFile = statusKb(st, 'RssFile') + statusKb(st, 'RssShmem')
    } catch {
      line.rss = m.rss // not Linux: no split
    }
  }
  try { appendFileSync(file, JSON.stringify(line) + '\n') } catch { /* the bench removed its dir: nothing to report to */ }
}

const file = process.env.INSTRADA_MEM_PROBE
if (file !== undefined && file !== '') {
  const every = Number(process.env.INSTRADA_MEM_PROBE_MS ?? 2000)
  sample(file)
  setInterval(() => sample(file), every > 0 ? every : 2000).unref()
}
