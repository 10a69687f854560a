// UCS-2 as phones and SMSCs really use it: UTF-16 big-endian, so characters outside the BMP travel
// as surrogate pairs (two 16-bit units, one character on screen). A lone surrogate is not a
// character at all and is refused rather than sent as garbage.

import { decodeScratch } from './gsm7.js'

export function isHighSurrogate (u: number): boolean { return u >= 0xd800 && u <= 0xdbff }
export function isLowSurrogate (u: number): boolean { return u >= 0xdc00 && u <= 0xdfff }

/** Writes `text[from, to)` as UTF-16BE into `out` at `offset`; returns the new offset. */
export function writeUcs2 (text: string, from: number, to: number, out: Uint8Array, offset: number): number {
  let o = offset
  for (let i = from; i < to; i++) {
    const u = text.charCodeAt(i)
    out[o++] = u >>> 8
    out[o++] = u & 0xff
  }
  return o
}

/** UTF-16BE bytes → text; null for an odd byte count. */
export function decodeUcs2 (bytes: Uint8Array, from = 0, to = bytes.length): string | null {
  if (((to - from) & 1) !== 0) return null
  // Buffer's utf16le decoder is native; swap into the scratch buffer to use it.
  const n = to - from
  const swapped = decodeScratch(n)
  for (let i = 0; i < n; i += 2) {
    swapped[i] = bytes[from + i + 1]
    swapped[i + 1] = bytes[from + i]
  }
  return swapped.toString('utf16le', 0, n)
}

/** Characters as a phone counts them: a surrogate pair is one. */
export function codePointCount (text: string, from = 0, to = text.length): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const u = text.charCodeAt(i)
    if (isHighSurrogate(u) && i + 1 < to && isLowSurrogate(text.charCodeAt(i + 1))) i++
    n++
  }
  return n
}
