// Load generator: `node dist/tools/load.js [options]` is `instrada load [options]` (SMPP binds or
// HTTP POSTs, closed or open loop; `--help` lists the options), runnable without the CLI.

import { run } from '../src/commands/load.js'

run(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
  process.stderr.write(`load: ${(err as Error).message}\n`)
  process.exitCode = 1
})
