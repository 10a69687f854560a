// The PDU header, the decoding cursor and the low-level write helpers every PDU family shares.
// Decoding never throws: a Reader records the first problem (a command_status and a reason) and
// from then on returns defaults, so a family decoder reads its fields straight through and the
// codec checks `r.status` once at the end. Encoding validates while writing and throws
// PduEncodeError naming the field.

import { PduEncodeError } from '../../errors.js'
import { CommandStatus } from './status.js'

export const HEADER_LENGTH = 16
/** short_message is at most 254 octets (sm_length is one octet; 255 is reserved). */
export const MAX_SM_LENGTH = 254
/** Shared zero-length buffer for empty octet strings (never written to). */
export const EMPTY = Buffer.alloc(0)

/** Read a latin1 string from buf[start, end) (native slice: measured faster than building it in JS). */
export function latin1 (buf: Buffer, start: number, end: number): string {
  return end === start ? '' : buf.toString('latin1', start, end)
}

/** A cursor over one frame's body. Reused by the codec (decoding is synchronous). */
export class Reader {
  buf: Buffer = EMPTY
  pos = 0
  end = 0
  /** 0 while the body reads fine; else the command_status to answer with. */
  status = 0
  reason = ''

  reset (buf: Buffer, pos: number, end: number): void {
    this.buf = buf
    this.pos = pos
    this.end = end
    this.status = 0
    this.reason = ''
  }

  /** Records the first failure and stops further reads (they return defaults). */
  fail (status: number, reason: string): void {
    if (this.status === 0) {
      this.status = status
      this.reason = reason
    }
    this.pos = this.end
  }

  get remaining (): number {
    return this.end - this.pos
  }

  u8 (field: string): number {
    if (this.pos >= this.end) {
      this.fail(CommandStatus.ESME_RINVCMDLEN, `${field}: body truncated`)
      return 0
    }
    return this.buf[this.pos++]
  }

  u32 (field: string): number {
    if (this.pos + 4 > this.end) {
      this.fail(CommandStatus.ESME_RINVCMDLEN, `${field}: body truncated`)
      return 0
    }
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }

  /**
   * A C-octet string of at most `max` octets including its NUL. No NUL within `max` octets gives
   * `tooLong` (the field's own status); running into the end of the body first gives
   * ESME_RINVCMDLEN, unless `lenientEnd` (the last string of a response body), which accepts a
   * missing trailing NUL.
   */
  cstr (max: number, tooLong: number, field: string, lenientEnd = false): string {
    const buf = this.buf
    const start = this.pos
    const end = this.end
    const limit = start + max < end ? start + max : end
    let i = start
    while (i < limit && buf[i] !== 0) i++
    if (i < limit) {
      this.pos = i + 1
      return i === start ? '' : latin1(buf, start, i)
    }
    if (limit === end && lenientEnd && end - start < max) {
      this.pos = end
      return latin1(buf, start, end)
    }
    if (limit === start + max) {
      this.fail(tooLong, `${field}: no NUL within ${max} octets (longer than ${max - 1})`)
    } else {
      this.fail(CommandStatus.ESME_RINVCMDLEN, `${field}: body ends before the NUL terminator`)
    }
    return ''
  }

  /** sm_length followed by short_message: a view into the frame (the frame is never reused). */
  shortMessage (): Buffer {
    if (this.pos >= this.end) {
      this.fail(CommandStatus.ESME_RINVCMDLEN, 'sm_length: body truncated')
      return EMPTY
    }
    const n = this.buf[this.pos++]
    if (n === 0) return EMPTY
    if (n > MAX_SM_LENGTH) {
      this.fail(CommandStatus.ESME_RINVMSGLEN, `sm_length: ${n} exceeds ${MAX_SM_LENGTH}`)
      return EMPTY
    }
    if (this.pos + n > this.end) {
      this.fail(CommandStatus.ESME_RINVMSGLEN, `sm_length: ${n} but only ${this.end - this.pos} octets remain`)
      return EMPTY
    }
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }
}

// ---- writing ----

export function writeHeader (buf: Buffer, off: number, length: number, commandId: number, status: number, seq: number): void {
  if (status >>> 0 !== status) throw new PduEncodeError('commandStatus', `not a 32-bit unsigned integer: ${String(status)}`)
  if (seq >>> 0 !== seq) throw new PduEncodeError('sequenceNumber', `not a 32-bit unsigned integer: ${String(seq)}`)
  put32(buf, off, length)
  put32(buf, off + 4, commandId)
  put32(buf, off + 8, status)
  put32(buf, off + 12, seq)
}

/** Big-endian u32 without Buffer#writeUInt32BE's argument checks (values are checked by callers). */
export function put32 (buf: Buffer, off: number, v: number): void {
  buf[off] = v >>> 24
  buf[off + 1] = (v >>> 16) & 0xff
  buf[off + 2] = (v >>> 8) & 0xff
  buf[off + 3] = v & 0xff
}

/** Octets a C-octet string takes on the wire (NUL included); throws if longer than `max` allows. */
export function cstrLength (s: string, max: number, field: string): number {
  if (typeof s !== 'string') throw new PduEncodeError(field, `expected a string, got ${typeof s}`)
  if (s.length >= max) throw new PduEncodeError(field, `${s.length} octets, at most ${max - 1} allowed`)
  return s.length + 1
}

/** Writes s and its NUL; every character must be latin1 and not NUL. Returns the new offset. */
export function writeCStr (s: string, buf: Buffer, off: number, field: string): number {
  const n = s.length
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c === 0 || c > 0xff) throw new PduEncodeError(field, `character ${c} at ${i} is NUL or not latin1`)
    buf[off + i] = c
  }
  buf[off + n] = 0
  return off + n + 1
}

export function writeU8 (v: number, buf: Buffer, off: number, field: string): number {
  if ((v & 0xff) !== v) throw new PduEncodeError(field, `not an octet: ${String(v)}`)
  buf[off] = v
  return off + 1
}

export function writeU16 (v: number, buf: Buffer, off: number, field: string): number {
  if ((v & 0xffff) !== v) throw new PduEncodeError(field, `not a 16-bit unsigned integer: ${String(v)}`)
  buf[off] = v >>> 8
  buf[off + 1] = v & 0xff
  return off + 2
}

export function writeU32 (v: number, buf: Buffer, off: number, field: string): number {
  if (v >>> 0 !== v) throw new PduEncodeError(field, `not a 32-bit unsigned integer: ${String(v)}`)
  buf.writeUInt32BE(v, off)
  return off + 4
}

/** Length of an sm_length + short_message pair; throws above 254 octets. */
export function smLength (sm: Buffer, field = 'shortMessage'): number {
  if (!(sm instanceof Uint8Array)) throw new PduEncodeError(field, 'expected a Buffer')
  if (sm.length > MAX_SM_LENGTH) throw new PduEncodeError(field, `${sm.length} octets, at most ${MAX_SM_LENGTH} allowed (use tlvs.messagePayload)`)
  return sm.length + 1
}

export function writeShortMessage (sm: Buffer, buf: Buffer, off: number): number {
  const n = sm.length
  buf[off] = n
  if (n !== 0) buf.set(sm, off + 1)
  return off + 1 + n
}
