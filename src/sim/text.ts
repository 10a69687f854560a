// Text of short messages for the control view and for MO generation: GSM 03.38 (one septet per
// octet, the usual SMPP form), IA5, Latin-1 and UCS-2; concatenation info from a UDH (8- or 16-bit
// reference) or from the SAR TLVs. None of this runs per message on the submit path.

import type { Tlvs } from '../smpp/index.js'

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const GSM_EXT: Record<number, string> = { 0x0a: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[', 0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€' }
const GSM_ENCODE = new Map<string, number[]>()
for (let i = 0; i < GSM_BASIC.length; i++) if (i !== 0x1b) GSM_ENCODE.set(GSM_BASIC[i], [i])
for (const [code, ch] of Object.entries(GSM_EXT)) GSM_ENCODE.set(ch, [0x1b, Number(code)])

export function decodeGsm (b: Buffer): string {
  let s = ''
  for (let i = 0; i < b.length; i++) {
    const c = b[i] & 0x7f
    if (c === 0x1b && i + 1 < b.length) {
      s += GSM_EXT[b[++i]] ?? ' '
    } else {
      s += GSM_BASIC[c]
    }
  }
  return s
}

/** Unpacked GSM septets, or null when a character has no GSM form. */
export function encodeGsm (text: string): Buffer | null {
  const out: number[] = []
  for (const ch of text) {
    const code = GSM_ENCODE.get(ch)
    if (code === undefined) return null
    out.push(...code)
  }
  return Buffer.from(out)
}

export function encodeUcs2 (text: string): Buffer {
  const b = Buffer.from(text, 'utf16le')
  return b.swap16()
}

export function decodeText (dataCoding: number, b: Buffer): string {
  switch (dataCoding & 0x0f) {
    case 0: return (dataCoding & 0xf0) === 0 ? decodeGsm(b) : b.toString('latin1')
    case 1: return b.toString('ascii')
    case 3: return b.toString('latin1')
    case 8: {
      const c = Buffer.from(b.subarray(0, b.length & ~1))
      return c.swap16().toString('utf16le')
    }
    default: return b.toString('hex')
  }
}

export interface PartInfo {
  ref: number
  total: number
  seq: number
}

/** The UDH length (including its length octet) and the concatenation element, if any. */
export function parseUdh (b: Buffer): { udhLength: number, part: PartInfo | null } {
  if (b.length === 0) return { udhLength: 0, part: null }
  const udhl = b[0]
  if (udhl + 1 > b.length) return { udhLength: 0, part: null }
  let part: PartInfo | null = null
  let i = 1
  while (i + 1 < udhl + 1) {
    const iei = b[i]
    const len = b[i + 1]
    const v = i + 2
    if (iei === 0x00 && len === 3) part = { ref: b[v], total: b[v + 1], seq: b[v + 2] }
    else if (iei === 0x08 && len === 4) part = { ref: b.readUInt16BE(v), total: b[v + 2], seq: b[v + 3] }
    i = v + len
  }
  return { udhLength: udhl + 1, part }
}

export interface DecodedSm {
  text: string
  part: PartInfo | null
  /** 'udh8' | 'udh16' | 'sar' when the message is a part. */
  via: string | null
}

/** Text and part info of a submit/deliver/data body. */
export function decodeSm (esmClass: number, dataCoding: number, shortMessage: Buffer, tlvs: Tlvs | null): DecodedSm {
  let body = shortMessage.length === 0 && tlvs?.messagePayload !== undefined ? tlvs.messagePayload : shortMessage
  let part: PartInfo | null = null
  let via: string | null = null
  if ((esmClass & 0x40) !== 0) {
    const u = parseUdh(body)
    if (u.part !== null) {
      part = u.part
      via = body[1] === 0x08 ? 'udh16' : 'udh8'
    }
    body = body.subarray(u.udhLength)
  } else if (tlvs?.sarMsgRefNum !== undefined && tlvs.sarTotalSegments !== undefined && tlvs.sarSegmentSeqnum !== undefined) {
    part = { ref: tlvs.sarMsgRefNum, total: tlvs.sarTotalSegments, seq: tlvs.sarSegmentSeqnum }
    via = 'sar'
  }
  return { text: decodeText(dataCoding, body), part, via }
}

export interface EncodedText {
  dataCoding: number
  /** One body per SMS part, without UDH. */
  parts: Buffer[]
}

/** Splits text into SMS parts: GSM-7 when it fits (160 / 153 per part), else UCS-2 (70 / 67). */
export function splitText (text: string): EncodedText {
  const gsm = encodeGsm(text)
  if (gsm !== null) return { dataCoding: 0, parts: chunk(gsm, 160, 153, true) }
  return { dataCoding: 8, parts: chunk(encodeUcs2(text), 140, 134, false) }
}

function chunk (b: Buffer, single: number, per: number, gsm: boolean): Buffer[] {
  if (b.length <= single) return [b]
  const out: Buffer[] = []
  let i = 0
  while (i < b.length) {
    let end = Math.min(i + per, b.length)
    if (gsm && end < b.length && b[end - 1] === 0x1b) end-- // never split an escape from its character
    if (!gsm && end < b.length && (end - i) % 2 === 1) end--
    if (!gsm && end < b.length) {
      const hi = b[end - 2]
      if (hi >= 0xd8 && hi <= 0xdb) end -= 2 // keep a surrogate pair together
    }
    out.push(b.subarray(i, end))
    i = end
  }
  return out
}
