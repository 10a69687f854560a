// Split a PreparedMessage into the parts one carrier receives, for that carrier's concatenation
// method. Boundaries come from the same walk as the count (segment.ts), so the number of parts
// is always the number billed. udh16 needs one octet more per part than udh8; when that would
// take one part more than was billed, the message goes with the 8-bit reference instead (every
// handset reassembles both), so the count still holds.

import { writeGsm7 } from './gsm7.js'
import { writeUcs2 } from './ucs2.js'
import { emptyLayout, partCapacity, scan, type PartLayout } from './segment.js'
import { ESM_UDHI, UDH16_OCTETS, UDH8_OCTETS, writeConcatUdh, type ConcatMethod } from './udh.js'
import type { PreparedMessage } from './message.js'

export class Part {
  constructor (
    /** The bytes for short_message (UDH first when esmClass has 0x40). */
    readonly shortMessage: Buffer,
    /** 0x40 when shortMessage starts with a UDH, else 0. OR it into the submit's esm_class. */
    readonly esmClass: number,
    /** SAR TLV values, 0 when the method is not SAR. */
    readonly sarRef: number,
    readonly sarTotal: number,
    readonly sarSeq: number,
    /** This part's text ('' for binary) and its characters as the phone counts them. */
    readonly text: string,
    readonly characters: number
  ) {}
}

export interface SplitResult {
  /** The method actually used (udh16 may fall back to udh8; see above). */
  method: ConcatMethod | 'none'
  dataCoding: number
  parts: Part[]
}

/**
 * The wire parts of `msg` for `method`. `ref` is a 16-bit reference from refs.ts (udh8 uses its
 * low byte); it is ignored for a single-part message.
 */
export function splitMessage (msg: PreparedMessage, method: ConcatMethod, ref: number): SplitResult {
  if (msg.customerBytes !== null) {
    const b = Buffer.from(msg.customerBytes)
    return { method: 'none', dataCoding: msg.dataCoding, parts: [new Part(b, ESM_UDHI, 0, 0, 0, msg.text, msg.characters)] }
  }
  if (msg.parts === 1) {
    return { method: 'none', dataCoding: msg.dataCoding, parts: [encodeWhole(msg)] }
  }
  let ref16 = method === 'udh16'
  const layout = emptyLayout()
  if (msg.encoding === 'binary') {
    let per = partCapacity('binary', ref16 ? UDH16_OCTETS : UDH8_OCTETS)
    if (ref16 && Math.ceil(msg.units / per) !== msg.parts) { ref16 = false; per = partCapacity('binary', UDH8_OCTETS) }
    for (let k = 0; k < msg.parts; k++) {
      const size = Math.min(per, msg.units - k * per)
      layout.starts.push(k * per); layout.units.push(size); layout.characters.push(size)
    }
  } else {
    const enc = msg.encoding
    if (!ref16 || scan(msg.text, enc, partCapacity(enc, UDH16_OCTETS), layout) !== msg.parts) {
      ref16 = false
      scan(msg.text, enc, partCapacity(enc, UDH8_OCTETS), layout)
    }
  }
  const used: ConcatMethod = method === 'sar' ? 'sar' : ref16 ? 'udh16' : 'udh8'
  return { method: used, dataCoding: msg.dataCoding, parts: buildParts(msg, used, ref & 0xffff, layout) }
}

function encodeWhole (msg: PreparedMessage): Part {
  if (msg.encoding === 'binary') return new Part(Buffer.from(msg.binary!), 0, 0, 0, 0, '', msg.units)
  const out = Buffer.allocUnsafe(msg.encoding === 'gsm7' ? msg.units : msg.units * 2)
  if (msg.encoding === 'gsm7') writeGsm7(msg.text, 0, msg.text.length, out, 0)
  else writeUcs2(msg.text, 0, msg.text.length, out, 0)
  return new Part(out, 0, 0, 0, 0, msg.text, msg.characters)
}

function buildParts (msg: PreparedMessage, method: ConcatMethod, ref: number, layout: PartLayout): Part[] {
  const total = msg.parts
  const udhOctets = method === 'sar' ? 0 : method === 'udh16' ? UDH16_OCTETS : UDH8_OCTETS
  const parts: Part[] = new Array(total)
  const enc = msg.encoding
  const end = enc === 'binary' ? msg.units : msg.text.length
  for (let k = 0; k < total; k++) {
    const from = layout.starts[k]
    const to = k + 1 < total ? layout.starts[k + 1] : end
    const units = layout.units[k]
    const out = Buffer.allocUnsafe(udhOctets + (enc === 'ucs2' ? units * 2 : units))
    if (enc === 'binary') out.set(msg.binary!.subarray(from, to), udhOctets)
    else if (enc === 'gsm7') writeGsm7(msg.text, from, to, out, udhOctets)
    else writeUcs2(msg.text, from, to, out, udhOctets)
    if (udhOctets > 0) writeConcatUdh(out, 0, method === 'udh16', ref, total, k + 1)
    const text = enc === 'binary' ? '' : msg.text.slice(from, to)
    parts[k] = method === 'sar'
      ? new Part(out, 0, ref, total, k + 1, text, layout.characters[k])
      : new Part(out, ESM_UDHI, 0, 0, 0, text, layout.characters[k])
  }
  return parts
}
