// Every error Instrada throws or hands to a callback: a class per failure a caller could handle
// differently, each with a stable string code. docs/ERRORS.md lists exactly these codes (a test
// keeps the two in step). Add a class here, a row there, and a case to test/errors.test.ts.

export interface InstradaErrorOptions {
  cause?: unknown
}

export class InstradaError extends Error {
  readonly code: string
  constructor (message: string, code = 'INS_ERR', options?: InstradaErrorOptions) {
    super(message, options)
    this.name = 'InstradaError'
    this.code = code
  }
}

/** A configuration file is unreadable or invalid; names the file, line and key. */
export class ConfigError extends InstradaError {
  override readonly code = 'INS_ERR_CONFIG' as const
  readonly file: string
  readonly line: number
  readonly key: string
  constructor (file: string, line: number, key: string, problem: string, options?: InstradaErrorOptions) {
    super(`${file}:${line}: ${key}: ${problem}`, 'INS_ERR_CONFIG', options)
    this.name = 'ConfigError'
    this.file = file
    this.line = line
    this.key = key
  }
}

/** A component was used after close() began. */
export class ClosedError extends InstradaError {
  override readonly code = 'INS_ERR_CLOSED' as const
  constructor (what = 'component', options?: InstradaErrorOptions) {
    super(`${what} is closed`, 'INS_ERR_CLOSED', options)
    this.name = 'ClosedError'
  }
}

/** The SMPP request window is full and no slot freed up in time. */
export class WindowFullError extends InstradaError {
  override readonly code = 'INS_ERR_WINDOW_FULL' as const
  constructor (message = 'request window is full', options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_WINDOW_FULL', options)
    this.name = 'WindowFullError'
  }
}

/** No response arrived for an SMPP request within its timeout. */
export class ResponseTimeoutError extends InstradaError {
  override readonly code = 'INS_ERR_RESPONSE_TIMEOUT' as const
  constructor (message = 'no response within the request timeout', options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_RESPONSE_TIMEOUT', options)
    this.name = 'ResponseTimeoutError'
  }
}

/** The SMPP session closed (or the connection dropped) with the request still outstanding. */
export class SessionClosedError extends InstradaError {
  override readonly code = 'INS_ERR_SESSION_CLOSED' as const
  constructor (message = 'session closed', options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_SESSION_CLOSED', options)
    this.name = 'SessionClosedError'
  }
}

/** A command was sent in a session state that does not allow it. */
export class InvalidStateError extends InstradaError {
  override readonly code = 'INS_ERR_INVALID_STATE' as const
  constructor (message: string, options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_INVALID_STATE', options)
    this.name = 'InvalidStateError'
  }
}

/** The peer answered a request with a non-zero command_status. */
export class SmppStatusError extends InstradaError {
  override readonly code = 'INS_ERR_SMPP_STATUS' as const
  readonly status: number
  constructor (status: number, message: string, options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_SMPP_STATUS', options)
    this.name = 'SmppStatusError'
    this.status = status
  }
}

/** Encoding a PDU failed: a field is out of its range or too long for the wire. */
export class PduEncodeError extends InstradaError {
  override readonly code = 'INS_ERR_PDU_ENCODE' as const
  readonly field: string
  constructor (field: string, message: string, options?: InstradaErrorOptions) {
    super(`${field}: ${message}`, 'INS_ERR_PDU_ENCODE', options)
    this.name = 'PduEncodeError'
    this.field = field
  }
}

/** A stored password hash is not a valid `scrypt$N$r$p$salt$hash` string. */
export class PasswordHashError extends InstradaError {
  override readonly code = 'INS_ERR_PASSWORD_HASH' as const
  constructor (message: string, options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_PASSWORD_HASH', options)
    this.name = 'PasswordHashError'
  }
}

/** Connecting or binding to an SMSC failed. */
export class BindError extends InstradaError {
  override readonly code = 'INS_ERR_BIND' as const
  readonly status: number
  constructor (status: number, message: string, options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_BIND', options)
    this.name = 'BindError'
    this.status = status
  }
}

/** A ledger amount is not a positive (or, for adjustments, non-zero) integer of milli-credits. */
export class InvalidAmountError extends InstradaError {
  override readonly code = 'INS_ERR_INVALID_AMOUNT' as const
  constructor (message = 'amount must be a positive integer of milli-credits', options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_INVALID_AMOUNT', options)
    this.name = 'InvalidAmountError'
  }
}

/** The message store cannot do what was asked (bad argument or unusable environment). */
export class StoreError extends InstradaError {
  override readonly code = 'INS_ERR_STORE' as const
  constructor (message: string, options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_STORE', options)
    this.name = 'StoreError'
  }
}

/** An engine (inline or in a worker thread) failed to start, crashed, or answered with an error. */
export class EngineError extends InstradaError {
  override readonly code = 'INS_ERR_ENGINE' as const
  constructor (message: string, options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_ENGINE', options)
    this.name = 'EngineError'
  }
}

/** A server could not be connected to at all (the HTTP API under `instrada load --http`). */
export class ConnectError extends InstradaError {
  override readonly code = 'INS_ERR_CONNECT' as const
  constructor (message: string, options?: InstradaErrorOptions) {
    super(message, 'INS_ERR_CONNECT', options)
    this.name = 'ConnectError'
  }
}
