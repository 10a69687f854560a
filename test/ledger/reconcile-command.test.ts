import t from 'tap'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openStore, message, tempDir } from '../store/helpers.js'
import { run } from '../../src/commands/reconcile.js'

const CLI = new URL('../../src/cli.ts', import.meta.url).pathname
const tsLoader = process.execArgv.filter((a) => a.includes('typescript'))

/** In-process run with stdout captured (spawning a TS child costs seconds each). */
async function inProcess (...args: string[]): Promise<{ code: number, out: string }> {
  let out = ''
  const write = process.stdout.write
  const stderr = process.stderr.write
  process.stdout.write = ((chunk: string) => { out += chunk; return true }) as typeof process.stdout.write
  process.stderr.write = (() => true) as typeof process.stderr.write
  try {
    return { code: await run(args), out }
  } finally {
    process.stdout.write = write
    process.stderr.write = stderr
  }
}

function cli (...args: string[]): { code: number | null, out: string, err: string } {
  const r = spawnSync(process.execPath, [...tsLoader, CLI, 'reconcile', ...args], { encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

t.test('instrada reconcile: per-account lines, exit 0 when the books balance, 1 when not', async (t) => {
  const dir = tempDir(t)
  const store = await openStore(t, dir)
  await store.ledger.ensureAccount('acme', { initialCredit: 2500, alerts: [] })
  await store.ledger.ensureAccount('beta', { initialCredit: 1000, alerts: [] })
  await store.accept(message('acme'))
  await store.close()

  const ok = cli('--store', dir)
  t.equal(ok.code, 0, ok.err)
  t.match(ok.out, /^ok  acme: balance 2\.500 held 1\.000 available 1\.500 \(2 entries, open reservations 1\.000\)$/m)
  t.match(ok.out, /^ok  beta: balance 1\.000/m)
  t.match(ok.out, /2 account\(s\), 0 mismatch\(es\)/)

  const cfg = join(dir, 'instrada.yaml')
  writeFileSync(cfg, `store:\n  path: ${JSON.stringify(dir)}\n`)
  const one = await inProcess('--config', cfg, '--account', 'beta', '--json')
  t.equal(one.code, 0)
  t.match(JSON.parse(one.out), { account: 'beta', ok: true, balance: 1000 })

  const again = await openStore(t, dir)
  const row = again.open().accounts.get('beta')
  if (row !== undefined) await again.open().accounts.put('beta', { ...row, balance: row.balance - 1 })
  await again.close()
  const bad = await inProcess('--store', dir)
  t.equal(bad.code, 1, 'a mismatch exits 1')
  t.match(bad.out, /^BAD beta: balance 0\.999/m)
  t.match(bad.out, /opening 0 \+ movements 1000 = 1000, balance is 999/)

  t.equal((await inProcess()).code, 2, 'neither --config nor --store: usage error')
})
