// Batched PDU output for one socket: PDUs are encoded back to back into one chunk and written
// with ONE socket.write per flush (scheduled once per event-loop turn), because a write syscall
// per PDU is what made node-smpp slow. The socket keeps a view of the bytes it was handed, so
// the next PDUs go after them in the same chunk; a full chunk is replaced, never overwritten.

import type { Socket } from 'node:net'
import { PduEncodeError } from '../errors.js'
import { encodedLength, encodePduInto } from './pdu/codec.js'
import type { Pdu } from './pdu/types.js'

const CHUNK = 64 * 1024
const EMPTY = Buffer.alloc(0)
/** Room kept free so that typical PDUs (a submit_sm is ~100 octets) fit without a retry. */
const SMALL_PDU = 1024
const FLUSH_BYTES = Number(process.env.INSTRADA_FLUSH_BYTES ?? 16 * 1024)

/**
 * 'immediate' flushes in setImmediate (after the I/O phase: every 'data' event of the turn is
 * batched together); 'microtask' flushes as soon as the current callback returns.
 */
export type FlushMode = 'immediate' | 'microtask'

export class PduWriter {
  /** socket.write returned false and 'drain' has not come yet. */
  blocked = false
  bytesWritten = 0
  writes = 0
  // Starts small and doubles up to CHUNK: an idle session (most binds) costs 4 KiB, not 64.
  private chunk: Buffer = EMPTY
  private nextChunkSize = 4096
  private start = 0
  private end = 0
  private scheduled = false
  private readonly socket: Socket
  private readonly mode: FlushMode
  private readonly flushBound: () => void
  private readonly onBlocked: () => void

  constructor (socket: Socket, mode: FlushMode, onBlocked: () => void) {
    this.socket = socket
    this.mode = mode
    this.onBlocked = onBlocked
    this.flushBound = () => { this.scheduled = false; this.flush() }
  }

  get pendingBytes (): number { return this.end - this.start }

  /** Encodes `pdu` after the pending bytes. Throws PduEncodeError (nothing is queued then). */
  write (pdu: Pdu): void {
    // Size once: encodePduInto sizes the PDU itself and refuses (field 'target') when it does
    // not fit, which happens about once per chunk; only then is the length computed separately.
    if (this.chunk.length - this.end < SMALL_PDU) this.replaceChunk(SMALL_PDU)
    try {
      this.end += encodePduInto(pdu, this.chunk, this.end)
    } catch (err) {
      if (!(err instanceof PduEncodeError) || err.field !== 'target') throw err
      this.replaceChunk(encodedLength(pdu))
      this.end += encodePduInto(pdu, this.chunk, this.end)
    }
    // A big batch goes out at once: the peer starts on it while we encode the rest (pipelining).
    if (this.end - this.start >= FLUSH_BYTES) this.flush()
    else if (!this.scheduled) {
      this.scheduled = true
      if (this.mode === 'immediate') setImmediate(this.flushBound)
      else queueMicrotask(this.flushBound)
    }
  }

  flush (): void {
    if (this.end === this.start) return
    const socket = this.socket
    if (socket.destroyed || !socket.writable) { this.start = this.end = 0; return }
    const view = this.chunk.subarray(this.start, this.end)
    this.bytesWritten += view.length
    this.writes++
    this.start = this.end
    if (!socket.write(view) && !this.blocked) {
      this.blocked = true
      this.onBlocked()
    }
  }

  private replaceChunk (need: number): void {
    const pending = this.end - this.start
    const next = Buffer.allocUnsafe(Math.max(this.nextChunkSize, 2 * (pending + need)))
    if (this.nextChunkSize < CHUNK) this.nextChunkSize *= 2
    this.chunk.copy(next, 0, this.start, this.end)
    this.chunk = next
    this.start = 0
    this.end = pending
  }
}
