// Optional parameters (TLVs): the standard SMPP 3.4 set by name, everything else kept raw.
// One table drives decoding, sizing and encoding. Decoding order is wire order; a known tag seen
// twice keeps its first value by name and the repeats go to `unknown`, byte-exact.

import { PduEncodeError } from '../../errors.js'
import { EMPTY, latin1, writeU16, type Reader } from './header.js'
import { CommandStatus } from './status.js'
import type { RawTlv, Tlvs } from './types.js'

const U8 = 1
const U16 = 2
const U32 = 4
const CSTR = 5
const OCTETS = 6

interface TlvDef {
  key: keyof Tlvs
  tag: number
  kind: number
  /** For CSTR/OCTETS: the longest value accepted (CSTR: NUL included). */
  max: number
  /** For OCTETS: an exact length, or -1. */
  exact: number
}

function def (key: keyof Tlvs, tag: number, kind: number, max = 0xffff, exact = -1): TlvDef {
  return { key, tag, kind, max, exact }
}

/** Every standard SMPP 3.4 TLV (section 5.3.2) with its wire type. */
export const TLV_DEFS: readonly TlvDef[] = [
  def('destAddrSubunit', 0x0005, U8),
  def('destNetworkType', 0x0006, U8),
  def('destBearerType', 0x0007, U8),
  def('destTelematicsId', 0x0008, U16),
  def('sourceAddrSubunit', 0x000d, U8),
  def('sourceNetworkType', 0x000e, U8),
  def('sourceBearerType', 0x000f, U8),
  def('sourceTelematicsId', 0x0010, U8),
  def('qosTimeToLive', 0x0017, U32),
  def('payloadType', 0x0019, U8),
  def('additionalStatusInfoText', 0x001d, CSTR, 256),
  def('receiptedMessageId', 0x001e, CSTR, 65),
  def('msMsgWaitFacilities', 0x0030, U8),
  def('privacyIndicator', 0x0201, U8),
  def('sourceSubaddress', 0x0202, OCTETS, 23),
  def('destSubaddress', 0x0203, OCTETS, 23),
  def('userMessageReference', 0x0204, U16),
  def('userResponseCode', 0x0205, U8),
  def('sourcePort', 0x020a, U16),
  def('destinationPort', 0x020b, U16),
  def('sarMsgRefNum', 0x020c, U16),
  def('languageIndicator', 0x020d, U8),
  def('sarTotalSegments', 0x020e, U8),
  def('sarSegmentSeqnum', 0x020f, U8),
  def('scInterfaceVersion', 0x0210, U8),
  def('callbackNumPresInd', 0x0302, U8),
  def('callbackNumAtag', 0x0303, OCTETS, 65),
  def('numberOfMessages', 0x0304, U8),
  def('callbackNum', 0x0381, OCTETS, 19),
  def('dpfResult', 0x0420, U8),
  def('setDpf', 0x0421, U8),
  def('msAvailabilityStatus', 0x0422, U8),
  def('networkErrorCode', 0x0423, OCTETS, 3, 3),
  def('messagePayload', 0x0424, OCTETS),
  def('deliveryFailureReason', 0x0425, U8),
  def('moreMessagesToSend', 0x0426, U8),
  def('messageState', 0x0427, U8),
  def('ussdServiceOp', 0x0501, U8),
  def('displayTime', 0x1201, U8),
  def('smsSignal', 0x1203, U16),
  def('msValidity', 0x1204, U8),
  def('alertOnMessageDelivery', 0x130c, OCTETS),
  def('itsReplyType', 0x1380, U8),
  def('itsSessionInfo', 0x1383, OCTETS, 2, 2)
]

export const TLV_BY_TAG = new Map<number, TlvDef>()
const TLV_BY_KEY: Record<string, TlvDef> = Object.create(null)
for (const d of TLV_DEFS) {
  TLV_BY_TAG.set(d.tag, d)
  TLV_BY_KEY[d.key] = d
}

/** Tag of a named TLV (`tlvTag('messagePayload') === 0x0424`). */
export function tlvTag (key: keyof Tlvs): number | undefined {
  return TLV_BY_KEY[key]?.tag
}

/** Reads TLVs from r.pos to r.end. Null when there are none. */
export function readTlvs (r: Reader): Tlvs | null {
  if (r.pos >= r.end) return null
  const buf = r.buf
  const end = r.end
  const t: Record<string, unknown> = {}
  let pos = r.pos
  while (pos < end) {
    if (pos + 4 > end) {
      r.fail(CommandStatus.ESME_RINVOPTPARSTREAM, `TLV header at offset ${pos} runs past the PDU (${end - pos} octets left)`)
      return null
    }
    const tag = (buf[pos] << 8) | buf[pos + 1]
    const len = (buf[pos + 2] << 8) | buf[pos + 3]
    pos += 4
    if (pos + len > end) {
      r.fail(CommandStatus.ESME_RINVOPTPARSTREAM, `TLV 0x${tag.toString(16).padStart(4, '0')} length ${len} runs past the PDU`)
      return null
    }
    const d = TLV_BY_TAG.get(tag)
    if (d === undefined || t[d.key] !== undefined) {
      const raw: RawTlv = { tag, value: len === 0 ? EMPTY : buf.subarray(pos, pos + len) }
      const u = t.unknown as RawTlv[] | undefined
      if (u === undefined) t.unknown = [raw]
      else u.push(raw)
      pos += len
      continue
    }
    let v: number | string | Buffer
    switch (d.kind) {
      case U8:
        // source_telematics_id is 2 octets in some implementations (node-smpp): accept both.
        if (len === 1) v = buf[pos]
        else if (len === 2 && d.tag === 0x0010) v = (buf[pos] << 8) | buf[pos + 1]
        else return badLen(r, d, len)
        break
      case U16:
        if (len !== 2) return badLen(r, d, len)
        v = (buf[pos] << 8) | buf[pos + 1]
        break
      case U32:
        if (len !== 4) return badLen(r, d, len)
        v = buf.readUInt32BE(pos)
        break
      case CSTR: {
        if (len > d.max) return badLen(r, d, len)
        // Value up to its NUL; a missing NUL (seen in the wild) is accepted.
        let e = pos
        while (e < pos + len && buf[e] !== 0) e++
        v = latin1(buf, pos, e)
        break
      }
      default:
        if (len > d.max || (d.exact >= 0 && len !== d.exact)) return badLen(r, d, len)
        v = len === 0 ? EMPTY : buf.subarray(pos, pos + len)
    }
    t[d.key] = v
    pos += len
  }
  r.pos = pos
  return t as Tlvs
}

function badLen (r: Reader, d: TlvDef, len: number): null {
  r.fail(CommandStatus.ESME_RINVPARLEN, `TLV ${d.key} (0x${d.tag.toString(16).padStart(4, '0')}): length ${len} is wrong for its type`)
  return null
}

/** Octets the TLVs take on the wire; validates names, types and lengths. */
export function tlvsLength (t: Tlvs | null): number {
  if (t === null || t === undefined) return 0
  let n = 0
  for (const key in t) {
    const v = (t as Record<string, unknown>)[key]
    if (v === undefined) continue
    if (key === 'unknown') {
      const u = v as RawTlv[]
      for (let i = 0; i < u.length; i++) {
        const raw = u[i]
        if ((raw.tag & 0xffff) !== raw.tag) throw new PduEncodeError('tlvs.unknown', `bad tag ${String(raw.tag)}`)
        if (!(raw.value instanceof Uint8Array) || raw.value.length > 0xffff) throw new PduEncodeError('tlvs.unknown', `tag 0x${raw.tag.toString(16)}: value must be a Buffer of at most 65535 octets`)
        n += 4 + raw.value.length
      }
      continue
    }
    const d = TLV_BY_KEY[key]
    if (d === undefined) throw new PduEncodeError(`tlvs.${key}`, 'not a standard SMPP 3.4 TLV (put vendor TLVs in tlvs.unknown)')
    n += 4 + valueLength(d, v)
  }
  return n
}

function valueLength (d: TlvDef, v: unknown): number {
  switch (d.kind) {
    case U8:
    case U16:
    case U32:
      return d.kind
    case CSTR:
      if (typeof v !== 'string') throw new PduEncodeError(`tlvs.${d.key}`, 'expected a string')
      if (v.length >= d.max) throw new PduEncodeError(`tlvs.${d.key}`, `${v.length} octets, at most ${d.max - 1} allowed`)
      return v.length + 1
    default:
      if (!(v instanceof Uint8Array)) throw new PduEncodeError(`tlvs.${d.key}`, 'expected a Buffer')
      if (v.length > d.max || (d.exact >= 0 && v.length !== d.exact)) throw new PduEncodeError(`tlvs.${d.key}`, `${v.length} octets is not a valid length`)
      return v.length
  }
}

/** Writes the TLVs (named ones in object order, `unknown` where its key sits). */
export function writeTlvs (t: Tlvs | null, buf: Buffer, off: number): number {
  if (t === null || t === undefined) return off
  for (const key in t) {
    const v = (t as Record<string, unknown>)[key]
    if (v === undefined) continue
    if (key === 'unknown') {
      const u = v as RawTlv[]
      for (let i = 0; i < u.length; i++) {
        const raw = u[i]
        buf.writeUInt16BE(raw.tag, off)
        buf.writeUInt16BE(raw.value.length, off + 2)
        buf.set(raw.value, off + 4)
        off += 4 + raw.value.length
      }
      continue
    }
    const d = TLV_BY_KEY[key]
    buf.writeUInt16BE(d.tag, off)
    off += 2
    switch (d.kind) {
      case U8:
        buf[off + 1] = 1
        buf[off] = 0
        if (((v as number) & 0xff) !== v) throw new PduEncodeError(`tlvs.${key}`, `not an octet: ${String(v)}`)
        buf[off + 2] = v as number
        off += 3
        break
      case U16:
        buf[off] = 0
        buf[off + 1] = 2
        off = writeU16(v as number, buf, off + 2, `tlvs.${key}`)
        break
      case U32:
        buf[off] = 0
        buf[off + 1] = 4
        if ((v as number) >>> 0 !== v) throw new PduEncodeError(`tlvs.${key}`, `not a 32-bit unsigned integer: ${String(v)}`)
        buf.writeUInt32BE(v as number, off + 2)
        off += 6
        break
      case CSTR: {
        const s = v as string
        buf.writeUInt16BE(s.length + 1, off)
        off += 2
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i)
          if (c === 0 || c > 0xff) throw new PduEncodeError(`tlvs.${key}`, `character ${c} at ${i} is NUL or not latin1`)
          buf[off + i] = c
        }
        buf[off + s.length] = 0
        off += s.length + 1
        break
      }
      default: {
        const b = v as Buffer
        buf.writeUInt16BE(b.length, off)
        buf.set(b, off + 2)
        off += 2 + b.length
      }
    }
  }
  return off
}
