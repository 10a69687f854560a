// `instrada sim` in-process: the command prints where it listens, serves binds, reloads its file on
// SIGHUP (a bad file changes nothing), and stops on SIGINT. Signals are emitted on `process`, not sent.

import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../../src/commands/sim.js'
import { ourClient, submitPdu, until, receiptText } from './helpers.js'

function captureStdout (t: { teardown: (fn: () => void) => void }): string[] {
  const lines: string[] = []
  const orig = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: any[]) => { lines.push(String(chunk)); return orig(chunk, ...rest) }) as typeof process.stdout.write
  t.teardown(() => { process.stdout.write = orig })
  return lines
}

t.test('--help and bad options', async (t) => {
  const out = captureStdout(t)
  t.equal(await run(['--help']), 0)
  t.match(out.join(''), /usage: instrada sim/)
  await t.rejects(run(['--port', 'x']), { code: 'INS_ERR_CONFIG' })
  await t.rejects(run(['--config', '/nonexistent/sim.yaml']), { code: 'INS_ERR_CONFIG' })
})

t.test('runs, serves, reloads on SIGHUP, stops on SIGINT', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'sim.yaml')
  const base = 'carriers:\n  - name: cli\n    port: 0\n    receipts: { latency: 1 }\n'
  writeFileSync(file, base)
  const out = captureStdout(t)
  const listeners = ['SIGHUP', 'SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s)).join()
  const done = run(['--config', file, '--log-level', 'silent'])
  t.ok(await until(() => /listening on 127\.0\.0\.1:(\d+)/.test(out.join(''))))
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out.join(''))![1])
  const c = await ourClient(t, port)
  await c.session.requestAsync(submitPdu('391', 'x'))
  t.ok(await until(() => c.delivers.length === 1))
  t.match(receiptText(c.delivers[0]), /DELIVRD/)

  writeFileSync(file, base + '    outcomes: { REJECTD: 1 }\n')
  process.emit('SIGHUP', 'SIGHUP')
  await c.session.requestAsync(submitPdu('392', 'x'))
  t.ok(await until(() => c.delivers.length === 2))
  t.match(receiptText(c.delivers[1]), /REJECTD/, 'reloaded')

  writeFileSync(file, base + '    outcomes: { NOPE: 1 }\n')
  process.emit('SIGHUP', 'SIGHUP')
  await c.session.requestAsync(submitPdu('393', 'x'))
  t.ok(await until(() => c.delivers.length === 3))
  t.match(receiptText(c.delivers[2]), /REJECTD/, 'a bad file changed nothing')

  process.emit('SIGINT', 'SIGINT')
  t.equal(await done, 0)
  t.equal(['SIGHUP', 'SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s)).join(), listeners, 'signal handlers removed')
})
