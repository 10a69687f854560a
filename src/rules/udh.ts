// User data headers for concatenation (3GPP TS 23.040 §9.2.3.24): IE 0x00 with an 8-bit
// reference (`05 00 03 ref total seq`) or IE 0x08 with a 16-bit one (`06 08 04 refHi refLo total
// seq`). The SAR TLVs (sar_msg_ref_num, sar_total_segments, sar_segment_seqnum) carry the same
// three numbers outside the text and let the SMSC build the header itself.

export type ConcatMethod = 'udh8' | 'udh16' | 'sar'
export const CONCAT_METHODS: readonly ConcatMethod[] = ['udh8', 'udh16', 'sar']

/** Octets the header takes in each part, including the UDHL octet. */
export const UDH8_OCTETS = 6
export const UDH16_OCTETS = 7

/** esm_class bit saying short_message starts with a UDH. */
export const ESM_UDHI = 0x40

/** Writes a concatenation UDH at `offset`; returns the offset after it. */
export function writeConcatUdh (out: Uint8Array, offset: number, ref16: boolean, ref: number, total: number, seq: number): number {
  let o = offset
  if (ref16) {
    out[o++] = 0x06; out[o++] = 0x08; out[o++] = 0x04
    out[o++] = (ref >>> 8) & 0xff; out[o++] = ref & 0xff
  } else {
    out[o++] = 0x05; out[o++] = 0x00; out[o++] = 0x03
    out[o++] = ref & 0xff
  }
  out[o++] = total
  out[o++] = seq
  return o
}

/** What a customer-made UDH says. `octets` includes the UDHL octet; concat fields are 0 when absent. */
export interface ParsedUdh {
  octets: number
  concatRef: number
  concatTotal: number
  concatSeq: number
  ref16: boolean
}

/** Parses the UDH at the start of `bytes`; null when it is malformed (bad lengths). */
export function parseUdh (bytes: Uint8Array): ParsedUdh | null {
  if (bytes.length < 1) return null
  const udhl = bytes[0]
  const end = 1 + udhl
  if (end > bytes.length) return null
  const r: ParsedUdh = { octets: end, concatRef: 0, concatTotal: 0, concatSeq: 0, ref16: false }
  let i = 1
  while (i < end) {
    if (i + 2 > end) return null
    const iei = bytes[i]
    const len = bytes[i + 1]
    const v = i + 2
    if (v + len > end) return null
    if (iei === 0x00 && len === 3) {
      r.concatRef = bytes[v]; r.concatTotal = bytes[v + 1]; r.concatSeq = bytes[v + 2]; r.ref16 = false
    } else if (iei === 0x08 && len === 4) {
      r.concatRef = (bytes[v] << 8) | bytes[v + 1]; r.concatTotal = bytes[v + 2]; r.concatSeq = bytes[v + 3]; r.ref16 = true
    }
    i = v + len
  }
  return r
}
