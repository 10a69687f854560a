// The short-message family: submit_sm and deliver_sm (one body layout), data_sm, and responses.

import {
  cstrLength, smLength, writeCStr, writeShortMessage, writeU8, type Reader
} from './header.js'
import { CommandStatus } from './status.js'
import { readTlvs, tlvsLength, writeTlvs } from './tlv.js'
import type { PduCodec } from './registry.js'
import type { DataSm, DataSmResp, DeliverSm, DeliverSmResp, SubmitSm, SubmitSmResp } from './types.js'

const S = CommandStatus
type SmPdu = SubmitSm | DeliverSm

function smCodec<P extends SmPdu> (commandId: P['commandId'], name: string): PduCodec<P> {
  return {
    name,
    commandId,
    decodeBody (r: Reader, commandStatus: number, sequenceNumber: number): P {
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        serviceType: r.cstr(6, S.ESME_RINVSERTYP, 'service_type'),
        sourceAddrTon: r.u8('source_addr_ton'),
        sourceAddrNpi: r.u8('source_addr_npi'),
        sourceAddr: r.cstr(21, S.ESME_RINVSRCADR, 'source_addr'),
        destAddrTon: r.u8('dest_addr_ton'),
        destAddrNpi: r.u8('dest_addr_npi'),
        destinationAddr: r.cstr(21, S.ESME_RINVDSTADR, 'destination_addr'),
        esmClass: r.u8('esm_class'),
        protocolId: r.u8('protocol_id'),
        priorityFlag: r.u8('priority_flag'),
        scheduleDeliveryTime: r.cstr(17, S.ESME_RINVSCHED, 'schedule_delivery_time'),
        validityPeriod: r.cstr(17, S.ESME_RINVEXPIRY, 'validity_period'),
        registeredDelivery: r.u8('registered_delivery'),
        replaceIfPresentFlag: r.u8('replace_if_present_flag'),
        dataCoding: r.u8('data_coding'),
        smDefaultMsgId: r.u8('sm_default_msg_id'),
        shortMessage: r.shortMessage(),
        tlvs: readTlvs(r)
      } as P
    },
    bodyLength (p: P): number {
      return cstrLength(p.serviceType, 6, 'serviceType') +
        cstrLength(p.sourceAddr, 21, 'sourceAddr') +
        cstrLength(p.destinationAddr, 21, 'destinationAddr') +
        cstrLength(p.scheduleDeliveryTime, 17, 'scheduleDeliveryTime') +
        cstrLength(p.validityPeriod, 17, 'validityPeriod') +
        11 + smLength(p.shortMessage) + tlvsLength(p.tlvs)
    },
    encodeBody (p: P, buf: Buffer, off: number): number {
      off = writeCStr(p.serviceType, buf, off, 'serviceType')
      off = writeU8(p.sourceAddrTon, buf, off, 'sourceAddrTon')
      off = writeU8(p.sourceAddrNpi, buf, off, 'sourceAddrNpi')
      off = writeCStr(p.sourceAddr, buf, off, 'sourceAddr')
      off = writeU8(p.destAddrTon, buf, off, 'destAddrTon')
      off = writeU8(p.destAddrNpi, buf, off, 'destAddrNpi')
      off = writeCStr(p.destinationAddr, buf, off, 'destinationAddr')
      off = writeU8(p.esmClass, buf, off, 'esmClass')
      off = writeU8(p.protocolId, buf, off, 'protocolId')
      off = writeU8(p.priorityFlag, buf, off, 'priorityFlag')
      off = writeCStr(p.scheduleDeliveryTime, buf, off, 'scheduleDeliveryTime')
      off = writeCStr(p.validityPeriod, buf, off, 'validityPeriod')
      off = writeU8(p.registeredDelivery, buf, off, 'registeredDelivery')
      off = writeU8(p.replaceIfPresentFlag, buf, off, 'replaceIfPresentFlag')
      off = writeU8(p.dataCoding, buf, off, 'dataCoding')
      off = writeU8(p.smDefaultMsgId, buf, off, 'smDefaultMsgId')
      off = writeShortMessage(p.shortMessage, buf, off)
      return writeTlvs(p.tlvs, buf, off)
    }
  }
}

export const submitSmCodec = smCodec<SubmitSm>(0x00000004, 'submit_sm')
export const deliverSmCodec = smCodec<DeliverSm>(0x00000005, 'deliver_sm')

/** message_id only; the body is omitted when command_status ≠ 0 (3.4 §4.4.2) and accepted either way. */
function messageIdRespCodec<P extends SubmitSmResp | DeliverSmResp> (commandId: P['commandId'], name: string): PduCodec<P> {
  return {
    name,
    commandId,
    decodeBody (r, commandStatus, sequenceNumber): P {
      return { commandId, commandStatus, sequenceNumber, messageId: r.cstr(65, S.ESME_RINVMSGID, 'message_id', true) } as P
    },
    bodyLength (p) {
      return p.commandStatus !== 0 ? 0 : cstrLength(p.messageId, 65, 'messageId')
    },
    encodeBody (p, buf, off) {
      return p.commandStatus !== 0 ? off : writeCStr(p.messageId, buf, off, 'messageId')
    }
  }
}

export const submitSmRespCodec = messageIdRespCodec<SubmitSmResp>(0x80000004, 'submit_sm_resp')
export const deliverSmRespCodec = messageIdRespCodec<DeliverSmResp>(0x80000005, 'deliver_sm_resp')

export const dataSmCodec: PduCodec<DataSm> = {
  name: 'data_sm',
  commandId: 0x00000103,
  decodeBody (r, commandStatus, sequenceNumber): DataSm {
    return {
      commandId: 0x00000103,
      commandStatus,
      sequenceNumber,
      serviceType: r.cstr(6, S.ESME_RINVSERTYP, 'service_type'),
      sourceAddrTon: r.u8('source_addr_ton'),
      sourceAddrNpi: r.u8('source_addr_npi'),
      sourceAddr: r.cstr(65, S.ESME_RINVSRCADR, 'source_addr'),
      destAddrTon: r.u8('dest_addr_ton'),
      destAddrNpi: r.u8('dest_addr_npi'),
      destinationAddr: r.cstr(65, S.ESME_RINVDSTADR, 'destination_addr'),
      esmClass: r.u8('esm_class'),
      registeredDelivery: r.u8('registered_delivery'),
      dataCoding: r.u8('data_coding'),
      tlvs: readTlvs(r)
    }
  },
  bodyLength (p) {
    return cstrLength(p.serviceType, 6, 'serviceType') + cstrLength(p.sourceAddr, 65, 'sourceAddr') +
      cstrLength(p.destinationAddr, 65, 'destinationAddr') + 7 + tlvsLength(p.tlvs)
  },
  encodeBody (p, buf, off) {
    off = writeCStr(p.serviceType, buf, off, 'serviceType')
    off = writeU8(p.sourceAddrTon, buf, off, 'sourceAddrTon')
    off = writeU8(p.sourceAddrNpi, buf, off, 'sourceAddrNpi')
    off = writeCStr(p.sourceAddr, buf, off, 'sourceAddr')
    off = writeU8(p.destAddrTon, buf, off, 'destAddrTon')
    off = writeU8(p.destAddrNpi, buf, off, 'destAddrNpi')
    off = writeCStr(p.destinationAddr, buf, off, 'destinationAddr')
    off = writeU8(p.esmClass, buf, off, 'esmClass')
    off = writeU8(p.registeredDelivery, buf, off, 'registeredDelivery')
    off = writeU8(p.dataCoding, buf, off, 'dataCoding')
    return writeTlvs(p.tlvs, buf, off)
  }
}

export const dataSmRespCodec: PduCodec<DataSmResp> = {
  name: 'data_sm_resp',
  commandId: 0x80000103,
  decodeBody (r, commandStatus, sequenceNumber): DataSmResp {
    const messageId = r.cstr(65, S.ESME_RINVMSGID, 'message_id', true)
    return { commandId: 0x80000103, commandStatus, sequenceNumber, messageId, tlvs: readTlvs(r) }
  },
  bodyLength (p) {
    // Unlike submit_sm_resp, an error data_sm_resp may carry TLVs (e.g. delivery_failure_reason).
    return cstrLength(p.messageId, 65, 'messageId') + tlvsLength(p.tlvs)
  },
  encodeBody (p, buf, off) {
    off = writeCStr(p.messageId, buf, off, 'messageId')
    return writeTlvs(p.tlvs, buf, off)
  }
}
