// What a data_coding value means, and decoding short_message bytes into text. SMPP 3.4 §5.2.19
// defines 0–15; above that the GSM 03.38 data coding scheme groups apply (general data coding
// 0x00–0x3F, message waiting 0xC0–0xEF, and the 0xF0 group of class + alphabet).

import { decodeGsm7 } from './gsm7.js'
import { decodeUcs2 } from './ucs2.js'

/** How the bytes of a short_message are to be read. */
export const Alphabet = {
  GSM7: 0,
  ASCII: 1,
  LATIN1: 2,
  UCS2: 3,
  BINARY: 4,
  UNSUPPORTED: 5
} as const
export type Alphabet = (typeof Alphabet)[keyof typeof Alphabet]

/**
 * The alphabet a data_coding selects. Values 0, 1 and 3 are "text, encoding ours to choose";
 * every other supported value is a customer-fixed encoding we keep on the way out.
 */
export function alphabetOf (dc: number): Alphabet {
  switch (dc) {
    case 0x00: return Alphabet.GSM7
    case 0x01: return Alphabet.ASCII
    case 0x02: case 0x04: return Alphabet.BINARY
    case 0x03: return Alphabet.LATIN1
    case 0x08: return Alphabet.UCS2
  }
  if (dc >= 0xf0) return (dc & 0x04) !== 0 ? Alphabet.BINARY : Alphabet.GSM7
  if (dc >= 0x10 && dc <= 0x3f) {
    // General data coding group: bit 5 = compressed (we cannot count compressed text).
    if ((dc & 0x20) !== 0) return Alphabet.UNSUPPORTED
    const a = (dc >> 2) & 0x03
    return a === 0 ? Alphabet.GSM7 : a === 1 ? Alphabet.BINARY : a === 2 ? Alphabet.UCS2 : Alphabet.UNSUPPORTED
  }
  if (dc >= 0xc0 && dc <= 0xdf) return Alphabet.GSM7 // message waiting, discard/store, GSM-7
  if (dc >= 0xe0 && dc <= 0xef) return Alphabet.UCS2 // message waiting, store, UCS-2
  return Alphabet.UNSUPPORTED // 5 JIS, 6 Cyrillic, 7 Hebrew, 9 pictogram, 10 ISO-2022-JP, 13/14 Kanji/KS C, 0x40–0xBF reserved
}

/** True when the customer's data_coding leaves the on-air encoding to us (0, 1, 3). */
export function isDefaultTextCoding (dc: number): boolean {
  return dc === 0x00 || dc === 0x01 || dc === 0x03
}

/** Text of `bytes[from, to)` under `alphabet`; null when the bytes are invalid for it. */
export function decodeText (bytes: Uint8Array, from: number, to: number, alphabet: Alphabet): string | null {
  switch (alphabet) {
    case Alphabet.GSM7: return decodeGsm7(bytes, from, to)
    case Alphabet.UCS2: return decodeUcs2(bytes, from, to)
    case Alphabet.ASCII: {
      for (let i = from; i < to; i++) if (bytes[i] > 0x7f) return null
      return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1')
    }
    case Alphabet.LATIN1:
      return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1')
    default: return null
  }
}
