// The submit_sm for one part, built from the carrier's submit settings: the concatenation header
// (UDH 8/16-bit or SAR TLVs) from part/total/ref, TON/NPI by sender kind, the data_coding policy.

import { CommandId, type SubmitSm, type Tlvs } from '../smpp/pdu/types.js'
import { MAX_SM_LENGTH } from '../smpp/pdu/header.js'
import type { ConcatMethod } from '../rules/index.js'
import type { DataCodingPolicy, SubmitSettings } from './config.js'
import type { OutboundPart } from './types.js'

const UDHI = 0x40
/** esm_class bits an MT may carry from the customer: messaging mode (0-1) and reply path (7). */
const ESM_CUSTOMER_BITS = 0x83

/** The data_coding sent for `dc` under `policy` (see config.ts). */
export function mapDataCoding (dc: number, policy: DataCodingPolicy): number {
  if (policy === 'as-is') return dc
  const kind = codingKind(dc)
  if (kind === 'gsm7') return 0
  if (policy === 'plain') {
    if (kind === 'ucs2') return 8
    if (kind === 'binary') return 4
  }
  return dc
}

function codingKind (dc: number): 'gsm7' | 'ucs2' | 'binary' | 'other' {
  if (dc === 0) return 'gsm7'
  if (dc === 8) return 'ucs2'
  if (dc === 2 || dc === 4) return 'binary'
  if (dc >= 0xf0) return (dc & 0x04) !== 0 ? 'binary' : 'gsm7'
  if (dc >= 0x10 && dc <= 0x1f) {
    const a = (dc >> 2) & 0x03
    return a === 0 ? 'gsm7' : a === 1 ? 'binary' : a === 2 ? 'ucs2' : 'other'
  }
  if (dc >= 0xc0 && dc <= 0xdf) return 'gsm7'
  if (dc >= 0xe0 && dc <= 0xef) return 'ucs2'
  return 'other'
}

/** The concatenation header for part `seq` (1-based) of `total`. */
export function concatUdh (method: 'udh8' | 'udh16', ref: number, total: number, seq: number): Buffer {
  if (method === 'udh16') return Buffer.from([0x06, 0x08, 0x04, (ref >>> 8) & 0xff, ref & 0xff, total, seq])
  return Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, seq])
}

export function buildSubmit (part: OutboundPart, s: SubmitSettings): SubmitSm {
  const customerUdh = (part.esmClass & UDHI) !== 0
  let esmClass = part.esmClass & ESM_CUSTOMER_BITS
  let body: Buffer = Buffer.from(part.body.buffer, part.body.byteOffset, part.body.byteLength)
  let tlvs: Tlvs | null = null
  if (customerUdh) {
    esmClass |= UDHI
  } else if (part.total > 1) {
    const method: ConcatMethod = part.concat ?? s.concat
    if (method === 'sar') {
      tlvs = { sarMsgRefNum: part.ref & 0xffff, sarTotalSegments: part.total, sarSegmentSeqnum: part.part + 1 }
    } else {
      const udh = concatUdh(method, part.ref, part.total, part.part + 1)
      const b = Buffer.allocUnsafe(udh.length + body.length)
      udh.copy(b, 0)
      body.copy(b, udh.length)
      body = b
      esmClass |= UDHI
    }
  }
  let shortMessage = body
  if (body.length > MAX_SM_LENGTH) {
    // Too long for short_message: the whole thing (UDH included) travels in message_payload.
    tlvs = { ...tlvs, messagePayload: body }
    shortMessage = EMPTY
  }
  const alpha = part.senderKind === 'alpha'
  return {
    commandId: CommandId.SubmitSm,
    commandStatus: 0,
    sequenceNumber: 0,
    serviceType: s.serviceType,
    sourceAddrTon: alpha ? s.alphaTon : s.numericTon,
    sourceAddrNpi: alpha ? s.alphaNpi : s.numericNpi,
    sourceAddr: part.sender,
    destAddrTon: 1,
    destAddrNpi: 1,
    destinationAddr: part.destination,
    esmClass,
    protocolId: part.protocolId,
    priorityFlag: s.priorityFlag >= 0 ? s.priorityFlag : part.priorityFlag,
    scheduleDeliveryTime: '',
    validityPeriod: part.validityPeriod,
    registeredDelivery: s.registeredDelivery,
    replaceIfPresentFlag: 0,
    dataCoding: mapDataCoding(part.dataCoding, s.dataCoding),
    smDefaultMsgId: 0,
    shortMessage,
    tlvs
  }
}

const EMPTY = Buffer.alloc(0)
