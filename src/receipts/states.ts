// Receipt stat text ⇄ SMPP message_state ⇄ the store's FinalState, and how bad each outcome is.
// Carriers write the stat in upper or lower case and a few use long or vendor spellings; those
// are folded onto the eight standard stats here, once, so nothing downstream sees them.

import type { FinalState } from '../store/index.js'

export type Stat = 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD' | 'ENROUTE'

export const STATS: readonly Stat[] = ['DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD', 'ENROUTE']

// Spellings seen in the wild (Kannel's handle_dlr accepts the same families).
const ALIASES: Record<string, Stat> = {
  DELIVRD: 'DELIVRD',
  DELIVERED: 'DELIVRD',
  DELIVER: 'DELIVRD',
  EXPIRED: 'EXPIRED',
  DELETED: 'DELETED',
  UNDELIV: 'UNDELIV',
  UNDELIVERABLE: 'UNDELIV',
  UNDELIVERED: 'UNDELIV',
  FAILED: 'UNDELIV',
  ACCEPTD: 'ACCEPTD',
  ACCEPTED: 'ACCEPTD',
  ACKED: 'ACCEPTD',
  UNKNOWN: 'UNKNOWN',
  REJECTD: 'REJECTD',
  REJECTED: 'REJECTD',
  ENROUTE: 'ENROUTE',
  BUFFRED: 'ENROUTE',
  BUFFERD: 'ENROUTE',
  BUFFERED: 'ENROUTE'
}

/** The standard stat for a carrier's stat text, or null when it is not one we know. */
export function normaliseStat (text: string): Stat | null {
  return ALIASES[text.trim().toUpperCase()] ?? null
}

// message_state values (TLV 0x0427), index = value.
const BY_MESSAGE_STATE: ReadonlyArray<Stat | null> = [null, 'ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD']

/** The stat for a message_state value, or null for 0 (SCHEDULED in 5.0), 9+ or junk. */
export function statOfMessageState (state: number): Stat | null {
  return Number.isInteger(state) ? BY_MESSAGE_STATE[state] ?? null : null
}

export function messageStateOf (stat: Stat): number {
  return BY_MESSAGE_STATE.indexOf(stat)
}

/**
 * The store's FinalState for a final stat; null for ENROUTE (never final). DELETED and UNKNOWN
 * end as `failed`; ACCEPTD as `delivered` (the network has it — SMPP 3.4 calls it final); the
 * exact stat is kept beside the state in the part's error text (see partError).
 */
export function finalStateOf (stat: Stat): FinalState | null {
  switch (stat) {
    case 'DELIVRD': return 'delivered'
    case 'ACCEPTD': return 'delivered'
    case 'UNDELIV': return 'undeliverable'
    case 'EXPIRED': return 'expired'
    case 'REJECTD': return 'rejected'
    case 'DELETED': return 'failed'
    case 'UNKNOWN': return 'failed'
    case 'ENROUTE': return null
  }
}

/** The stat a customer sees for a state when no carrier stat was recorded (router-made outcomes). */
export function statOf (state: FinalState): Stat {
  switch (state) {
    case 'delivered': return 'DELIVRD'
    case 'undeliverable': return 'UNDELIV'
    case 'expired': return 'EXPIRED'
    case 'rejected': return 'REJECTD'
    case 'failed': return 'UNDELIV'
  }
}

/**
 * How bad an outcome is, for choosing the state of a multi-part message: higher is worse.
 * delivered < expired < undeliverable < failed < rejected. Expired may have been a passing
 * condition; undeliverable is the handset or number; failed is an error of the chain; rejected
 * says the message itself (sender, content, destination) was refused and will be again.
 */
export function severity (state: FinalState): number {
  switch (state) {
    case 'delivered': return 0
    case 'expired': return 1
    case 'undeliverable': return 2
    case 'failed': return 3
    case 'rejected': return 4
  }
}

export function isFinalState (s: string): s is FinalState {
  return s === 'delivered' || s === 'undeliverable' || s === 'expired' || s === 'rejected' || s === 'failed'
}

// ---- the error text a receipt leaves on its part ----
// `STAT:err` or `STAT:err:nnnnnn` (network_error_code, 3 octets in hex). The router's own failures
// write what they like (e.g. `0x00000045` or `ESME_RSUBMITFAIL`); partOutcome reads both.

const PART_ERROR = /^(DELIVRD|EXPIRED|DELETED|UNDELIV|ACCEPTD|UNKNOWN|REJECTD|ENROUTE):([0-9A-Za-z]{0,10})(?::([0-9a-f]{6}))?$/
const NUMERIC = /^(?:0x([0-9a-fA-F]{1,8})|([0-9]{1,10}))$/

/** The text a carrier receipt leaves in the part's `error` field. */
export function partError (stat: Stat, err: string, networkErrorCode: Buffer | null): string {
  const e = err.replace(/[^0-9A-Za-z]/g, '').slice(0, 10)
  return networkErrorCode !== null && networkErrorCode.length === 3
    ? `${stat}:${e}:${networkErrorCode.toString('hex')}`
    : `${stat}:${e}`
}

export interface PartOutcome {
  stat: Stat
  /** The receipt's err: field (3 digits or as the carrier wrote it). */
  err: string
  networkErrorCode: Buffer
}

/** NEC network type 3 = GSM, as the simulator and most SMSCs report. */
const NET_GSM = 3

/**
 * What to tell the customer about one final part: the carrier's own stat (ACCEPTD as DELIVRD),
 * err and network error when a receipt recorded them and they agree with the state, else the canonical stat for the state
 * and an err taken from a numeric error text (an SMPP status, say), else 000.
 */
export function partOutcome (state: FinalState, error: string | null): PartOutcome {
  if (error !== null) {
    const m = PART_ERROR.exec(error)
    if (m !== null && finalStateOf(m[1] as Stat) === state) {
      const err = pad3(m[2])
      // ACCEPTD ended the part as delivered, but Kannel and others read ACCEPTD as "buffered" and
      // would wait for a final receipt that never comes: the customer is told DELIVRD.
      return { stat: m[1] === 'ACCEPTD' ? 'DELIVRD' : m[1] as Stat, err, networkErrorCode: m[3] !== undefined ? Buffer.from(m[3], 'hex') : nec(err) }
    }
    const n = NUMERIC.exec(error.trim())
    if (n !== null) {
      const v = n[1] !== undefined ? parseInt(n[1], 16) : Number(n[2])
      const err = pad3(String(v))
      return { stat: statOf(state), err, networkErrorCode: nec(err) }
    }
  }
  return { stat: statOf(state), err: '000', networkErrorCode: nec('000') }
}

function pad3 (s: string): string {
  return s.length >= 3 ? s : '000'.slice(s.length) + s
}

function nec (err: string): Buffer {
  const v = /^[0-9]+$/.test(err) ? Math.min(Number(err), 0xffff) : 0
  return Buffer.from([NET_GSM, v >> 8, v & 0xff])
}
