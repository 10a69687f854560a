// submit_multi, query_sm, cancel_sm and replace_sm against a carrier's message table. Cancel and
// replace succeed only while a message is pending; after its final state they fail (0x11 / 0x13),
// as on a real SMSC. A cancelled message ends DELETED and gets a receipt if one was asked for.

import { type CancelSm, type QuerySm, type ReplaceSm, type SubmitMulti, type UnsuccessSme, CommandStatus } from '../smpp/index.js'
import { MESSAGE_STATE, S_DELETED, matchOverride } from './outcomes.js'
import { PHASE_DONE, SimMessage, type MessageRecord } from './messages.js'
import { formatId, parseId, quotable } from './receipts.js'
import type { LinkState } from './delivery.js'
import type { SimCarrier } from './carrier.js'

export function handleSubmitMulti (c: SimCarrier, ls: LinkState, pdu: SubmitMulti): void {
  const now = c.now()
  const p = c.profile
  const first = pdu.destinations.find((d) => d.kind === 'sme')
  const firstAddr = first !== undefined && first.kind === 'sme' ? first.addr : ''
  const status = c.admit(ls, firstAddr, null, now)
  if (status !== 0) {
    if (status > 0) c.reject(ls, pdu, status, now)
    return
  }
  // One message id for the whole submit: every destination's receipt carries it; query/cancel/replace
  // act on the first destination's message.
  const id = c.nextId++
  const unsuccess: UnsuccessSme[] = []
  let indexed = false
  let idText = ''
  for (const d of pdu.destinations) {
    if (d.kind === 'list') {
      unsuccess.push({ ton: 0, npi: 0, addr: d.name, errorStatusCode: CommandStatus.ESME_RINVDLNAME })
      continue
    }
    const ov = p.overrides.length > 0 ? matchOverride(p.overrides, d.addr) : null
    if (ov !== null && (ov.submitStatus !== null || ov.noResponse)) {
      unsuccess.push({ ton: d.ton, npi: d.npi, addr: d.addr, errorStatusCode: ov.submitStatus ?? CommandStatus.ESME_RSUBMITFAIL })
      continue
    }
    const fields = { ...pdu, destAddrTon: d.ton, destAddrNpi: d.npi }
    const m = c.accept(ls, fields, d.addr, pdu.shortMessage, ov, now, !indexed, id)
    indexed = true
    idText = formatId(id, p.idFormat)
    c.schedule(m)
  }
  if (!indexed) {
    c.reject(ls, pdu, CommandStatus.ESME_RSUBMITFAIL, now)
    return
  }
  c.recent.record(pdu, ls.link.systemId, idText, 0, c.epoch + now)
  c.respond(ls, pdu, 0, { messageId: idText, unsuccess }, now)
}

/** The message a request names, pending or finished (null when unknown or the source_addr differs). */
function lookup (c: SimCarrier, messageId: string, sourceAddr: string): MessageRecord | null {
  const id = parseId(messageId, c.profile.idFormat)
  if (id < 0) return null
  const m = c.table.lookup(id)
  if (m === undefined) return null
  // The spec matches on the originator too; an empty source_addr in the request matches any.
  if (sourceAddr !== '' && sourceAddr !== m.source) return null
  return m
}

/** The pending message a request names (cancel and replace act only on those; a finished one is a record). */
function find (c: SimCarrier, messageId: string, sourceAddr: string): SimMessage | null {
  const m = lookup(c, messageId, sourceAddr)
  return m instanceof SimMessage ? m : null
}

export function handleQuery (c: SimCarrier, ls: LinkState, pdu: QuerySm): void {
  c.counters.queries++
  const m = lookup(c, pdu.messageId, pdu.sourceAddr)
  if (m === null || m.systemId !== ls.link.systemId) {
    ls.link.respond(pdu, CommandStatus.ESME_RQUERYFAIL, null)
    return
  }
  const done = m.final
  ls.link.respond(pdu, 0, {
    messageId: pdu.messageId,
    finalDate: done ? smppTime(c.epoch + m.doneAt) : '',
    messageState: done ? MESSAGE_STATE[m.stat] : 1,
    errorCode: done ? m.err & 0xff : 0
  })
}

export function handleCancel (c: SimCarrier, ls: LinkState, pdu: CancelSm): void {
  c.counters.cancels++
  const now = c.now()
  let targets: SimMessage[]
  if (pdu.messageId !== '') {
    const m = find(c, pdu.messageId, pdu.sourceAddr)
    targets = m === null || m.phase === PHASE_DONE || m.systemId !== ls.link.systemId ? [] : [m]
    if (targets.length === 1 && pdu.destinationAddr !== '' && targets[0].dest !== pdu.destinationAddr) targets = []
  } else {
    targets = pdu.sourceAddr === '' ? [] : c.table.findPending(pdu.sourceAddr, pdu.destinationAddr).filter((m) => m.systemId === ls.link.systemId)
  }
  if (targets.length === 0) {
    ls.link.respond(pdu, CommandStatus.ESME_RCANCELFAIL, null)
    return
  }
  for (const m of targets) {
    m.err = 0
    c.finish(m, S_DELETED, now)
  }
  ls.link.respond(pdu, 0, null)
}

export function handleReplace (c: SimCarrier, ls: LinkState, pdu: ReplaceSm): void {
  c.counters.replaces++
  const m = find(c, pdu.messageId, pdu.sourceAddr)
  if (m === null || m.phase === PHASE_DONE || m.systemId !== ls.link.systemId) {
    ls.link.respond(pdu, CommandStatus.ESME_RREPLACEFAIL, null)
    return
  }
  m.head = quotable(m.dataCoding) ? pdu.shortMessage.toString('latin1', 0, Math.min(20, pdu.shortMessage.length)) : ''
  m.registeredDelivery = pdu.registeredDelivery
  ls.link.respond(pdu, 0, null)
}

/** Absolute SMPP time `YYMMDDhhmmss000+` in UTC. */
export function smppTime (ms: number): string {
  const d = new Date(ms)
  const two = (n: number): string => String(n).padStart(2, '0')
  return two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) +
    two(d.getUTCMinutes()) + two(d.getUTCSeconds()) + String(Math.floor(d.getUTCMilliseconds() / 100)) + '00+'
}
