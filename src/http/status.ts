// The API's view of a stored message: one status word from the fixed vocabulary (Twilio-like),
// per-part states in the same words, ISO timestamps and credits (not milli-credits).

import { aggregateState } from '../receipts/index.js'
import type { MessageRecord, PartRecord, PartState } from '../store/types.js'

export const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'undelivered', 'expired', 'rejected', 'failed'] as const
export type MessageStatus = typeof MESSAGE_STATUSES[number]

const PART_STATUS: Record<PartState, MessageStatus> = {
  queued: 'queued',
  submitting: 'sent',
  submitted: 'sent',
  delivered: 'delivered',
  undeliverable: 'undelivered',
  expired: 'expired',
  rejected: 'rejected',
  failed: 'failed'
}

/**
 * Final: the aggregate of the parts (delivered only if every part was, else the worst).
 * Not final: `sent` once any part was handed to a carrier, else `queued`.
 */
export function messageStatus (rec: MessageRecord): MessageStatus {
  const agg = aggregateState(rec)
  if (agg.final && agg.state !== null) return PART_STATUS[agg.state]
  return rec.parts.some((p) => p.state !== 'queued') ? 'sent' : 'queued'
}

export function encodingOf (dataCoding: number): 'gsm7' | 'ucs2' | 'binary' {
  if (dataCoding === 8) return 'ucs2'
  if (dataCoding === 4 || dataCoding === 2) return 'binary'
  return 'gsm7'
}

function iso (ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

export function credits (milli: number): number {
  return milli / 1000
}

function partView (p: PartRecord): Record<string, unknown> {
  return {
    part: p.part + 1,
    status: PART_STATUS[p.state],
    carrier: p.carrierId,
    carrier_message_id: p.carrierMessageId,
    attempts: p.attempts,
    error: p.error,
    charged: credits(p.charged),
    queued_at: iso(p.queuedAt),
    submitted_at: iso(p.submittedAt),
    done_at: iso(p.doneAt)
  }
}

export function messageView (rec: MessageRecord): Record<string, unknown> {
  return {
    id: rec.id,
    status: messageStatus(rec),
    to: rec.destination,
    from: rec.sender,
    type: rec.type,
    reference: rec.reference,
    country: rec.country,
    encoding: encodingOf(rec.dataCoding),
    parts_count: rec.parts.length,
    cost: credits(rec.cost),
    created_at: iso(rec.receivedAt),
    scheduled_at: iso(rec.scheduledAt),
    valid_until: iso(rec.validUntil),
    finished_at: iso(rec.finishedAt),
    parts: rec.parts.map(partView)
  }
}
