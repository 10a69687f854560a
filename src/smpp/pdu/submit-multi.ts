// submit_multi (a destination list) and submit_multi_resp (the unsuccess_sme list).

import { PduEncodeError } from '../../errors.js'
import { cstrLength, smLength, writeCStr, writeShortMessage, writeU32, writeU8 } from './header.js'
import { CommandStatus } from './status.js'
import { readTlvs, tlvsLength, writeTlvs } from './tlv.js'
import type { PduCodec } from './registry.js'
import type { MultiDestination, SubmitMulti, SubmitMultiResp, UnsuccessSme } from './types.js'

const S = CommandStatus
const MAX_DESTS = 254

export const submitMultiCodec: PduCodec<SubmitMulti> = {
  name: 'submit_multi',
  commandId: 0x00000021,
  decodeBody (r, commandStatus, sequenceNumber): SubmitMulti {
    const serviceType = r.cstr(6, S.ESME_RINVSERTYP, 'service_type')
    const sourceAddrTon = r.u8('source_addr_ton')
    const sourceAddrNpi = r.u8('source_addr_npi')
    const sourceAddr = r.cstr(21, S.ESME_RINVSRCADR, 'source_addr')
    const n = r.u8('number_of_dests')
    if (r.status === 0 && (n === 0 || n > MAX_DESTS)) r.fail(S.ESME_RINVNUMDESTS, `number_of_dests: ${n} (1..${MAX_DESTS})`)
    const destinations: MultiDestination[] = []
    for (let i = 0; i < n && r.status === 0; i++) {
      const flag = r.u8('dest_flag')
      if (flag === 1) {
        const ton = r.u8('dest_addr_ton')
        const npi = r.u8('dest_addr_npi')
        destinations.push({ kind: 'sme', ton, npi, addr: r.cstr(21, S.ESME_RINVDSTADR, 'destination_addr') })
      } else if (flag === 2) {
        destinations.push({ kind: 'list', name: r.cstr(21, S.ESME_RINVDLNAME, 'dl_name') })
      } else if (r.status === 0) {
        r.fail(S.ESME_RINVDESTFLAG, `dest_flag: ${flag} (1 = SME address, 2 = distribution list)`)
      }
    }
    return {
      commandId: 0x00000021,
      commandStatus,
      sequenceNumber,
      serviceType,
      sourceAddrTon,
      sourceAddrNpi,
      sourceAddr,
      destinations,
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
    }
  },
  bodyLength (p) {
    const d = p.destinations
    if (!Array.isArray(d) || d.length === 0 || d.length > MAX_DESTS) {
      throw new PduEncodeError('destinations', `1..${MAX_DESTS} destinations required`)
    }
    let n = 1
    for (let i = 0; i < d.length; i++) {
      const x = d[i]
      if (x.kind === 'sme') n += 3 + cstrLength(x.addr, 21, `destinations[${i}].addr`)
      else if (x.kind === 'list') n += 1 + cstrLength(x.name, 21, `destinations[${i}].name`)
      else throw new PduEncodeError(`destinations[${i}].kind`, "must be 'sme' or 'list'")
    }
    return n + cstrLength(p.serviceType, 6, 'serviceType') + 2 + cstrLength(p.sourceAddr, 21, 'sourceAddr') +
      cstrLength(p.scheduleDeliveryTime, 17, 'scheduleDeliveryTime') +
      cstrLength(p.validityPeriod, 17, 'validityPeriod') + 7 + smLength(p.shortMessage) + tlvsLength(p.tlvs)
  },
  encodeBody (p, buf, off) {
    off = writeCStr(p.serviceType, buf, off, 'serviceType')
    off = writeU8(p.sourceAddrTon, buf, off, 'sourceAddrTon')
    off = writeU8(p.sourceAddrNpi, buf, off, 'sourceAddrNpi')
    off = writeCStr(p.sourceAddr, buf, off, 'sourceAddr')
    const d = p.destinations
    buf[off++] = d.length
    for (let i = 0; i < d.length; i++) {
      const x = d[i]
      if (x.kind === 'sme') {
        buf[off++] = 1
        off = writeU8(x.ton, buf, off, `destinations[${i}].ton`)
        off = writeU8(x.npi, buf, off, `destinations[${i}].npi`)
        off = writeCStr(x.addr, buf, off, `destinations[${i}].addr`)
      } else {
        buf[off++] = 2
        off = writeCStr(x.name, buf, off, `destinations[${i}].name`)
      }
    }
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

/**
 * message_id, no_unsuccess, then per failed destination: ton, npi, address, error_status_code.
 * Always encoded in full (the list is the point of an error answer). Decoding accepts a body that
 * ends after message_id (or is empty) as an empty list.
 */
export const submitMultiRespCodec: PduCodec<SubmitMultiResp> = {
  name: 'submit_multi_resp',
  commandId: 0x80000021,
  decodeBody (r, commandStatus, sequenceNumber): SubmitMultiResp {
    const messageId = r.cstr(65, S.ESME_RINVMSGID, 'message_id', true)
    const unsuccess: UnsuccessSme[] = []
    if (r.pos < r.end) {
      const n = r.u8('no_unsuccess')
      for (let i = 0; i < n && r.status === 0; i++) {
        const ton = r.u8('dest_addr_ton')
        const npi = r.u8('dest_addr_npi')
        const addr = r.cstr(21, S.ESME_RINVDSTADR, 'destination_addr')
        unsuccess.push({ ton, npi, addr, errorStatusCode: r.u32('error_status_code') })
      }
    }
    return { commandId: 0x80000021, commandStatus, sequenceNumber, messageId, unsuccess }
  },
  bodyLength (p) {
    const u = p.unsuccess
    if (!Array.isArray(u) || u.length > 255) throw new PduEncodeError('unsuccess', 'at most 255 entries')
    let n = cstrLength(p.messageId, 65, 'messageId') + 1
    for (let i = 0; i < u.length; i++) n += 6 + cstrLength(u[i].addr, 21, `unsuccess[${i}].addr`)
    return n
  },
  encodeBody (p, buf, off) {
    off = writeCStr(p.messageId, buf, off, 'messageId')
    const u = p.unsuccess
    buf[off++] = u.length
    for (let i = 0; i < u.length; i++) {
      const x = u[i]
      off = writeU8(x.ton, buf, off, `unsuccess[${i}].ton`)
      off = writeU8(x.npi, buf, off, `unsuccess[${i}].npi`)
      off = writeCStr(x.addr, buf, off, `unsuccess[${i}].addr`)
      off = writeU32(x.errorStatusCode, buf, off, `unsuccess[${i}].errorStatusCode`)
    }
    return off
  }
}
