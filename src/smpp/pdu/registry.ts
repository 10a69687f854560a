// command_id → codec. Adding a PDU: write its codec in its family file, add one line below.

import {
  bindReceiverCodec, bindReceiverRespCodec, bindTransceiverCodec, bindTransceiverRespCodec,
  bindTransmitterCodec, bindTransmitterRespCodec, outbindCodec
} from './bind.js'
import type { Reader } from './header.js'
import {
  cancelSmCodec, cancelSmRespCodec, querySmCodec, querySmRespCodec, replaceSmCodec, replaceSmRespCodec
} from './query-cancel-replace.js'
import {
  alertNotificationCodec, enquireLinkCodec, enquireLinkRespCodec, genericNackCodec, unbindCodec, unbindRespCodec
} from './session-ops.js'
import {
  dataSmCodec, dataSmRespCodec, deliverSmCodec, deliverSmRespCodec, submitSmCodec, submitSmRespCodec
} from './sm.js'
import { submitMultiCodec, submitMultiRespCodec } from './submit-multi.js'
import type { Pdu } from './types.js'

/** How one command's body is decoded, sized and encoded. */
export interface PduCodec<P extends Pdu = Pdu> {
  /** The spec's name, e.g. 'submit_sm'. */
  readonly name: string
  readonly commandId: number
  /** Reads the body from r.pos; problems are recorded on r (never thrown). */
  decodeBody (r: Reader, commandStatus: number, sequenceNumber: number): P
  /** Body octets; validates the fields (throws PduEncodeError). */
  bodyLength (pdu: P): number
  /** Writes the body at off; returns the offset after it. */
  encodeBody (pdu: P, buf: Buffer, off: number): number
}

const CODECS: ReadonlyArray<PduCodec<any>> = [
  genericNackCodec,
  bindReceiverCodec,
  bindReceiverRespCodec,
  bindTransmitterCodec,
  bindTransmitterRespCodec,
  querySmCodec,
  querySmRespCodec,
  submitSmCodec,
  submitSmRespCodec,
  deliverSmCodec,
  deliverSmRespCodec,
  unbindCodec,
  unbindRespCodec,
  replaceSmCodec,
  replaceSmRespCodec,
  cancelSmCodec,
  cancelSmRespCodec,
  bindTransceiverCodec,
  bindTransceiverRespCodec,
  outbindCodec,
  enquireLinkCodec,
  enquireLinkRespCodec,
  submitMultiCodec,
  submitMultiRespCodec,
  alertNotificationCodec,
  dataSmCodec,
  dataSmRespCodec
]

const byId = new Map<number, PduCodec>()
for (const c of CODECS) byId.set(c.commandId, c)
// Hot-path lookup: SMPP 3.4 ids are < 0x200 once the response bit is masked off.
const requests: Array<PduCodec | undefined> = new Array(0x200).fill(undefined)
const responses: Array<PduCodec | undefined> = new Array(0x200).fill(undefined)
for (const c of CODECS) (c.commandId >= 0x80000000 ? responses : requests)[c.commandId & 0x1ff] = c

/** The codec for a command id, or undefined for one SMPP 3.4 does not define. */
export function codecFor (commandId: number): PduCodec | undefined {
  const c = (commandId >= 0x80000000 ? responses : requests)[commandId & 0x1ff]
  return c !== undefined && c.commandId === commandId ? c : undefined
}

/** 'submit_sm' for 0x00000004; '0x00000123' for an unknown id. */
export function commandName (commandId: number): string {
  return byId.get(commandId)?.name ?? '0x' + (commandId >>> 0).toString(16).padStart(8, '0')
}

/** Every command id the codec knows. */
export function knownCommandIds (): number[] {
  return [...byId.keys()]
}
