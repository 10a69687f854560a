// Message mixes: which kinds of submit_sm the generator sends and what share asks for a receipt.
// The PDUs are built once per (kind, receipt) pair and reused: the session encodes a PDU as it
// is written, so one object can go out any number of times.

import { argError } from './args.js'
import { CommandId, type SubmitSm } from '../smpp/index.js'
import { spreadByWeight } from './schedule.js'

export const MESSAGE_KINDS = ['short', 'long', 'ucs2', 'ucs2long'] as const
export type MessageKind = typeof MESSAGE_KINDS[number]

export interface MessageMix {
  /** Relative weights per kind (need not add up to 1). */
  weights: Record<MessageKind, number>
  /** Share (0–1) of messages with registered_delivery=1. */
  receipts: number
}

export const DEFAULT_MIX: MessageMix = { weights: { short: 1, long: 0, ucs2: 0, ucs2long: 0 }, receipts: 1 }

/** One template and what the generator needs to know about it without decoding. */
export interface Template {
  pdu: SubmitSm
  kind: MessageKind
  wantsReceipt: boolean
  /** SMS parts the text needs (what a carrier is sent). */
  parts: number
}

const TEXT: Record<MessageKind, { text: string, ucs2: boolean, parts: number }> = {
  // 59 GSM characters: one part.
  short: { text: 'Your verification code is 123456. It expires in 10 minutes.', ucs2: false, parts: 1 },
  // 400 GSM characters: three parts of 153 (sent in message_payload, split by the server).
  long: { text: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(7).slice(0, 400), ucs2: false, parts: 3 },
  // Not GSM: UCS-2, 40 characters, one part of at most 70.
  ucs2: { text: 'Ваш код: 123456. Действует 10 минут ✓', ucs2: true, parts: 1 },
  // 150 UCS-2 characters: three parts of 67.
  ucs2long: { text: 'Привет! Это длинное сообщение для проверки. '.repeat(4).slice(0, 150), ucs2: true, parts: 3 }
}

/** The text of a kind, as sent over HTTP (the SMPP templates carry the same text, encoded). */
export function messageText (kind: MessageKind): string {
  return TEXT[kind].text
}

/** Parses `short=7,long=2,ucs2=1,ucs2long=0,receipts=0.5` (any subset; unnamed kinds weigh 0 once one is named). */
export function parseMix (spec: string): MessageMix {
  const mix: MessageMix = { weights: { short: 0, long: 0, ucs2: 0, ucs2long: 0 }, receipts: DEFAULT_MIX.receipts }
  let named = false
  for (const item of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([a-z0-9]+)\s*[=:]\s*([0-9.]+)$/.exec(item)
    if (m === null) throw argError('--mix', `'${item}' is not name=number (kinds: ${MESSAGE_KINDS.join(', ')}, and receipts=0..1)`)
    const value = Number(m[2])
    if (!Number.isFinite(value) || value < 0) throw argError('--mix', `${m[1]} must be a number ≥ 0`)
    if (m[1] === 'receipts') {
      if (value > 1) throw argError('--mix', 'receipts is a share between 0 and 1')
      mix.receipts = value
    } else if ((MESSAGE_KINDS as readonly string[]).includes(m[1])) {
      mix.weights[m[1] as MessageKind] = value
      named = true
    } else {
      throw argError('--mix', `unknown kind '${m[1]}' (kinds: ${MESSAGE_KINDS.join(', ')}, receipts)`)
    }
  }
  if (!named) mix.weights.short = 1
  if (MESSAGE_KINDS.every((k) => mix.weights[k] === 0)) throw argError('--mix', 'at least one kind needs a weight above 0')
  return mix
}

export function formatMix (mix: MessageMix): string {
  return MESSAGE_KINDS.filter((k) => mix.weights[k] > 0).map((k) => `${k}=${mix.weights[k]}`).join(',') + `,receipts=${mix.receipts}`
}

export interface AddressOptions {
  sourceAddr: string
  destinationAddr: string
}

/** Builds the templates for a mix: one per (kind, receipt) pair with a weight above 0. */
export function buildTemplates (mix: MessageMix, addr: AddressOptions): Template[] {
  const out: Template[] = []
  for (const kind of MESSAGE_KINDS) {
    if (mix.weights[kind] === 0) continue
    for (const wantsReceipt of [true, false]) {
      const share = wantsReceipt ? mix.receipts : 1 - mix.receipts
      if (share === 0) continue
      out.push({ pdu: submitFor(kind, wantsReceipt, addr), kind, wantsReceipt, parts: TEXT[kind].parts })
    }
  }
  return out
}

/** The order templates are used in: a ring of `length` indexes into buildTemplates(mix)'s array. */
export function templateSequence (mix: MessageMix, templates: readonly Template[], length = 1000): Uint16Array {
  const weights = templates.map((t) => mix.weights[t.kind] * (t.wantsReceipt ? mix.receipts : 1 - mix.receipts))
  return spreadByWeight(weights, length)
}

function submitFor (kind: MessageKind, wantsReceipt: boolean, addr: AddressOptions): SubmitSm {
  const t = TEXT[kind]
  const bytes = t.ucs2 ? Buffer.from(t.text, 'utf16le').swap16() : Buffer.from(t.text, 'latin1')
  const long = t.parts > 1
  return {
    commandId: CommandId.SubmitSm,
    commandStatus: 0,
    sequenceNumber: 0,
    serviceType: '',
    sourceAddrTon: /^[0-9]+$/.test(addr.sourceAddr) ? 1 : 5,
    sourceAddrNpi: /^[0-9]+$/.test(addr.sourceAddr) ? 1 : 0,
    sourceAddr: addr.sourceAddr,
    destAddrTon: 1,
    destAddrNpi: 1,
    destinationAddr: addr.destinationAddr,
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: wantsReceipt ? 1 : 0,
    replaceIfPresentFlag: 0,
    dataCoding: t.ucs2 ? 8 : 0,
    smDefaultMsgId: 0,
    shortMessage: long ? Buffer.alloc(0) : bytes,
    tlvs: long ? { messagePayload: bytes } : null
  } as SubmitSm
}
