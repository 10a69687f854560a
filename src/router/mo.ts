// Mobile-originated traffic from carriers to customers: which account an MO belongs to.
// - A dedicated number (a numeric sender listed by exactly one account) is that account's.
// - On any other number (a shared one), the first word of the text is an account's receive code
//   (`mo_keyword`: a numeric code or an alias of at least 5 characters, any case) …
// - … or else the handset is answering a `reply`-type message: the account that sent it the
//   latest one from this number within `router.reply_window_s` (48 h) gets it (free).
// - Parts 2…n of a concatenated MO carry no keyword: they follow the route part 1 took.
// Anything else is acknowledged to the carrier and counted as unrouted.
// An account with `mo_auto_reply` answers MO that reached it by its receive code or dedicated
// number (not answers to its reply messages: two auto-responders would talk forever), at most
// once per handset every 10 minutes.
// The routed MO goes to the account's receiver binds through the durable outbox, or to its
// webhook (message.inbound).

import type { InstradaConfig } from '../config/instrada.js'
import { CommandId, type DataSm, type DeliverSm } from '../smpp/pdu/types.js'
import type { MessageStore } from '../store/types.js'
import { moContent } from '../webhooks/index.js'
import type { MoAutoReply } from './config.js'
import type { AutoReply } from './protocol.js'

export type MoRoute = 'number' | 'keyword' | 'reply' | 'concat'

/** How long a concatenated MO's later parts follow the route of its first (ms). */
const CONCAT_TTL_MS = 10 * 60_000
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
  /** from/to/ref → the account part 1 went to, for the parts after it. */
  private readonly concat = new Map<string, Stamp>()

  constructor (config: InstradaConfig, private readonly store: Pick<MessageStore, 'replyRoute'>) {
    this.reload(config)
  }

  reload (config: InstradaConfig): void {
    this.dedicated = dedicatedNumbers(config)
    this.keywords = receiveCodes(config)
    this.windowMs = config.router.replyWindowMs
    this.autoReplies = autoReplies(config)
  }

  /** The account an MO belongs to and why, or null (unrouted). */
  async route (pdu: DeliverSm | DataSm, now = Date.now()): Promise<{ account: string, via: MoRoute } | null> {
    const to = digitsOf(pdu.destinationAddr)
    const owner = this.dedicated.get(to)
    if (owner !== undefined) return { account: owner, via: 'number' }
    const handset = digitsOf(pdu.sourceAddr)
    const { text, concat } = moContent(pdu)
    const partKey = concat !== null ? `${handset}/${to}/${concat.ref}` : null
    if (concat !== null && concat.seq > 1) {
      const first = this.concat.get(partKey!)
      if (first !== undefined && now - first.at < CONCAT_TTL_MS) return { account: first.account, via: 'concat' }
    }
    let found: { account: string, via: MoRoute } | null = null
    const word = text !== null ? FIRST_WORD.exec(text)?.[1] : undefined
    const byKeyword = word !== undefined ? this.keywords.get(word.toUpperCase()) : undefined
    if (byKeyword !== undefined) found = { account: byKeyword, via: 'keyword' }
    else if (this.windowMs > 0) {
      const sent = await this.store.replyRoute(to, handset, now - this.windowMs)
      if (sent !== null) found = { account: sent.account, via: 'reply' }
    }
    if (found !== null && partKey !== null && concat!.seq === 1) this.remember(partKey, found.account, now)
    return found
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

  private remember (key: string, account: string, now: number): void {
    dropOlder(this.concat, now - CONCAT_TTL_MS)
    this.concat.delete(key) // a reused reference goes to the back, keeping the Map in time order
    this.concat.set(key, { account, at: now })
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
  const payload = pdu.tlvs?.messagePayload
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
    tlvs: payload !== undefined ? { messagePayload: Buffer.from(payload) } : null
  }
}

/** International digits of an address as carriers send it ('+39…', '0039…' or '39…'). */
export function digitsOf (addr: string): string {
  return addr.replace(/^\+/, '').replace(/^00/, '')
}
