// Where a message splits into parts. Splitting (at routing time, per carrier) walks the text with
// `scan`; counting (at accept time, decides billing) runs the same walk fused into message.ts's
// single pass over the text. The split property tests check the two always agree.
// Capacities: GSM-7 160 septets alone, 153 per part with an 8-bit-reference UDH; UCS-2 70 / 67
// units; binary 140 / 134 octets. An extension character (two septets) or a surrogate pair (two
// units) is one step of the walk, so it is never split across parts.

import { GSM7_COST } from './gsm7.js'
import { isHighSurrogate, isLowSurrogate } from './ucs2.js'

export type Encoding = 'gsm7' | 'ucs2' | 'binary'

/** Units (septets, UTF-16 units, octets) one SMS carries without a UDH. */
export function singleCapacity (enc: Encoding): number {
  return enc === 'gsm7' ? 160 : enc === 'ucs2' ? 70 : 140
}

/** Units per part under a concatenation UDH of `udhOctets` octets (6 for udh8/SAR, 7 for udh16). */
export function partCapacity (enc: Encoding, udhOctets: number): number {
  if (enc === 'gsm7') return Math.floor((140 - udhOctets) * 8 / 7)
  if (enc === 'ucs2') return (140 - udhOctets) >> 1
  return 140 - udhOctets
}

/** Where the walk put each part: its first code unit, its units and its characters. */
export interface PartLayout {
  starts: number[]
  units: number[]
  characters: number[]
}

export function emptyLayout (): PartLayout {
  return { starts: [], units: [], characters: [] }
}

/**
 * Walks `text` filling parts of `perPart` units; returns the part count. When `layout` is given
 * it receives where each part starts and how many units and characters it holds.
 */
export function scan (text: string, enc: 'gsm7' | 'ucs2', perPart: number, layout: PartLayout | null): number {
  let parts = 1
  let used = 0
  let chars = 0
  const n = text.length
  for (let i = 0; i < n; i++) {
    const start = i
    let cost: number
    if (enc === 'gsm7') {
      cost = GSM7_COST[text.charCodeAt(i)]
    } else {
      cost = 1
      if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < n && isLowSurrogate(text.charCodeAt(i + 1))) { cost = 2; i++ }
    }
    if (used + cost > perPart) {
      if (layout !== null) {
        layout.units[parts - 1] = used
        layout.characters[parts - 1] = chars
        layout.starts[parts] = start
      }
      parts++
      used = 0
      chars = 0
    }
    used += cost
    chars++
  }
  if (layout !== null) {
    layout.starts[0] = 0
    layout.units[parts - 1] = used
    layout.characters[parts - 1] = chars
    layout.starts.length = layout.units.length = layout.characters.length = parts
  }
  return parts
}

/** Parts a binary payload needs (the count side of the walk for octets). */
export function countBinaryParts (octets: number): number {
  if (octets <= 140) return 1
  return Math.ceil(octets / 134)
}
