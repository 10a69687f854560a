// What the engine hands a carrier pool and what it gets back.

import type { ConcatMethod } from '../rules/index.js'
import type { FailureClass } from './retry.js'

/** One part of one message, as the engine hands it over. */
export interface OutboundPart {
  messageId: string
  /** 0-based. */
  part: number
  total: number
  /** Concatenation reference 0..65535 (udh8 sends its low byte). */
  ref: number
  sender: string
  senderKind: 'alpha' | 'numeric'
  /** International digits, no '+'. */
  destination: string
  dataCoding: number
  /** The customer's esm_class (messaging mode, 0x80 reply path); 0x40 set = customer-made UDH. */
  esmClass: number
  /** This part's bytes WITHOUT a concat header (customer-made UDH parts: the whole bytes, as is). */
  body: Uint8Array
  /** SMPP time string or ''. */
  validityPeriod: string
  priorityFlag: number
  protocolId: number
  /**
   * Optional: the method splitMessage() actually used for this message (udh16 falls back to udh8
   * when the 16-bit header would need one part more). Absent: the carrier's `submit.concat`.
   */
  concat?: ConcatMethod
}

export type SubmitOutcome =
  | { ok: true, carrierMessageId: string }
  /** status null: transport failure or no response in time (failure 'timeout'). */
  | { ok: false, status: number | null, failure: FailureClass, error: string }

export type SubmitCallback<T> = (outcome: SubmitOutcome, token: T) => void
