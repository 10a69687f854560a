// `instrada sim`: run simulated carriers (SMSCs) standalone. With no options: one carrier on
// 127.0.0.1:2776, system_id sim / password simpass, every message DELIVRD within a few ms.
// SIGHUP reloads the config file (a bad file changes nothing and logs why); SIGINT/SIGTERM stop.

import { parseArgs } from 'node:util'
import { ConfigError } from '../errors.js'
import { createLogger } from '../log.js'
import { defaultSimulatorConfig, loadSimulatorConfig, Simulator } from '../sim/index.js'

export const summary = 'run simulated carriers (SMSCs) for testing SMPP clients'

const HELP = `usage: instrada sim [--config <file>] [--host <addr>] [--port <n>] [--control-port <n>] [--seed <n>] [--log-level <level>]

  --config <file>      YAML profiles (see config/sim.example.yaml and docs/simulator.md)
  --host, --port       listen address of the first carrier (default 127.0.0.1:2776)
  --control-port <n>   HTTP control endpoint on the control host (default: off; 0 = any free port)
  --seed <n>           seed for every random choice (overrides the file's seed for carriers without their own)
  --log-level <level>  pino level (default info)

Without --config: one carrier, system_id 'sim', password 'simpass', every message DELIVRD in ~5 ms.
SIGHUP reloads --config without dropping binds.`

export async function run (argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      host: { type: 'string' },
      port: { type: 'string' },
      'control-port': { type: 'string' },
      seed: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help === true) {
    process.stdout.write(HELP + '\n')
    return 0
  }
  const log = createLogger({ level: values['log-level'], name: 'instrada-sim' })
  const file = values.config ?? null
  const config = file === null ? defaultSimulatorConfig() : loadSimulatorConfig(file)
  const first = config.carriers[0]
  if (values.host !== undefined) first.host = values.host
  if (values.port !== undefined) first.port = portArg(values.port, '--port')
  if (values['control-port'] !== undefined) config.control.port = portArg(values['control-port'], '--control-port')
  if (values.seed !== undefined && file === null) first.seed = portArg(values.seed, '--seed', 0xffffffff)

  const sim = new Simulator(config, { logger: log, configFile: file })
  await sim.start()
  for (const name of sim.carrierNames) {
    const p = sim.carrier(name).profile
    process.stdout.write(`carrier ${name} listening on ${p.host}:${sim.port(name)} (accounts: ${p.accounts.map((a) => a.systemId).join(', ')})\n`)
  }
  if (sim.controlPort !== 0) process.stdout.write(`control endpoint on http://${config.control.host}:${sim.controlPort}/status\n`)

  const onHup = (): void => {
    try {
      sim.reload()
      log.info('configuration reloaded')
    } catch (err) {
      log.error({ err: (err as Error).message }, 'reload refused: nothing changed')
    }
  }
  if (file !== null) process.on('SIGHUP', onHup)
  let stop = (): void => {}
  await new Promise<void>((resolve) => {
    stop = resolve
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  process.off('SIGHUP', onHup)
  await sim.close()
  return 0
}

function portArg (v: string, name: string, max = 65535): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > max) throw new ConfigError('(command line)', 0, name, `must be an integer 0-${max}`)
  return n
}
