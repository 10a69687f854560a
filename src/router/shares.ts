// How work is split between engines (worker threads): by a stable hash, so every thread agrees
// without asking the others. Outbox items belong to the engine owning their account (one
// engine orders and de-duplicates an account's receipts); due parts to the one owning the id.

import type { FinalState } from '../store/types.js'

/** FNV-1a of a string, modulo `of`. */
export function ownerOf (key: string, of: number): number {
  if (of <= 1) return 0
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % of
}

/** SMPP message_state for a final state (query_sm_resp, receipts). */
export const MESSAGE_STATE_OF: Readonly<Record<FinalState, number>> = {
  delivered: 2,
  expired: 3,
  undeliverable: 5,
  rejected: 8,
  failed: 5
}
