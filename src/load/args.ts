import { ConfigError } from '../errors.js'

/** A bad load option: reported as `load options:0: <key>: <problem>`. */
export function argError (key: string, problem: string): ConfigError {
  return new ConfigError('load options', 0, key, problem)
}
