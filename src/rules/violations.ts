// Every way a message can break a rule, as data: a stable reason code with the SMPP status, the
// HTTP status and the HTTP field it maps to. Rule checks return a Violation (never throw) because
// they run per message at 100k+/s; RuleViolationError wraps one for callers that prefer throwing.

import { CommandStatus } from '../smpp/pdu/status.js'
import { InstradaError } from '../errors.js'

export type Field = 'from' | 'to' | 'text'

interface ReasonSpec { smppStatus: number, httpStatus: 400 | 422, field: Field }

const LEN = CommandStatus.ESME_RINVMSGLEN
const CHARS = CommandStatus.INSTRADA_RINVCHARS
const SRC = CommandStatus.ESME_RINVSRCADR
const DST = CommandStatus.ESME_RINVDSTADR

/** The reason codes, each with its statuses. The docs table (docs/rules.md) lists exactly these. */
export const REASONS = {
  // text
  EMPTY_TEXT: { smppStatus: LEN, httpStatus: 400, field: 'text' },
  TOO_MANY_PARTS: { smppStatus: LEN, httpStatus: 422, field: 'text' },
  UDH_PART_TOO_LONG: { smppStatus: LEN, httpStatus: 400, field: 'text' },
  UDH_MALFORMED: { smppStatus: LEN, httpStatus: 400, field: 'text' },
  INVALID_CHARS: { smppStatus: CHARS, httpStatus: 422, field: 'text' },
  UNICODE_NOT_ALLOWED: { smppStatus: CHARS, httpStatus: 422, field: 'text' },
  DATA_CODING_UNSUPPORTED: { smppStatus: CHARS, httpStatus: 400, field: 'text' },
  // sender
  SENDER_MISSING: { smppStatus: SRC, httpStatus: 400, field: 'from' },
  ALIAS_TOO_SHORT: { smppStatus: SRC, httpStatus: 400, field: 'from' },
  ALIAS_TOO_LONG: { smppStatus: SRC, httpStatus: 400, field: 'from' },
  ALIAS_INVALID_CHARS: { smppStatus: SRC, httpStatus: 400, field: 'from' },
  NUMBER_INVALID_CHARS: { smppStatus: SRC, httpStatus: 400, field: 'from' },
  NUMBER_TOO_LONG: { smppStatus: SRC, httpStatus: 400, field: 'from' },
  NUMBER_TOO_SHORT: { smppStatus: SRC, httpStatus: 400, field: 'from' },
  NUMBER_UNKNOWN_COUNTRY: { smppStatus: SRC, httpStatus: 422, field: 'from' },
  NUMBER_NOT_MOBILE: { smppStatus: SRC, httpStatus: 422, field: 'from' },
  SENDER_NOT_REGISTERED: { smppStatus: SRC, httpStatus: 422, field: 'from' },
  SENDER_NOT_ACTIVE: { smppStatus: SRC, httpStatus: 422, field: 'from' },
  SENDER_NOT_VERIFIED: { smppStatus: SRC, httpStatus: 422, field: 'from' },
  ALIAS_NEEDS_ITALIAN_VAT: { smppStatus: SRC, httpStatus: 422, field: 'from' },
  NANP_SENDER_NOT_REGISTERED: { smppStatus: SRC, httpStatus: 422, field: 'from' },
  NANP_SENDER_NOT_ENABLED: { smppStatus: SRC, httpStatus: 422, field: 'from' },
  // destination
  DEST_MISSING: { smppStatus: DST, httpStatus: 400, field: 'to' },
  DEST_INVALID_CHARS: { smppStatus: DST, httpStatus: 400, field: 'to' },
  DEST_UNKNOWN_COUNTRY: { smppStatus: DST, httpStatus: 422, field: 'to' },
  DEST_BAD_LENGTH: { smppStatus: DST, httpStatus: 422, field: 'to' }
} as const satisfies Record<string, ReasonSpec>

export type ReasonCode = keyof typeof REASONS

/** One broken rule. Plain data; build with `violation()`. */
export class Violation {
  readonly reason: ReasonCode
  readonly smppStatus: number
  readonly httpStatus: 400 | 422
  readonly field: Field
  readonly message: string
  constructor (reason: ReasonCode, message: string) {
    const spec: ReasonSpec = REASONS[reason]
    this.reason = reason
    this.smppStatus = spec.smppStatus
    this.httpStatus = spec.httpStatus
    this.field = spec.field
    this.message = message
  }

  toJSON (): { reason: ReasonCode, field: Field, message: string, smppStatus: number, httpStatus: number } {
    return { reason: this.reason, field: this.field, message: this.message, smppStatus: this.smppStatus, httpStatus: this.httpStatus }
  }
}

export function violation (reason: ReasonCode, message: string): Violation {
  return new Violation(reason, message)
}

export function isViolation (x: unknown): x is Violation {
  return x instanceof Violation
}

/** A Violation as a thrown error, for code paths where throwing is the natural shape. */
export class RuleViolationError extends InstradaError {
  override readonly code = 'INS_ERR_RULE_VIOLATION' as const
  readonly violation: Violation
  constructor (v: Violation) {
    super(`${v.reason}: ${v.message}`, 'INS_ERR_RULE_VIOLATION')
    this.name = 'RuleViolationError'
    this.violation = v
  }
}
