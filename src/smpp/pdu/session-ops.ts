// Header-only PDUs (enquire_link, unbind, their responses, generic_nack) and alert_notification.

import { cstrLength, writeCStr, writeU8 } from './header.js'
import { CommandStatus } from './status.js'
import { readTlvs, tlvsLength, writeTlvs } from './tlv.js'
import type { PduCodec } from './registry.js'
import type { AlertNotification, EnquireLink, EnquireLinkResp, GenericNack, Unbind, UnbindResp } from './types.js'

type HeaderOnly = Unbind | UnbindResp | EnquireLink | EnquireLinkResp | GenericNack

function headerOnly<P extends HeaderOnly> (commandId: P['commandId'], name: string): PduCodec<P> {
  return {
    name,
    commandId,
    decodeBody (_r, commandStatus, sequenceNumber): P {
      // Trailing octets are reported by the codec (ESME_RINVCMDLEN).
      return { commandId, commandStatus, sequenceNumber } as P
    },
    bodyLength (): number {
      return 0
    },
    encodeBody (_p, _buf, off): number {
      return off
    }
  }
}

export const unbindCodec = headerOnly<Unbind>(0x00000006, 'unbind')
export const unbindRespCodec = headerOnly<UnbindResp>(0x80000006, 'unbind_resp')
export const enquireLinkCodec = headerOnly<EnquireLink>(0x00000015, 'enquire_link')
export const enquireLinkRespCodec = headerOnly<EnquireLinkResp>(0x80000015, 'enquire_link_resp')
export const genericNackCodec = headerOnly<GenericNack>(0x80000000, 'generic_nack')

export const alertNotificationCodec: PduCodec<AlertNotification> = {
  name: 'alert_notification',
  commandId: 0x00000102,
  decodeBody (r, commandStatus, sequenceNumber): AlertNotification {
    return {
      commandId: 0x00000102,
      commandStatus,
      sequenceNumber,
      sourceAddrTon: r.u8('source_addr_ton'),
      sourceAddrNpi: r.u8('source_addr_npi'),
      sourceAddr: r.cstr(65, CommandStatus.ESME_RINVSRCADR, 'source_addr'),
      esmeAddrTon: r.u8('esme_addr_ton'),
      esmeAddrNpi: r.u8('esme_addr_npi'),
      esmeAddr: r.cstr(65, CommandStatus.ESME_RINVDSTADR, 'esme_addr'),
      tlvs: readTlvs(r)
    }
  },
  bodyLength (p) {
    return 4 + cstrLength(p.sourceAddr, 65, 'sourceAddr') + cstrLength(p.esmeAddr, 65, 'esmeAddr') + tlvsLength(p.tlvs)
  },
  encodeBody (p, buf, off) {
    off = writeU8(p.sourceAddrTon, buf, off, 'sourceAddrTon')
    off = writeU8(p.sourceAddrNpi, buf, off, 'sourceAddrNpi')
    off = writeCStr(p.sourceAddr, buf, off, 'sourceAddr')
    off = writeU8(p.esmeAddrTon, buf, off, 'esmeAddrTon')
    off = writeU8(p.esmeAddrNpi, buf, off, 'esmeAddrNpi')
    off = writeCStr(p.esmeAddr, buf, off, 'esmeAddr')
    return writeTlvs(p.tlvs, buf, off)
  }
}
