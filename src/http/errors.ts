// What an HTTP error answer carries: every 4xx/5xx body is `{ error: { code, field, reason,
// message } }` (plus `smpp_status` when an SMPP status answers the same refusal). Plain data,
// returned rather than thrown: refusals are ordinary outcomes on the request path.

import { CommandStatus, statusName } from '../smpp/pdu/status.js'
import type { Violation } from '../rules/index.js'

export class ApiError {
  constructor (
    readonly status: number,
    /** Stable category: invalid_request, unauthorized, rule_violation, no_credit, … */
    readonly code: string,
    /** The request field at fault (`to`, `text`, `variables.<to>.<name>`, a header), or null. */
    readonly field: string | null,
    /** Stable reason within the category (a rules reason code such as SENDER_NOT_ACTIVE). */
    readonly reason: string,
    readonly message: string,
    readonly smppStatus: number | null = null
  ) {}

  toJSON (): Record<string, unknown> {
    const e: Record<string, unknown> = { code: this.code, field: this.field, reason: this.reason, message: this.message }
    if (this.smppStatus !== null) e.smpp_status = statusName(this.smppStatus)
    return e
  }
}

export function badField (field: string, reason: string, message: string): ApiError {
  return new ApiError(400, 'invalid_request', field, reason, message)
}

export function fromViolation (v: Violation): ApiError {
  return new ApiError(v.httpStatus, 'rule_violation', v.field, v.reason, v.message, v.smppStatus)
}

/**
 * A refusal known only by its SMPP status (the intake's schedule/validity/route/throughput
 * checks and the engine's answer), as the HTTP answer to the same situation.
 */
export function fromSmppStatus (status: number, message: string): ApiError {
  const S = CommandStatus
  switch (status) {
    case S.ESME_RINVSCHED: return new ApiError(400, 'invalid_request', 'scheduled_at', 'SCHEDULE_INVALID', message, status)
    case S.ESME_RINVEXPIRY: return new ApiError(400, 'invalid_request', 'validity', 'VALIDITY_INVALID', message, status)
    case S.INSTRADA_RNOROUTE: return new ApiError(422, 'rule_violation', 'to', 'NO_ROUTE', message, status)
    case S.ESME_RTHROTTLED: return new ApiError(429, 'throttled', null, 'THROTTLED', message, status)
    case S.ESME_RMSGQFUL: return new ApiError(503, 'queue_full', null, 'QUEUE_FULL', message, status)
    case S.INSTRADA_RNOCREDIT: return new ApiError(402, 'no_credit', null, 'NO_CREDIT', message, status)
    case S.INSTRADA_RACCTSUSPENDED: return new ApiError(403, 'account_suspended', null, 'ACCOUNT_SUSPENDED', message, status)
    case S.ESME_RSUBMITFAIL: return new ApiError(422, 'submit_failed', null, 'SUBMIT_FAILED', message, status)
    case S.ESME_RINVSRCADR: return new ApiError(422, 'rule_violation', 'from', 'SENDER_REFUSED', message, status)
    case S.ESME_RINVDSTADR: return new ApiError(422, 'rule_violation', 'to', 'DESTINATION_REFUSED', message, status)
    case S.ESME_RINVMSGLEN: return new ApiError(422, 'rule_violation', 'text', 'TEXT_REFUSED', message, status)
    default: return new ApiError(500, 'internal', null, 'INTERNAL', message, status)
  }
}

export const NOT_FOUND_ROUTE = (method: string, path: string): ApiError =>
  new ApiError(404, 'not_found', null, 'UNKNOWN_ROUTE', `no such endpoint: ${method} ${path}`)
