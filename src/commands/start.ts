// `instrada start [--config file]`: runs the router until SIGINT/SIGTERM; SIGHUP reloads the
// config (a bad file is reported and changes nothing).

import { parseArgs } from 'node:util'
import { ConfigError } from '../errors.js'
import { Router } from '../router/router.js'

export const summary = 'run the router (SMPP server, engines, carriers)'

export async function run (argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c', default: 'config/default.yaml' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help === true) {
    process.stdout.write('usage: instrada start [--config config/default.yaml]\nRuns the router; SIGHUP reloads the config, SIGINT/SIGTERM stop it gracefully.\n')
    return 0
  }
  const router = Router.fromFile(values.config!)
  await router.start()
  process.on('SIGHUP', () => {
    router.reload().catch((err: unknown) => {
      router.log.error({ err: err instanceof ConfigError ? err.message : err }, 'config reload refused; still running on the previous config')
    })
  })
  const died = await new Promise<Error | null>((resolve) => {
    const stop = (): void => { resolve(null) }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    void router.failed.then(resolve)
  })
  if (died !== null) {
    await router.close()
    process.stderr.write(`instrada: stopped because an engine thread died (${died.message}); restart it: recovery resumes the work\n`)
    return 1
  }
  router.log.info('stopping')
  await router.close()
  return 0
}
