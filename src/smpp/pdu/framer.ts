// Splits a byte stream into PDU frames. Keeps only the unread tail; a frame handed out is never
// overwritten (the framer only ever writes past the bytes it has already handed out, into buffers
// it allocated itself), so frames and the Buffers decoded from them stay valid.

import { HEADER_LENGTH } from './header.js'

/** Fatal: the caller closes the socket. */
export interface FrameError { commandLength: number, reason: string }

const EMPTY = Buffer.alloc(0)
const MIN_ALLOC = 512

export class PduFramer {
  readonly maxPduSize: number
  private buf: Buffer = EMPTY
  private start = 0
  private end = 0
  /** buf was allocated here (writable past `end`); false when it is a caller's chunk. */
  private owned = false

  constructor (maxPduSize: number) {
    if (!Number.isInteger(maxPduSize) || maxPduSize < HEADER_LENGTH) {
      throw new RangeError(`maxPduSize must be an integer ≥ ${HEADER_LENGTH}`)
    }
    this.maxPduSize = maxPduSize
  }

  get buffered (): number {
    return this.end - this.start
  }

  push (chunk: Buffer): void {
    const n = chunk.length
    if (n === 0) return
    if (this.end === this.start) {
      // Nothing pending: frames are views into the chunk itself, no copy.
      this.buf = chunk
      this.start = 0
      this.end = n
      this.owned = false
      return
    }
    if (this.owned && this.buf.length - this.end >= n) {
      chunk.copy(this.buf, this.end)
      this.end += n
      return
    }
    const pending = this.end - this.start
    let size = pending + n
    if (pending >= 4) {
      // Room for the whole pending frame at once, so 1-byte pushes do not copy again and again.
      const want = this.buf.readUInt32BE(this.start)
      if (want > size && want <= this.maxPduSize) size = want
    }
    if (size < MIN_ALLOC) size = MIN_ALLOC
    if (size < pending * 2) size = pending * 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, this.start, this.end)
    chunk.copy(next, pending)
    this.buf = next
    this.start = 0
    this.end = pending + n
    this.owned = true
  }

  /** A whole frame, null when more bytes are needed, or a FrameError (fatal). */
  next (): Buffer | FrameError | null {
    const avail = this.end - this.start
    if (avail < 4) return null
    const buf = this.buf
    const s = this.start
    const len = ((buf[s] << 24) | (buf[s + 1] << 16) | (buf[s + 2] << 8) | buf[s + 3]) >>> 0
    if (len < HEADER_LENGTH) {
      return { commandLength: len, reason: `command_length ${len} is shorter than the ${HEADER_LENGTH}-octet header` }
    }
    if (len > this.maxPduSize) {
      return { commandLength: len, reason: `command_length ${len} exceeds the maximum PDU size ${this.maxPduSize}` }
    }
    if (avail < len) return null
    const frame = buf.subarray(s, s + len)
    if (avail === len) {
      // Drained: drop the reference so a big chunk is not kept alive by the framer.
      this.buf = EMPTY
      this.start = 0
      this.end = 0
      this.owned = false
    } else {
      this.start = s + len
    }
    return frame
  }
}

export function isFrameError (x: Buffer | FrameError | null): x is FrameError {
  return x !== null && !(x instanceof Uint8Array)
}
