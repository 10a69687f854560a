// bind_transmitter / bind_receiver / bind_transceiver, their responses, and outbind.

import {
  cstrLength, writeCStr, writeU8, type Reader
} from './header.js'
import { CommandStatus } from './status.js'
import { readTlvs, tlvsLength, writeTlvs } from './tlv.js'
import type { PduCodec } from './registry.js'
import type { BindRequest, BindResponse, Outbind } from './types.js'

const S = CommandStatus

function bindRequestCodec (commandId: BindRequest['commandId'], name: string): PduCodec<BindRequest> {
  return {
    name,
    commandId,
    decodeBody (r: Reader, commandStatus: number, sequenceNumber: number): BindRequest {
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        systemId: r.cstr(16, S.ESME_RINVSYSID, 'system_id'),
        password: r.cstr(9, S.ESME_RINVPASWD, 'password'),
        systemType: r.cstr(13, S.ESME_RINVSYSTYP, 'system_type'),
        interfaceVersion: r.u8('interface_version'),
        addrTon: r.u8('addr_ton'),
        addrNpi: r.u8('addr_npi'),
        addressRange: r.cstr(41, S.ESME_RINVCMDLEN, 'address_range')
      } as BindRequest
    },
    bodyLength (p: BindRequest): number {
      return cstrLength(p.systemId, 16, 'systemId') + cstrLength(p.password, 9, 'password') +
        cstrLength(p.systemType, 13, 'systemType') + 3 + cstrLength(p.addressRange, 41, 'addressRange')
    },
    encodeBody (p: BindRequest, buf: Buffer, off: number): number {
      off = writeCStr(p.systemId, buf, off, 'systemId')
      off = writeCStr(p.password, buf, off, 'password')
      off = writeCStr(p.systemType, buf, off, 'systemType')
      off = writeU8(p.interfaceVersion, buf, off, 'interfaceVersion')
      off = writeU8(p.addrTon, buf, off, 'addrTon')
      off = writeU8(p.addrNpi, buf, off, 'addrNpi')
      return writeCStr(p.addressRange, buf, off, 'addressRange')
    }
  }
}

/** Response body (system_id, then sc_interface_version) — omitted when command_status ≠ 0 (3.4 §4.1.2). */
function bindResponseCodec (commandId: BindResponse['commandId'], name: string): PduCodec<BindResponse> {
  return {
    name,
    commandId,
    decodeBody (r: Reader, commandStatus: number, sequenceNumber: number): BindResponse {
      const systemId = r.cstr(16, S.ESME_RINVSYSID, 'system_id', true)
      return { commandId, commandStatus, sequenceNumber, systemId, tlvs: readTlvs(r) } as BindResponse
    },
    bodyLength (p: BindResponse): number {
      if (p.commandStatus !== 0) return 0
      return cstrLength(p.systemId, 16, 'systemId') + tlvsLength(p.tlvs)
    },
    encodeBody (p: BindResponse, buf: Buffer, off: number): number {
      if (p.commandStatus !== 0) return off
      off = writeCStr(p.systemId, buf, off, 'systemId')
      return writeTlvs(p.tlvs, buf, off)
    }
  }
}

export const bindTransmitterCodec = bindRequestCodec(0x00000002, 'bind_transmitter')
export const bindReceiverCodec = bindRequestCodec(0x00000001, 'bind_receiver')
export const bindTransceiverCodec = bindRequestCodec(0x00000009, 'bind_transceiver')
export const bindTransmitterRespCodec = bindResponseCodec(0x80000002, 'bind_transmitter_resp')
export const bindReceiverRespCodec = bindResponseCodec(0x80000001, 'bind_receiver_resp')
export const bindTransceiverRespCodec = bindResponseCodec(0x80000009, 'bind_transceiver_resp')

export const outbindCodec: PduCodec<Outbind> = {
  name: 'outbind',
  commandId: 0x0000000b,
  decodeBody (r, commandStatus, sequenceNumber): Outbind {
    return {
      commandId: 0x0000000b,
      commandStatus,
      sequenceNumber,
      systemId: r.cstr(16, S.ESME_RINVSYSID, 'system_id'),
      password: r.cstr(9, S.ESME_RINVPASWD, 'password')
    }
  },
  bodyLength (p) {
    return cstrLength(p.systemId, 16, 'systemId') + cstrLength(p.password, 9, 'password')
  },
  encodeBody (p, buf, off) {
    off = writeCStr(p.systemId, buf, off, 'systemId')
    return writeCStr(p.password, buf, off, 'password')
  }
}
