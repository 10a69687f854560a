// `npm run bench`: every scenario in bench/, one child process each (so one can't skew the
// next through JIT state or leftover memory), output passed through and kept in
// bench/results/<date>.txt together with the machine's description.

import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const scenarios = (process.env.BENCH_ONLY ?? 'codec,rules,session,sim,carrier-pool,ledger,e2e,http').split(',')
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join('/')}`
let report = `# Instrada benchmarks ${new Date().toISOString()}\n${machine}\n`
process.stdout.write(report)
let failed = 0
for (const name of scenarios) {
  const file = join(here, `${name}.js`)
  process.stdout.write(`\n## ${name}\n`)
  const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 10 * 60_000 })
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
