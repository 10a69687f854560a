#!/usr/bin/env node
// `instrada <command> [options]`: each command is a module in src/commands/ exporting
// `run(argv): Promise<number>` (the exit code), loaded only when asked for.

import { InstradaError } from './errors.js'

type CommandModule = { run: (argv: string[]) => Promise<number>, summary: string }

const commands: Record<string, () => Promise<CommandModule>> = {
  version: async () => await import('./commands/version.js'),
  reconcile: async () => await import('./commands/reconcile.js'),
  start: async () => await import('./commands/start.js'),
  sim: async () => await import('./commands/sim.js'),
  'hash-password': async () => await import('./commands/hash-password.js'),
  'hash-api-key': async () => await import('./commands/hash-api-key.js'),
  load: async () => await import('./commands/load.js'),
  'webhook-receiver': async () => await import('./commands/webhook-receiver.js')
}

function usage (): string {
  return 'usage: instrada <command> [options]\ncommands: ' + Object.keys(commands).sort().join(', ') +
    '\n`instrada <command> --help` describes one.'
}

async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n')
    return name === undefined ? 2 : 0
  }
  const load = commands[name]
  if (load === undefined) {
    process.stderr.write(`instrada: unknown command '${name}'\n${usage()}\n`)
    return 2
  }
  const mod = await load()
  return await mod.run(rest)
}

main(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exitCode = code
}, (err: unknown) => {
  // Expected failures (config errors, bind refusals) print one line; anything else its stack.
  if (err instanceof InstradaError) process.stderr.write(`instrada: ${err.message}\n`)
  else process.stderr.write(`instrada: ${(err as Error)?.stack ?? String(err)}\n`)
  process.exitCode = 1
})
