// Encode and decode whole PDUs. Encoding sizes first, allocates once, writes, then verifies the
// byte count. Decoding never throws: a failure carries the command_status to answer with and
// echoes the header's command_id and sequence_number.

import { PduEncodeError } from '../../errors.js'
import { EMPTY, HEADER_LENGTH, Reader, writeHeader } from './header.js'
import { codecFor, type PduCodec } from './registry.js'
import { CommandStatus } from './status.js'
import type { Pdu } from './types.js'

export type DecodeResult =
  | { ok: true, pdu: Pdu }
  | { ok: false, commandId: number, sequenceNumber: number, status: number, reason: string }

function codecOf (pdu: Pdu): PduCodec {
  const c = codecFor(pdu.commandId)
  if (c === undefined) {
    throw new PduEncodeError('commandId', `unknown command id ${String(pdu?.commandId)}`)
  }
  return c
}

/** command_length of the PDU as it would be encoded (validates every field). */
export function encodedLength (pdu: Pdu): number {
  return HEADER_LENGTH + codecOf(pdu).bodyLength(pdu)
}

/** One allocation of exactly command_length bytes. Throws PduEncodeError naming the bad field. */
export function encodePdu (pdu: Pdu): Buffer {
  const c = codecOf(pdu)
  const length = HEADER_LENGTH + c.bodyLength(pdu)
  const buf = Buffer.allocUnsafe(length)
  write(c, pdu, buf, 0, length)
  return buf
}

/**
 * Writes the PDU into target at offset (size it with encodedLength). Returns the bytes written.
 * On a PduEncodeError the target's bytes from offset on are unspecified.
 */
export function encodePduInto (pdu: Pdu, target: Buffer, offset: number): number {
  const c = codecOf(pdu)
  const length = HEADER_LENGTH + c.bodyLength(pdu)
  if (offset < 0 || target.length - offset < length) {
    throw new PduEncodeError('target', `${length} octets do not fit at offset ${offset} of a ${target.length}-octet buffer`)
  }
  return write(c, pdu, target, offset, length)
}

function write (c: PduCodec, pdu: Pdu, buf: Buffer, offset: number, length: number): number {
  writeHeader(buf, offset, length, pdu.commandId, pdu.commandStatus, pdu.sequenceNumber)
  const end = c.encodeBody(pdu, buf, offset + HEADER_LENGTH)
  if (end - offset !== length) {
    throw new PduEncodeError(c.name, `wrote ${end - offset} octets but sized ${length}`)
  }
  return length
}

const reader = new Reader()

function failure (commandId: number, sequenceNumber: number, status: number, reason: string): DecodeResult {
  return { ok: false, commandId, sequenceNumber, status, reason }
}

/** frame = exactly one PDU (its command_length bytes). Never throws. */
export function decodePdu (frame: Buffer): DecodeResult {
  if (!(frame instanceof Uint8Array) || frame.length < HEADER_LENGTH) {
    return failure(0, 0, CommandStatus.ESME_RINVCMDLEN, `frame of ${frame?.length ?? 0} octets is shorter than a header`)
  }
  const length = frame.readUInt32BE(0)
  const commandId = frame.readUInt32BE(4)
  const commandStatus = frame.readUInt32BE(8)
  const sequenceNumber = frame.readUInt32BE(12)
  if (length !== frame.length) {
    return failure(commandId, sequenceNumber, CommandStatus.ESME_RINVCMDLEN,
      `command_length ${length} but the frame holds ${frame.length} octets`)
  }
  const c = codecFor(commandId)
  if (c === undefined) {
    return failure(commandId, sequenceNumber, CommandStatus.ESME_RINVCMDID,
      `unknown command_id 0x${commandId.toString(16).padStart(8, '0')}`)
  }
  const r = reader
  r.reset(frame, HEADER_LENGTH, length)
  let pdu: Pdu
  try {
    pdu = c.decodeBody(r, commandStatus, sequenceNumber)
  } catch (err) {
    // A bug, not bad input: still never escapes the read loop.
    r.buf = EMPTY
    return failure(commandId, sequenceNumber, CommandStatus.ESME_RSYSERR, `${c.name}: decoder error: ${String(err)}`)
  }
  r.buf = EMPTY
  if (r.status !== 0) return failure(commandId, sequenceNumber, r.status, `${c.name}: ${r.reason}`)
  if (r.pos !== length) {
    return failure(commandId, sequenceNumber, CommandStatus.ESME_RINVCMDLEN,
      `${c.name}: ${length - r.pos} octets after the last field`)
  }
  return { ok: true, pdu }
}
