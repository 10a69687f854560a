// One outcome for a whole (possibly multi-part) message, and whether its customer asked to hear
// about it. A message is delivered only if every part was; otherwise its worst part decides,
// by severity(): rejected > failed > undeliverable > expired > delivered.

import type { FinalState, MessageRecord, PartRecord } from '../store/index.js'
import { isFinalState, severity } from './states.js'

/** Delivered only if every part was; otherwise the worst part decides (order in states.ts severity()). */
export function aggregateState (message: MessageRecord): { final: boolean, state: FinalState | null } {
  const p = decidingPart(message)
  return p === null ? NOT_FINAL : { final: true, state: p.state as FinalState }
}

const NOT_FINAL = Object.freeze({ final: false, state: null })

/**
 * The part whose outcome stands for the message: the worst one, the lowest-numbered among equals.
 * null while any part is not final (or the message has no parts).
 */
export function decidingPart (message: MessageRecord): PartRecord | null {
  let worst: PartRecord | null = null
  let worstSeverity = -1
  for (const p of message.parts) {
    if (!isFinalState(p.state)) return null
    const s = severity(p.state)
    if (s > worstSeverity) { worst = p; worstSeverity = s }
  }
  return worst
}

/** How many parts ended delivered. */
export function deliveredParts (message: MessageRecord): number {
  let n = 0
  for (const p of message.parts) if (p.state === 'delivered') n++
  return n
}

/**
 * Whether the customer asked for this receipt: registered_delivery bits 1..0 — 0 none, 1 on
 * the final outcome, 2 on failure only, 3 (reserved in SMPP 3.4) treated as 1. Other bits (SME
 * acks 0x0C, intermediate notification 0x10) do not change the answer for a final receipt.
 */
export function wantsReceipt (registeredDelivery: number, state: FinalState): boolean {
  switch (registeredDelivery & 0x03) {
    case 0: return false
    case 2: return state !== 'delivered'
    default: return true
  }
}
