// query_sm, cancel_sm, replace_sm and their responses.

import { cstrLength, smLength, writeCStr, writeShortMessage, writeU8 } from './header.js'
import { CommandStatus } from './status.js'
import type { PduCodec } from './registry.js'
import type { CancelSm, CancelSmResp, QuerySm, QuerySmResp, ReplaceSm, ReplaceSmResp } from './types.js'

const S = CommandStatus

export const querySmCodec: PduCodec<QuerySm> = {
  name: 'query_sm',
  commandId: 0x00000003,
  decodeBody (r, commandStatus, sequenceNumber): QuerySm {
    return {
      commandId: 0x00000003,
      commandStatus,
      sequenceNumber,
      messageId: r.cstr(65, S.ESME_RINVMSGID, 'message_id'),
      sourceAddrTon: r.u8('source_addr_ton'),
      sourceAddrNpi: r.u8('source_addr_npi'),
      sourceAddr: r.cstr(21, S.ESME_RINVSRCADR, 'source_addr')
    }
  },
  bodyLength (p) {
    return cstrLength(p.messageId, 65, 'messageId') + 2 + cstrLength(p.sourceAddr, 21, 'sourceAddr')
  },
  encodeBody (p, buf, off) {
    off = writeCStr(p.messageId, buf, off, 'messageId')
    off = writeU8(p.sourceAddrTon, buf, off, 'sourceAddrTon')
    off = writeU8(p.sourceAddrNpi, buf, off, 'sourceAddrNpi')
    return writeCStr(p.sourceAddr, buf, off, 'sourceAddr')
  }
}

/** Body omitted when command_status ≠ 0; an empty error body decodes with '' / 0 fields. */
export const querySmRespCodec: PduCodec<QuerySmResp> = {
  name: 'query_sm_resp',
  commandId: 0x80000003,
  decodeBody (r, commandStatus, sequenceNumber): QuerySmResp {
    if (commandStatus !== 0 && r.pos === r.end) {
      return { commandId: 0x80000003, commandStatus, sequenceNumber, messageId: '', finalDate: '', messageState: 0, errorCode: 0 }
    }
    return {
      commandId: 0x80000003,
      commandStatus,
      sequenceNumber,
      messageId: r.cstr(65, S.ESME_RINVMSGID, 'message_id'),
      finalDate: r.cstr(17, S.ESME_RINVCMDLEN, 'final_date'),
      messageState: r.u8('message_state'),
      errorCode: r.u8('error_code')
    }
  },
  bodyLength (p) {
    if (p.commandStatus !== 0) return 0
    return cstrLength(p.messageId, 65, 'messageId') + cstrLength(p.finalDate, 17, 'finalDate') + 2
  },
  encodeBody (p, buf, off) {
    if (p.commandStatus !== 0) return off
    off = writeCStr(p.messageId, buf, off, 'messageId')
    off = writeCStr(p.finalDate, buf, off, 'finalDate')
    off = writeU8(p.messageState, buf, off, 'messageState')
    return writeU8(p.errorCode, buf, off, 'errorCode')
  }
}

export const cancelSmCodec: PduCodec<CancelSm> = {
  name: 'cancel_sm',
  commandId: 0x00000008,
  decodeBody (r, commandStatus, sequenceNumber): CancelSm {
    return {
      commandId: 0x00000008,
      commandStatus,
      sequenceNumber,
      serviceType: r.cstr(6, S.ESME_RINVSERTYP, 'service_type'),
      messageId: r.cstr(65, S.ESME_RINVMSGID, 'message_id'),
      sourceAddrTon: r.u8('source_addr_ton'),
      sourceAddrNpi: r.u8('source_addr_npi'),
      sourceAddr: r.cstr(21, S.ESME_RINVSRCADR, 'source_addr'),
      destAddrTon: r.u8('dest_addr_ton'),
      destAddrNpi: r.u8('dest_addr_npi'),
      destinationAddr: r.cstr(21, S.ESME_RINVDSTADR, 'destination_addr')
    }
  },
  bodyLength (p) {
    return cstrLength(p.serviceType, 6, 'serviceType') + cstrLength(p.messageId, 65, 'messageId') + 4 +
      cstrLength(p.sourceAddr, 21, 'sourceAddr') + cstrLength(p.destinationAddr, 21, 'destinationAddr')
  },
  encodeBody (p, buf, off) {
    off = writeCStr(p.serviceType, buf, off, 'serviceType')
    off = writeCStr(p.messageId, buf, off, 'messageId')
    off = writeU8(p.sourceAddrTon, buf, off, 'sourceAddrTon')
    off = writeU8(p.sourceAddrNpi, buf, off, 'sourceAddrNpi')
    off = writeCStr(p.sourceAddr, buf, off, 'sourceAddr')
    off = writeU8(p.destAddrTon, buf, off, 'destAddrTon')
    off = writeU8(p.destAddrNpi, buf, off, 'destAddrNpi')
    return writeCStr(p.destinationAddr, buf, off, 'destinationAddr')
  }
}

export const replaceSmCodec: PduCodec<ReplaceSm> = {
  name: 'replace_sm',
  commandId: 0x00000007,
  decodeBody (r, commandStatus, sequenceNumber): ReplaceSm {
    return {
      commandId: 0x00000007,
      commandStatus,
      sequenceNumber,
      messageId: r.cstr(65, S.ESME_RINVMSGID, 'message_id'),
      sourceAddrTon: r.u8('source_addr_ton'),
      sourceAddrNpi: r.u8('source_addr_npi'),
      sourceAddr: r.cstr(21, S.ESME_RINVSRCADR, 'source_addr'),
      scheduleDeliveryTime: r.cstr(17, S.ESME_RINVSCHED, 'schedule_delivery_time'),
      validityPeriod: r.cstr(17, S.ESME_RINVEXPIRY, 'validity_period'),
      registeredDelivery: r.u8('registered_delivery'),
      smDefaultMsgId: r.u8('sm_default_msg_id'),
      shortMessage: r.shortMessage()
    }
  },
  bodyLength (p) {
    return cstrLength(p.messageId, 65, 'messageId') + 2 + cstrLength(p.sourceAddr, 21, 'sourceAddr') +
      cstrLength(p.scheduleDeliveryTime, 17, 'scheduleDeliveryTime') +
      cstrLength(p.validityPeriod, 17, 'validityPeriod') + 2 + smLength(p.shortMessage)
  },
  encodeBody (p, buf, off) {
    off = writeCStr(p.messageId, buf, off, 'messageId')
    off = writeU8(p.sourceAddrTon, buf, off, 'sourceAddrTon')
    off = writeU8(p.sourceAddrNpi, buf, off, 'sourceAddrNpi')
    off = writeCStr(p.sourceAddr, buf, off, 'sourceAddr')
    off = writeCStr(p.scheduleDeliveryTime, buf, off, 'scheduleDeliveryTime')
    off = writeCStr(p.validityPeriod, buf, off, 'validityPeriod')
    off = writeU8(p.registeredDelivery, buf, off, 'registeredDelivery')
    off = writeU8(p.smDefaultMsgId, buf, off, 'smDefaultMsgId')
    return writeShortMessage(p.shortMessage, buf, off)
  }
}

function emptyResp<P extends CancelSmResp | ReplaceSmResp> (commandId: P['commandId'], name: string): PduCodec<P> {
  return {
    name,
    commandId,
    decodeBody (_r, commandStatus, sequenceNumber): P {
      return { commandId, commandStatus, sequenceNumber } as P
    },
    bodyLength: () => 0,
    encodeBody: (_p, _buf, off) => off
  }
}

export const cancelSmRespCodec = emptyResp<CancelSmResp>(0x80000008, 'cancel_sm_resp')
export const replaceSmRespCodec = emptyResp<ReplaceSmResp>(0x80000007, 'replace_sm_resp')
