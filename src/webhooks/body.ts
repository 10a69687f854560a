// What a webhook says: `{ id, type, created_at, account, data }`. message.status data is built
// from the message record when the event is sent (the record is final by then, so every attempt
// carries the same data); the others were captured when the event was stored.

import { messageStatus } from '../http/index.js'
import { decidingPart } from '../receipts/index.js'
import { Alphabet, alphabetOf, decodeText, parseUdh } from '../rules/index.js'
import type { DataSm, DeliverSm } from '../smpp/pdu/types.js'
import type { MessageRecord, WebhookEvent } from '../store/index.js'

export interface WebhookBody {
  id: string
  type: string
  created_at: string
  account: string
  data: Record<string, unknown>
}

export function eventBody (e: WebhookEvent, data: Record<string, unknown>): string {
  const body: WebhookBody = { id: e.id, type: e.type, created_at: new Date(e.createdAt).toISOString(), account: e.account, data }
  return JSON.stringify(body)
}

/** message.status data: the status word of GET /v1/messages/{id}, and why when it failed. */
export function statusData (rec: MessageRecord): Record<string, unknown> {
  const deciding = decidingPart(rec)
  return {
    id: rec.id,
    to: rec.destination,
    from: rec.sender,
    status: messageStatus(rec),
    error: deciding !== null && deciding.state !== 'delivered' ? deciding.error : null,
    reference: rec.reference,
    parts: rec.parts.length,
    done_at: rec.finishedAt !== null ? new Date(rec.finishedAt).toISOString() : null
  }
}

/** credit.low data, in credits (the stored alert is in milli-credits). */
export function lowCreditData (stored: Record<string, unknown>): Record<string, unknown> {
  return { threshold: Number(stored.threshold) / 1000, available: Number(stored.available) / 1000 }
}

/** Where a part of a concatenated MO belongs: from its UDH (8- or 16-bit reference) or its SAR TLVs. */
export interface MoConcat { ref: number, total: number, seq: number }

/** An MO part's payload (its text starts at `from`, after any UDH) and where it belongs when concatenated. */
export function moPayload (pdu: DeliverSm | DataSm): { bytes: Uint8Array, from: number, concat: MoConcat | null } {
  const payload = pdu.tlvs?.messagePayload
  const bytes: Uint8Array = payload !== undefined ? payload : (pdu as DeliverSm).shortMessage ?? new Uint8Array(0)
  let from = 0
  let concat: MoConcat | null = null
  if ((pdu.esmClass & 0x40) !== 0) {
    const udh = parseUdh(bytes)
    if (udh !== null) {
      from = udh.octets
      if (udh.concatTotal > 0) concat = { ref: udh.concatRef, total: udh.concatTotal, seq: udh.concatSeq }
    }
  }
  const t = pdu.tlvs
  if (concat === null && t != null && t.sarMsgRefNum !== undefined && t.sarTotalSegments !== undefined && t.sarSegmentSeqnum !== undefined) {
    concat = { ref: t.sarMsgRefNum, total: t.sarTotalSegments, seq: t.sarSegmentSeqnum }
  }
  return { bytes, from, concat }
}

/**
 * The text of an MO given as its parts in order (one part when it was not concatenated): the
 * payloads joined before decoding, so a character split between two parts survives. Null when
 * the data_coding is binary or one we can't read.
 */
export function moText (parts: Array<DeliverSm | DataSm>): { text: string | null, payload: Buffer } {
  const payload = Buffer.concat(parts.map((p) => {
    const c = moPayload(p)
    return c.bytes.subarray(c.from)
  }))
  const alphabet = alphabetOf(parts[0].dataCoding)
  const text = alphabet === Alphabet.BINARY || alphabet === Alphabet.UNSUPPORTED ? null : decodeText(payload, 0, payload.length, alphabet)
  return { text, payload }
}

/**
 * message.inbound data for an MO: one deliver_sm / data_sm, or every part of a concatenated one
 * in order, reassembled. `total` is the number of parts the handset sent; `complete` is false
 * when some never arrived within router.mo_concat_wait_s (the text is then what did). Text the
 * data_coding can't decode is given as hex in `payload_hex`, text null. `content`: moText(parts).
 */
export function inboundData (parts: Array<DeliverSm | DataSm>, content: { text: string | null, payload: Buffer }, total: number, receivedAt: number): Record<string, unknown> {
  const first = parts[0]
  const { text, payload } = content
  return {
    from: first.sourceAddr,
    to: first.destinationAddr,
    text,
    data_coding: first.dataCoding,
    payload_hex: text === null ? payload.toString('hex') : null,
    parts: parts.length,
    total,
    complete: parts.length === total,
    received_at: new Date(receivedAt).toISOString()
  }
}
