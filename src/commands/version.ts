import { readFileSync } from 'node:fs'

export const summary = 'print the version'

export async function run (): Promise<number> {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  process.stdout.write(`instrada ${pkg.version} (node ${process.version})\n`)
  return 0
}
