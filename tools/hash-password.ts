// Operator tool: `node dist/tools/hash-password.js [password]` prints the scrypt hash for an
// account's password_hash (the same as `instrada hash-password`, runnable without the CLI).

import { run } from '../src/commands/hash-password.js'

run(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
  process.stderr.write(`hash-password: ${(err as Error).message}\n`)
  process.exitCode = 1
})
