// Mobile-originated traffic from carriers to customers: which account an MO belongs to.
// - A dedicated number (a numeric sender listed by exactly one account) is that account's.
// - On any other number (a shared one), the first word of the text is an account's receive code
//   (`mo_keyword`: a numeric code or an alias of at least 5 characters, any case) …
// - … or else the handset is answering a `reply`-type message: the account that sent it the
//   latest one from this number within `router.reply_window_s` (48 h) gets it (free).
// A concatenated MO is routed once it is whole (mo-inbox.ts): its text starts with part 1's,
// whatever order the parts came in.
// Anything else is acknowledged to the carrier and counted as unrouted.
// An account with `mo_auto_reply` answers MO that reached it by its receive code or dedicated
// number (not answers to its reply messages: two auto-responders would talk forever), at most
// once per handset every 10 minutes.
// The routed MO goes to the account's receiver binds through the durable outbox, or to its
// webhook (message.inbound).

import type { InstradaConfig } from '../config/instrada.js'
import { CommandId, type DataSm, type DeliverSm } from '../smpp/pdu/types.js'
import type { MessageStore } from '../store/types.js'
import type { MoAutoReply } from './config.js'
import type { AutoReply } from './protocol.js'

export type MoRoute = 'number' | 'keyword' | 'reply'

/** At most one automatic answer per account and handset this often (ms). */
const AUTO_REPLY_EVERY_MS = 10 * 60_000
const FIRST_WORD = /^\s*([^\s.,;:!?]+)/

export class MoRouter {
  private dedicated!: Map<string, string>
  private keywords!: Map<string, string>
  private windowMs!: number
  private autoReplies!: Map<string, MoAutoReply>
  /** account/handset → when it was last answered. */
  private readonly answered = new Map<string, Stamp>()

  constructor (config: InstradaConfig, private readonly store: Pick<MessageStore, 'replyRoute'>) {
    this.reload(config)
  }

  reload (config: InstradaConfig): void {
    this.dedicated = dedicatedNumbers(config)
    this.keywords = receiveCodes(config)
    this.windowMs = config.router.replyWindowMs
    this.autoReplies = autoReplies(config)
  }

  /** The account an MO (its text, when it can be read) belongs to and why, or null (unrouted). */
  async route (from: string, to: string, text: string | null, now = Date.now()): Promise<{ account: string, via: MoRoute } | null> {
    const number = digitsOf(to)
    const owner = this.dedicated.get(number)
    if (owner !== undefined) return { account: owner, via: 'number' }
    const word = text !== null ? FIRST_WORD.exec(text)?.[1] : undefined
    const byKeyword = word !== undefined ? this.keywords.get(word.toUpperCase()) : undefined
    if (byKeyword !== undefined) return { account: byKeyword, via: 'keyword' }
    if (this.windowMs > 0) {
      const sent = await this.store.replyRoute(number, digitsOf(from), now - this.windowMs)
      if (sent !== null) return { account: sent.account, via: 'reply' }
    }
    return null
  }

  /** The automatic answer an MO routed by `via` earns, or null (none configured, or answered lately). */
  autoReply (account: string, via: MoRoute, handsetAddr: string, now = Date.now()): AutoReply | null {
    if (via !== 'keyword' && via !== 'number') return null
    const cfg = this.autoReplies.get(account)
    if (cfg === undefined) return null
    const handset = digitsOf(handsetAddr)
    const key = `${account}/${handset}`
    dropOlder(this.answered, now - AUTO_REPLY_EVERY_MS)
    if (this.answered.has(key)) return null
    this.answered.set(key, { account, at: now })
    return { account, to: handset, from: cfg.from, text: cfg.text, type: cfg.type }
  }
}

interface Stamp { account: string, at: number }

/** Entries are added in time order, so the expired ones are at the front of the Map. */
function dropOlder (m: Map<string, Stamp>, before: number): void {
  for (const [k, v] of m) {
    if (v.at >= before) return
    m.delete(k)
  }
}

function autoReplies (config: InstradaConfig): Map<string, MoAutoReply> {
  const m = new Map<string, MoAutoReply>()
  for (const a of config.accounts) if (a.limits.moAutoReply !== null) m.set(a.id, a.limits.moAutoReply)
  return m
}

/** Receive code (upper case) → account. */
function receiveCodes (config: InstradaConfig): Map<string, string> {
  const m = new Map<string, string>()
  for (const a of config.accounts) if (a.limits.moKeyword !== null) m.set(a.limits.moKeyword, a.id)
  return m
}

/** Number (international digits) → the one account that owns it. */
export function dedicatedNumbers (config: InstradaConfig): Map<string, string> {
  const owners = new Map<string, Set<string>>()
  for (const a of config.accounts) {
    for (const s of a.rules.senders ?? []) {
      if (s.kind !== 'numeric') continue
      let set = owners.get(s.addr)
      if (set === undefined) { set = new Set(); owners.set(s.addr, set) }
      set.add(a.id)
    }
  }
  const out = new Map<string, string>()
  for (const [addr, set] of owners) if (set.size === 1) out.set(addr, [...set][0])
  return out
}

/** The MO as the customer receives it: a deliver_sm with the handset's text, bytes copied. */
export function customerMo (pdu: DeliverSm | DataSm): DeliverSm {
  const isData = pdu.commandId === CommandId.DataSm
  return {
    commandId: CommandId.DeliverSm,
    commandStatus: 0,
    sequenceNumber: 0,
    serviceType: pdu.serviceType,
    sourceAddrTon: pdu.sourceAddrTon,
    sourceAddrNpi: pdu.sourceAddrNpi,
    sourceAddr: pdu.sourceAddr,
    destAddrTon: pdu.destAddrTon,
    destAddrNpi: pdu.destAddrNpi,
    destinationAddr: pdu.destinationAddr,
    // Only the UDH indicator travels on: the carrier's other esm_class bits describe its link.
    esmClass: pdu.esmClass & 0x40,
    protocolId: isData ? 0 : (pdu as DeliverSm).protocolId,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding: pdu.dataCoding,
    smDefaultMsgId: 0,
    // Copied: the decoded Buffer is a view of the carrier's socket read.
    shortMessage: isData ? Buffer.alloc(0) : Buffer.from((pdu as DeliverSm).shortMessage),
    tlvs: moTlvs(pdu)
  }
}

/** The TLVs an MO keeps on its way to the customer: its payload and its SAR numbering (without them a SAR part can't be put back together). */
function moTlvs (pdu: DeliverSm | DataSm): DeliverSm['tlvs'] {
  const t = pdu.tlvs
  if (t == null) return null
  const out: NonNullable<DeliverSm['tlvs']> = {}
  if (t.messagePayload !== undefined) out.messagePayload = Buffer.from(t.messagePayload)
  if (t.sarMsgRefNum !== undefined && t.sarTotalSegments !== undefined && t.sarSegmentSeqnum !== undefined) {
    out.sarMsgRefNum = t.sarMsgRefNum
    out.sarTotalSegments = t.sarTotalSegments
    out.sarSegmentSeqnum = t.sarSegmentSeqnum
  }
  return Object.keys(out).length > 0 ? out : null
}

/** International digits of an address as carriers send it ('+39…', '0039…' or '39…'). */
export function digitsOf (addr: string): string {
  return addr.replace(/^\+/, '').replace(/^00/, '')
}
