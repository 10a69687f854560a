// The preview the HTTP endpoint shows and the router logs: for a text, an account, a type and a
// destination, everything accept() decides plus the parts as the phone will show them, the cost
// inputs and the warnings. Unlike accept() it reports every violation, not just the first.

import type { SmsType } from './config.js'
import { GSM7_COST } from './gsm7.js'
import { nonGsmChars, PreparedMessage, prepareSubmit, prepareText, type SubmitContent, type TextEncodingChoice } from './message.js'
import { AccountPolicy, SendAddress, type SendRequest, TON, NPI } from './policy.js'
import { partCapacity, singleCapacity, type Encoding } from './segment.js'
import { splitMessage } from './split.js'
import { Violation } from './violations.js'

export type WarningCode = 'DOUBLE_COUNTED' | 'TRANSLITERATED' | 'UCS2_FORCED' | 'SENDER_REPLACED' | 'LONG_MESSAGE'

export interface Warning {
  code: WarningCode
  message: string
  /** The characters concerned (distinct), when any. */
  chars: string[]
}

export interface PreviewPart {
  text: string
  /** Characters as the phone counts them. */
  characters: number
  /** Septets / UTF-16 units / octets used, and what the part could hold. */
  units: number
  capacity: number
}

export interface Preview {
  ok: boolean
  violations: Violation[]
  type: SmsType
  encoding: Encoding | null
  dataCoding: number | null
  characters: number
  units: number
  parts: PreviewPart[]
  from: SendAddress | null
  to: SendAddress | null
  country: string | null
  /** What the ledger prices: the type, the parts and the destination country. */
  cost: { type: SmsType, parts: number, country: string | null }
  warnings: Warning[]
}

/** Warnings for a prepared message (built on demand: never on the accept hot path). */
export function messageWarnings (msg: PreparedMessage, fixedUcs2 = false): Warning[] {
  const w: Warning[] = []
  if (msg.transliteration !== null) {
    const t = msg.transliteration
    w.push({ code: 'TRANSLITERATED', message: `${t.count} character(s) replaced to stay in GSM-7`, chars: t.replaced })
  }
  if (msg.doubleCounted > 0) {
    const chars: string[] = []
    for (const ch of msg.text) if (GSM7_COST[ch.charCodeAt(0)] === 2 && !chars.includes(ch)) chars.push(ch)
    w.push({ code: 'DOUBLE_COUNTED', message: `${msg.doubleCounted} character(s) of the GSM extension table count as two`, chars })
  }
  if (msg.encoding === 'ucs2' && !fixedUcs2 && msg.customerBytes === null) {
    const chars = nonGsmChars(msg.text)
    if (chars.length > 0) w.push({ code: 'UCS2_FORCED', message: `not in GSM-7, so the message goes as UCS-2 (70 characters, 67 per part): ${chars.slice(0, 10).join(' ')}`, chars })
  }
  if (msg.parts > 1) w.push({ code: 'LONG_MESSAGE', message: `long message: ${msg.parts} parts, each billed`, chars: [] })
  return w
}

export function preview (policy: AccountPolicy, req: SendRequest, content: SubmitContent | string, encoding: TextEncodingChoice = 'auto'): Preview {
  const type = req.type ?? policy.account.type
  const violations: Violation[] = []
  const dest = policy.checkDestination(req.to, req.toTon)
  let to: SendAddress | null = null
  let country: string | null = null
  if (dest instanceof Violation) violations.push(dest)
  else { to = new SendAddress(dest.digits, TON.INTERNATIONAL, NPI.ISDN); country = dest.country }
  const src = policy.checkSender(type, req.from, req.fromTon, country ?? '')
  const from = src instanceof Violation ? null : src
  if (src instanceof Violation) violations.push(src)
  const opts = policy.messageOptions(type)
  const msg = typeof content === 'string' ? prepareText(content, opts, encoding) : prepareSubmit(content, opts)
  const warnings: Warning[] = []
  const parts: PreviewPart[] = []
  if (msg instanceof Violation) {
    violations.push(msg)
  } else {
    const fixedUcs2 = typeof content === 'string' ? encoding === 'ucs2' : content.dataCoding === 8
    warnings.push(...messageWarnings(msg, fixedUcs2))
    const capacity = msg.parts === 1 ? singleCapacity(msg.encoding) : partCapacity(msg.encoding, 6)
    for (const p of splitMessage(msg, 'sar', 0).parts) {
      const units = msg.encoding === 'ucs2' ? p.shortMessage.length >> 1 : p.shortMessage.length
      parts.push({ text: p.text, characters: p.characters, units: msg.customerBytes !== null ? msg.units : units, capacity })
    }
  }
  if (from !== null && policy.rules.types[type].sender !== null && req.from.length > 0 && req.from !== from.addr) {
    warnings.push({ code: 'SENDER_REPLACED', message: `type '${type}' always sends from ${from.addr}`, chars: [] })
  }
  const ok = violations.length === 0
  const m = msg instanceof PreparedMessage ? msg : null
  return {
    ok,
    violations,
    type,
    encoding: m?.encoding ?? null,
    dataCoding: m?.dataCoding ?? null,
    characters: m?.characters ?? 0,
    units: m?.units ?? 0,
    parts,
    from,
    to,
    country,
    cost: { type, parts: ok && m !== null ? m.parts : 0, country },
    warnings
  }
}
