// A refusal of an admin operation, as plain data: the HTTP layer turns it into its error answer.
// Returned, not thrown: refusals are ordinary outcomes of operator input.

import { ConfigError } from '../errors.js'

export class AdminProblem {
  constructor (
    readonly status: number,
    /** Stable category (invalid_request, not_found, conflict, …). */
    readonly code: string,
    /** The request field (or path parameter) at fault, or null. */
    readonly field: string | null,
    readonly reason: string,
    readonly message: string
  ) {}
}

/**
 * A config parser's verdict on admin input as a 400 naming the field. The parsers name keys as
 * the config does (`tps`, `senders[2].addr`); `rename` maps them to the request's own fields.
 */
export function fromConfigError (err: ConfigError, rename: (key: string) => string = (k) => k): AdminProblem {
  const unknown = err.message.includes('unknown key')
  const problem = err.message.slice(err.message.indexOf(`${err.key}: `) + err.key.length + 2)
  const field = rename(err.key)
  return new AdminProblem(400, 'invalid_request', field, unknown ? 'UNKNOWN_FIELD' : 'INVALID_VALUE', `'${field}' ${problem}`)
}

export function notFound (field: string, reason: string, message: string): AdminProblem {
  return new AdminProblem(404, 'not_found', field, reason, message)
}

export function conflict (field: string | null, reason: string, message: string): AdminProblem {
  return new AdminProblem(409, 'conflict', field, reason, message)
}

export function badInput (field: string, reason: string, message: string): AdminProblem {
  return new AdminProblem(400, 'invalid_request', field, reason, message)
}
