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

/**
 * message.inbound data for one deliver_sm / data_sm from a carrier. A concatenated MO arrives as
 * several parts, each its own event with `concat` saying where it belongs (the router doesn't
 * reassemble yet). Text the data_coding can't decode is given as hex in `payload_hex`, text null.
 */
/** An MO's text (null when binary or in an alphabet we can't read), its payload and its concatenation header. */
export function moContent (pdu: DeliverSm | DataSm): { text: string | null, bytes: Uint8Array, from: number, concat: { ref: number, total: number, seq: number } | null } {
  const payload = pdu.tlvs?.messagePayload
  const bytes: Uint8Array = payload !== undefined ? payload : (pdu as DeliverSm).shortMessage ?? new Uint8Array(0)
  let from = 0
  let concat: { ref: number, total: number, seq: number } | null = null
  if ((pdu.esmClass & 0x40) !== 0) {
    const udh = parseUdh(bytes)
    if (udh !== null) {
      from = udh.octets
      if (udh.concatTotal > 0) concat = { ref: udh.concatRef, total: udh.concatTotal, seq: udh.concatSeq }
    }
  }
  const alphabet = alphabetOf(pdu.dataCoding)
  const text = alphabet === Alphabet.BINARY || alphabet === Alphabet.UNSUPPORTED ? null : decodeText(bytes, from, bytes.length, alphabet)
  return { text, bytes, from, concat }
}

export function inboundData (pdu: DeliverSm | DataSm, receivedAt: number): Record<string, unknown> {
  const { text, bytes, from, concat } = moContent(pdu)
  return {
    from: pdu.sourceAddr,
    to: pdu.destinationAddr,
    text,
    data_coding: pdu.dataCoding,
    payload_hex: text === null ? Buffer.from(bytes.buffer, bytes.byteOffset + from, bytes.length - from).toString('hex') : null,
    concat,
    received_at: new Date(receivedAt).toISOString()
  }
}
