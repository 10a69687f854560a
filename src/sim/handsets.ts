// Mobile-originated traffic from simulated handsets: replies from a share of recipients, keyword
// replies, scheduled MO and injected MO. Text longer than one SMS goes out as several deliver_sm
// parts (8- or 16-bit UDH reference, or SAR TLVs) or as one message_payload, per the profile.

import type { DeliverSm, SubmitSm } from '../smpp/index.js'
import type { LongMoMode, ScheduledMo } from './profile.js'
import { buildMo, formatId } from './receipts.js'
import { decodeSm, splitText } from './text.js'
import type { Timed } from './scheduler.js'
import type { SimCarrier } from './carrier.js'
import type { SimMessage } from './messages.js'

/** A deferred action on the carrier's task wheel (delayed responses, handset replies, scheduled MO). */
export class Task implements Timed {
  due: number
  readonly fn: (c: SimCarrier, arg: unknown) => void
  readonly arg: unknown
  constructor (due: number, fn: (c: SimCarrier, arg: unknown) => void, arg: unknown) {
    this.due = due
    this.fn = fn
    this.arg = arg
  }
}

export interface MoRequest {
  /** Target account; null = every account of the carrier. */
  systemId: string | null
  from: string
  to: string
  text: string
  longMo: LongMoMode
  /** Send a long MO's parts last first, as a network that reorders them would. */
  reverse?: boolean
}

/** Concatenation references, per carrier. */
export class RefCounter {
  private n = 0
  next (): number {
    this.n = (this.n + 1) & 0xffff
    return this.n
  }
}

/** The deliver_sm PDUs carrying one MO text. */
export function moPdus (req: MoRequest, refs: RefCounter): DeliverSm[] {
  const enc = splitText(req.text)
  if (enc.parts.length === 1) return [buildMo(req.from, req.to, enc.dataCoding, enc.parts[0], null, null)]
  if (req.longMo === 'payload') {
    return [buildMo(req.from, req.to, enc.dataCoding, Buffer.concat(enc.parts), null, null)]
  }
  const total = enc.parts.length
  const ref = refs.next()
  const out: DeliverSm[] = []
  for (let i = 0; i < total; i++) {
    const seq = i + 1
    switch (req.longMo) {
      case 'udh8':
        out.push(buildMo(req.from, req.to, enc.dataCoding, enc.parts[i], Buffer.from([5, 0, 3, ref & 0xff, total, seq]), null))
        break
      case 'udh16':
        out.push(buildMo(req.from, req.to, enc.dataCoding, enc.parts[i], Buffer.from([6, 8, 4, ref >> 8, ref & 0xff, total, seq]), null))
        break
      case 'sar':
        out.push(buildMo(req.from, req.to, enc.dataCoding, enc.parts[i], null, { sarMsgRefNum: ref, sarTotalSegments: total, sarSegmentSeqnum: seq }))
        break
    }
  }
  return req.reverse === true ? out.reverse() : out
}

/** Fills `{to}`, `{from}` and `{id}` in a reply template. */
export function fillTemplate (template: string, to: string, from: string, id: string): string {
  return template.replace(/\{(to|from|id)\}/g, (_, k: string) => (k === 'to' ? to : k === 'from' ? from : id))
}

/** After an MT is accepted: a reply from a share of recipients, and replies to matching keywords. */
export function handsetReplies (c: SimCarrier, m: SimMessage, pdu: { esmClass: number, dataCoding: number, tlvs: SubmitSm['tlvs'] }, sm: Buffer, now: number): void {
  const h = c.profile.handsets
  if (h.replyRate > 0 && c.rng.chance(h.replyRate)) {
    const text = fillTemplate(h.replyText, m.dest, m.source, formatId(m.id, c.profile.idFormat))
    c.later(now + h.replyDelay.sample(c.rng), sendMoTask, { systemId: m.systemId, from: m.dest, to: m.source, text, longMo: h.longMo })
  }
  if (h.keywords.length === 0) return
  const mt = decodeSm(pdu.esmClass, pdu.dataCoding, sm, pdu.tlvs).text
  for (const k of h.keywords) {
    if (k.pattern.test(mt) && c.rng.chance(k.rate)) {
      const text = fillTemplate(k.reply, m.dest, m.source, formatId(m.id, c.profile.idFormat))
      c.later(now + k.delay.sample(c.rng), sendMoTask, { systemId: m.systemId, from: m.dest, to: m.source, text, longMo: h.longMo })
    }
  }
}

function sendMoTask (c: SimCarrier, arg: unknown): void {
  sendMo(c, arg as MoRequest)
}

/** Sends an MO now to its account (or every account); returns how many deliver_sm were queued or sent. */
export function sendMo (c: SimCarrier, req: MoRequest): number {
  const now = c.now()
  const targets = req.systemId !== null ? [req.systemId] : c.profile.accounts.map((a) => a.systemId)
  let n = 0
  for (const systemId of targets) {
    for (const pdu of moPdus(req, c.refs)) {
      c.counters.moSent++
      c.recent.record(pdu, systemId, null, 0, c.epoch + now)
      if (c.delivery.send(systemId, pdu, now, false)) n++
    }
  }
  return n
}

/** Queues the profile's scheduled MO (at start, reload and reset). */
export function scheduleMo (c: SimCarrier): void {
  for (const s of c.profile.handsets.scheduled) c.later(s.afterMs, scheduledMoTask, { s, sent: 0 })
}

function scheduledMoTask (c: SimCarrier, arg: unknown): void {
  const a = arg as { s: ScheduledMo, sent: number }
  if (!c.profile.handsets.scheduled.includes(a.s)) return // reloaded away
  sendMo(c, { systemId: a.s.systemId, from: a.s.from, to: a.s.to, text: a.s.text, longMo: c.profile.handsets.longMo })
  a.sent++
  if (a.s.everyMs > 0 && (a.s.count === 0 || a.sent < a.s.count)) c.later(c.now() + a.s.everyMs, scheduledMoTask, a)
}
