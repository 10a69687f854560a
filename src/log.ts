// One pino logger per process; components take a child with their own bindings. Secrets are
// redacted by path as a second line of defence: code never passes a password to a log call.

import { pino, type Logger } from 'pino'

export type { Logger }

const REDACT = [
  'password', '*.password', 'passwordHash', '*.passwordHash', 'apiKey', '*.apiKey',
  'authorization', '*.authorization', 'headers.authorization'
]

export interface LoggerOptions {
  level?: string
  name?: string
}

/** Level from the option, else INSTRADA_LOG_LEVEL, else `info`. `silent` turns logging off. */
export function createLogger (opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? process.env.INSTRADA_LOG_LEVEL ?? 'info'
  return pino({ level, name: opts.name ?? 'instrada', redact: { paths: REDACT, censor: '[redacted]' } })
}

/** A logger that writes nothing: the default for library use and tests. */
export const silentLogger: Logger = pino({ level: 'silent' })
