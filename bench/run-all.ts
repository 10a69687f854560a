// `npm run bench`: every scenario in bench/, one child process each (so one can't skew the
// next through JIT state or leftover memory), output passed through and kept in
// bench/results/<date>.txt together with the machine's description. The end-to-end, soak and
// stored scenarios also write bench/results/<date>.{json,md,svg} (bench/report.ts).

import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const scenarios = (process.env.BENCH_ONLY ?? 'codec,rules,session,sim,carrier-pool,ledger,e2e,http,soak,stored').split(',')
// The soak runs BENCH_SOAK_S (600 s) plus its probe and baseline; the stored scenario's fill is capped
// at BENCH_STORED_FILL_S (600 s). Everything else gets 10 minutes.
const soakS = Number(process.env.BENCH_SOAK_S ?? 600)
const timeoutMs: Record<string, number> = { soak: (soakS + 300) * 1000, stored: (Number(process.env.BENCH_STORED_FILL_S ?? 600) + 300) * 1000 }
// bench/soak.ts is the soak of record (10 minutes, heap sampled): e2e.ts skips its own short one.
const env = { ...process.env, BENCH_E2E_ONLY: process.env.BENCH_E2E_ONLY ?? 'sim,workers,binds,windows,latency,sweep' }
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join('/')}`
let report = `# Instrada benchmarks ${new Date().toISOString()}\n${machine}\n`
process.stdout.write(report)
let failed = 0
for (const name of scenarios) {
  const file = join(here, `${name}.js`)
  process.stdout.write(`\n## ${name}\n`)
  const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], timeout: timeoutMs[name] ?? 10 * 60_000 })
  process.stdout.write(r.stdout ?? '')
  report += `\n## ${name}\n${r.stdout ?? ''}`
  if (r.status !== 0) { failed++; report += `(exit ${String(r.status ?? r.signal)})\n` }
}
const dir = join(here, '../../bench/results')
mkdirSync(dir, { recursive: true })
const out = join(dir, `${new Date().toISOString().slice(0, 10)}.txt`)
writeFileSync(out, report)
process.stdout.write(`\nwritten to ${out}\n`)
process.exitCode = failed > 0 ? 1 : 0
