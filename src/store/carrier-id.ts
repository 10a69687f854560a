// Carriers give a message id in submit_sm_resp and quote it again in the receipt. We index the
// id as the carrier gave it in submit_sm_resp, in a canonical form (trimmed, lower case, leading
// zeros dropped), and look receipts up by the same form only. Some carriers write hex in one place
// and decimal in the other: their config says so (carriers[].message_ids) and the correlator
// converts the receipt's id before the lookup. Guessing the other reading instead is unsafe: an
// all-digit id read as hex (or decimal) can be another message's id.

import { ByteReader, type ByteWriter } from './codec.js'

const HEX = /^[0-9a-f]+$/

export function canonicalCarrierId (raw: string): string {
  // Fast path (on every commit): no surrounding space and no upper case, judged on ASCII only;
  // anything else takes the general path below.
  const n = raw.length
  let hex = n > 0
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i)
    if (c >= 0x80 || c <= 0x20 || (c >= 0x41 && c <= 0x5a)) return general(raw)
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) hex = false
  }
  if (!hex || raw.charCodeAt(0) !== 0x30) return raw
  let z = 0
  while (z < n - 1 && raw.charCodeAt(z) === 0x30) z++
  return raw.slice(z)
}

function general (raw: string): string {
  const s = raw.trim().toLowerCase()
  if (HEX.test(s)) {
    const stripped = s.replace(/^0+/, '')
    return stripped === '' ? '0' : stripped
  }
  return s
}

// The index's value: [account, id, part], binary (codec.ts strings), one per committed part.

export function writePartRef (w: ByteWriter, account: string, id: string, part: number): Buffer {
  w.reset()
  w.str(account)
  w.str(id)
  w.u32(part)
  return w.out()
}

export function readPartRef (buf: Buffer): [account: string, id: string, part: number] {
  const r = new ByteReader().on(buf)
  const account = r.str()
  const id = r.str()
  return [account, id, r.u32()]
}
