// Count/validate: turn what a customer sent (an SMPP short_message or message_payload with its
// data_coding and esm_class, or an HTTP string) into a PreparedMessage: the encoding and
// data_coding to send, the text as the phone will show it, and the part count billing uses.
// Splitting into wire parts for a carrier's concatenation method is split.ts, later and separate.

import { GSM7_COST } from './gsm7.js'
import { Alphabet, alphabetOf, decodeText, isDefaultTextCoding } from './charsets.js'
import { codePointCount, isLowSurrogate } from './ucs2.js'
import { transliterate, type Transliteration } from './transliterate.js'
import { countBinaryParts, type Encoding } from './segment.js'

const GSM7_PER_PART = 153
const UCS2_PER_PART = 67
import { ESM_UDHI, parseUdh } from './udh.js'
import { violation, type Violation } from './violations.js'
import type { Tlvs } from '../smpp/pdu/types.js'

/** What the account and SMS type allow for one message. Build once per account/type, reuse. */
export interface MessageOptions {
  /** Most parts the message may take (the type's limit). */
  maxParts: number
  /** Replace look-alike characters to stay in GSM-7. */
  transliterate: boolean
  /** Whether UCS-2 is a permitted encoding. */
  unicode: boolean
}

/** How an HTTP caller may fix the encoding; SMPP callers fix it through data_coding. */
export type TextEncodingChoice = 'auto' | 'gsm7' | 'ucs2'

/** The bytes of an SMPP submit that carry the message. */
export interface SubmitContent {
  shortMessage: Uint8Array
  dataCoding: number
  esmClass: number
  /** The message_payload TLV, used in place of an empty short_message. */
  messagePayload: Uint8Array | null
}

const NO_BYTES = Buffer.alloc(0)

/** The content of a decoded submit_sm, deliver_sm or data_sm (data_sm has no short_message). */
export function submitContent (pdu: { shortMessage?: Buffer, dataCoding: number, esmClass: number, tlvs: Tlvs | null }): SubmitContent {
  return { shortMessage: pdu.shortMessage ?? NO_BYTES, dataCoding: pdu.dataCoding, esmClass: pdu.esmClass, messagePayload: pdu.tlvs?.messagePayload ?? null }
}

export class PreparedMessage {
  constructor (
    readonly encoding: Encoding,
    /** data_coding to send: the customer's when they fixed it, else 0 (GSM-7) or 8 (UCS-2). */
    readonly dataCoding: number,
    /** The text as the phone shows it ('' for binary). */
    readonly text: string,
    /** Binary payload (null for text). */
    readonly binary: Uint8Array | null,
    /** Septets (gsm7), UTF-16 units (ucs2) or octets (binary) of the whole message. */
    readonly units: number,
    /** Characters as the phone counts them: an extension character or a surrogate pair is one. */
    readonly characters: number,
    /** Parts billed and sent. */
    readonly parts: number,
    /** Extension characters (two septets each). */
    readonly doubleCounted: number,
    /** Set when transliteration changed the text. */
    readonly transliteration: Transliteration | null,
    /** A customer-made UDH message (esm_class 0x40): sent byte for byte as one part. */
    readonly customerBytes: Uint8Array | null
  ) {}
}

/** UCS-2 is used only when GSM-7 cannot carry the text; this reports what forced it. */
export function nonGsmChars (text: string): string[] {
  const out: string[] = []
  for (const ch of text) if (ch.length > 1 || GSM7_COST[ch.charCodeAt(0)] === 0) { if (!out.includes(ch)) out.push(ch) }
  return out
}

function tooMany (parts: number, chars: number, encoding: Encoding, opts: MessageOptions): Violation {
  return violation('TOO_MANY_PARTS', `${chars} characters in ${encoding} need ${parts} parts; at most ${opts.maxParts} allowed`)
}

function listChars (chars: string[]): string {
  return chars.slice(0, 10).map((c) => `'${c}' (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ')
}

/**
 * Validates and counts a text. `fixed` is the encoding the customer insisted on ('auto' lets us
 * choose GSM-7 when the text fits, UCS-2 otherwise); `dataCoding` is sent as is when fixed.
 */
export function prepareText (text: string, opts: MessageOptions, fixed: TextEncodingChoice = 'auto', dataCoding = -1): PreparedMessage | Violation {
  const n = text.length
  if (n === 0) return violation('EMPTY_TEXT', 'the message text is empty')
  // One pass: septets, extension characters, and the part walk of segment.ts `scan` at 153
  // septets per part (kept identical to it; the split tests check count and split agree).
  let septets = 0
  let doubled = 0
  let parts = 1
  let used = 0
  for (let i = 0; i < n; i++) {
    const c = GSM7_COST[text.charCodeAt(i)]
    if (c === 0) { septets = -1; break }
    septets += c
    if (c === 2) doubled++
    if (used + c > GSM7_PER_PART) { parts++; used = 0 }
    used += c
  }
  if (fixed !== 'ucs2' && septets >= 0) {
    if (septets <= 160) parts = 1
    if (parts > opts.maxParts) return tooMany(parts, n, 'gsm7', opts)
    return new PreparedMessage('gsm7', dataCoding >= 0 ? dataCoding : 0, text, null, septets, n, parts, doubled, null, null)
  }
  // UCS-2, same walk at 67 units per part; a surrogate pair is one step of two units.
  let pairs = 0
  parts = 1
  used = 0
  for (let i = 0; i < n; i++) {
    const u = text.charCodeAt(i)
    let cost = 1
    if (u >= 0xd800 && u <= 0xdfff) {
      if (u > 0xdbff || i + 1 >= n || !isLowSurrogate(text.charCodeAt(i + 1))) {
        return violation('INVALID_CHARS', 'the text holds a lone UTF-16 surrogate, which is not a character')
      }
      cost = 2; i++; pairs++
    }
    if (used + cost > UCS2_PER_PART) { parts++; used = 0 }
    used += cost
  }
  if (n <= 70) parts = 1
  if (fixed !== 'ucs2' && (opts.transliterate || fixed === 'gsm7' || !opts.unicode)) {
    const t = opts.transliterate ? transliterate(text) : null
    if (t !== null) {
      const r = prepareText(t.text, opts, 'gsm7', dataCoding)
      if (!(r instanceof PreparedMessage)) return r
      return new PreparedMessage('gsm7', r.dataCoding, r.text, null, r.units, r.characters, r.parts, r.doubleCounted, t, null)
    }
    if (fixed === 'gsm7') return violation('INVALID_CHARS', `not in the GSM 03.38 alphabet: ${listChars(nonGsmChars(text))}`)
    if (!opts.unicode) return violation('UNICODE_NOT_ALLOWED', `these characters need UCS-2, which this account may not send: ${listChars(nonGsmChars(text))}`)
  }
  if (!opts.unicode) return violation('UNICODE_NOT_ALLOWED', 'UCS-2 is not permitted for this account')
  const chars = n - pairs
  if (parts > opts.maxParts) return tooMany(parts, chars, 'ucs2', opts)
  return new PreparedMessage('ucs2', dataCoding >= 0 ? dataCoding : 8, text, null, n, chars, parts, 0, null, null)
}

/** Validates and counts an SMPP submit's content. */
export function prepareSubmit (sm: SubmitContent, opts: MessageOptions): PreparedMessage | Violation {
  const bytes = sm.shortMessage.length === 0 && sm.messagePayload !== null ? sm.messagePayload : sm.shortMessage
  const dc = sm.dataCoding
  const alphabet = alphabetOf(dc)
  if (alphabet === Alphabet.UNSUPPORTED) return violation('DATA_CODING_UNSUPPORTED', `data_coding 0x${dc.toString(16)} is not supported`)
  if ((sm.esmClass & ESM_UDHI) !== 0) return prepareCustomerUdh(bytes, dc, alphabet, opts)
  if (bytes.length === 0) return violation('EMPTY_TEXT', 'short_message and message_payload are empty')
  if (alphabet === Alphabet.BINARY) {
    const parts = countBinaryParts(bytes.length)
    if (parts > opts.maxParts) return violation('TOO_MANY_PARTS', `${bytes.length} octets need ${parts} parts; at most ${opts.maxParts} allowed`)
    return new PreparedMessage('binary', dc, '', bytes, bytes.length, bytes.length, parts, 0, null, null)
  }
  const text = decodeText(bytes, 0, bytes.length, alphabet)
  if (text === null) return violation('INVALID_CHARS', `the bytes are not valid for data_coding 0x${dc.toString(16)}`)
  if (isDefaultTextCoding(dc)) return prepareText(text, opts, 'auto')
  return prepareText(text, opts, alphabet === Alphabet.UCS2 ? 'ucs2' : 'gsm7', dc)
}

function prepareCustomerUdh (bytes: Uint8Array, dc: number, alphabet: Alphabet, opts: MessageOptions): PreparedMessage | Violation {
  const udh = parseUdh(bytes)
  if (udh === null) return violation('UDH_MALFORMED', 'esm_class says a UDH is present but its lengths do not add up')
  if (udh.concatTotal > opts.maxParts) return violation('TOO_MANY_PARTS', `the UDH announces ${udh.concatTotal} parts; at most ${opts.maxParts} allowed`)
  const payload = bytes.length - udh.octets
  if (alphabet === Alphabet.BINARY || alphabet === Alphabet.UCS2) {
    if (bytes.length > 140) return violation('UDH_PART_TOO_LONG', `${bytes.length} octets with the UDH; one SMS holds 140`)
    const text = alphabet === Alphabet.UCS2 ? decodeText(bytes, udh.octets, bytes.length, alphabet) : ''
    if (text === null) return violation('INVALID_CHARS', 'the UCS-2 text after the UDH has an odd length')
    const enc: Encoding = alphabet === Alphabet.UCS2 ? 'ucs2' : 'binary'
    const chars = alphabet === Alphabet.UCS2 ? codePointCount(text) : payload
    return new PreparedMessage(enc, dc, text, alphabet === Alphabet.BINARY ? bytes.subarray(udh.octets) : null, enc === 'ucs2' ? payload >> 1 : payload, chars, 1, 0, null, bytes)
  }
  // 7-bit text after a UDH starts on a septet boundary: the header costs ceil(octets*8/7) septets.
  const text = decodeText(bytes, udh.octets, bytes.length, alphabet)
  if (text === null) return violation('INVALID_CHARS', `the bytes after the UDH are not valid for data_coding 0x${dc.toString(16)}`)
  const septets = Math.ceil(udh.octets * 8 / 7) + payload
  if (septets > 160) return violation('UDH_PART_TOO_LONG', `${septets} septets with the UDH; one SMS holds 160`)
  let doubled = 0
  for (let i = 0; i < text.length; i++) if (GSM7_COST[text.charCodeAt(i)] === 2) doubled++
  return new PreparedMessage('gsm7', dc, text, null, payload, text.length, 1, doubled, null, bytes)
}
