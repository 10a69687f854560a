// Structured clone (worker messages) and LMDB's msgpack both turn Buffers into plain
// Uint8Arrays; the SMPP codec writes Buffers. These put the Buffer view back, without copying.

import type { DeliverSm } from '../smpp/pdu/types.js'

function asBuffer (v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)
}

export function reviveDeliverSm (pdu: DeliverSm): DeliverSm {
  pdu.shortMessage = asBuffer(pdu.shortMessage)
  const tlvs = pdu.tlvs as Record<string, unknown> | null
  if (tlvs !== null) {
    for (const k of Object.keys(tlvs)) {
      const v = tlvs[k]
      if (v instanceof Uint8Array) tlvs[k] = asBuffer(v)
    }
  }
  return pdu
}
