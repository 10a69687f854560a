// `instrada load` run in-process: its printed table captured, its --json file read back.

import type { Test } from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run as loadCommand } from '../../src/commands/load.js'

export async function runLoadCli (t: Test, args: (jsonFile: string) => string[]): Promise<{ code: number, text: string, json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const dir = mkdtempSync(join(tmpdir(), 'instrada-load-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'r.json')
  const out: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((s: string) => { out.push(s); return true }) as typeof process.stdout.write
  let code: number
  try {
    code = await loadCommand(args(file))
  } finally {
    process.stdout.write = write
  }
  return { code, text: out.join(''), json: JSON.parse(readFileSync(file, 'utf8')) }
}
