// Optional, per account: replace the look-alike characters word processors insert (curly quotes,
// ellipsis, dashes, odd spaces) with GSM-7 ones, so a text does not fall back to UCS-2 (70
// characters per SMS instead of 160) for a typographic detail. Applied only when it makes the
// whole text fit GSM-7; otherwise the text goes as UCS-2 unchanged and the phone shows it exactly.

import { GSM7_COST } from './gsm7.js'

const PAIRS: ReadonlyArray<[string, string]> = [
  // quotes and primes
  ['\u2018', "'"], ['\u2019', "'"], ['\u201a', "'"], ['\u201b', "'"], ['\u2032', "'"], ['\u00b4', "'"],
  ['\u0060', "'"], ['\u02bc', "'"], ['\u2039', "'"], ['\u203a', "'"],
  ['\u201c', '"'], ['\u201d', '"'], ['\u201e', '"'], ['\u201f', '"'], ['\u2033', '"'], ['\u00ab', '"'], ['\u00bb', '"'],
  // ellipsis and dashes
  ['\u2026', '...'], ['\u2010', '-'], ['\u2011', '-'], ['\u2012', '-'], ['\u2013', '-'], ['\u2014', '-'],
  ['\u2015', '-'], ['\u2212', '-'],
  // spaces: NBSP, the typographic spaces, narrow NBSP, ideographic space
  ['\u00a0', ' '], ['\u2000', ' '], ['\u2001', ' '], ['\u2002', ' '], ['\u2003', ' '], ['\u2004', ' '],
  ['\u2005', ' '], ['\u2006', ' '], ['\u2007', ' '], ['\u2008', ' '], ['\u2009', ' '], ['\u200a', ' '],
  ['\u202f', ' '], ['\u205f', ' '], ['\u3000', ' '],
  // invisible characters that only force UCS-2
  ['\u00ad', ''], ['\u200b', ''], ['\u200c', ''], ['\u200d', ''], ['\u2060', ''], ['\ufeff', ''],
  // bullets and a few letters phones show in the GSM table anyway
  ['\u2022', '*'], ['\u00b7', '.'], ['\u00e7', 'Ç'], ['\u2028', '\n'], ['\u2029', '\n']
]

const TABLE = new Map<number, string>(PAIRS.map(([from, to]) => [from.charCodeAt(0), to]))

/** The characters transliteration knows, for the docs. */
export const TRANSLITERATED_CHARS: readonly string[] = PAIRS.map(([f]) => f)

export interface Transliteration {
  text: string
  /** Distinct source characters replaced, in order of first appearance. */
  replaced: string[]
  /** How many characters were replaced. */
  count: number
}

/**
 * `text` with every known look-alike replaced, or null when some character would still force
 * UCS-2 (then transliterating gains nothing and loses fidelity).
 */
export function transliterate (text: string): Transliteration | null {
  let out = ''
  let last = 0
  let count = 0
  const replaced: string[] = []
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i)
    if (GSM7_COST[u] !== 0) continue
    const r = TABLE.get(u)
    if (r === undefined) return null
    out += text.slice(last, i) + r
    last = i + 1
    count++
    const ch = text[i]
    if (!replaced.includes(ch)) replaced.push(ch)
  }
  if (count === 0) return { text, replaced, count }
  return { text: out + text.slice(last), replaced, count }
}
