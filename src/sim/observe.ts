// What the control endpoint shows: the last N messages (MT as submitted, MO as sent) kept as
// references in a ring (the text is decoded only when someone asks), with concatenated parts
// reassembled at read time; and plain-number counters that prom-client reads at scrape time.

import { type DataSm, type DeliverSm, type SubmitMulti, type SubmitSm, statusName } from '../smpp/index.js'
import { decodeSm, type PartInfo } from './text.js'
import { STATS } from './outcomes.js'

type Recorded = SubmitSm | SubmitMulti | DataSm | DeliverSm

export interface RecentView {
  at: string
  direction: 'mt' | 'mo'
  systemId: string
  id: string | null
  status: string
  from: string
  to: string
  text: string
  part: (PartInfo & { via: string }) | null
}

export interface AssembledView {
  direction: 'mt' | 'mo'
  systemId: string
  from: string
  to: string
  ref: number
  total: number
  received: number
  complete: boolean
  text: string
  ids: Array<string | null>
}

export class RecentRing {
  readonly capacity: number
  private readonly pdus: Array<Recorded | null>
  private readonly ids: Array<string | null>
  private readonly statuses: Int32Array
  private readonly times: Float64Array
  private readonly systemIds: string[]
  private pos = 0
  private count = 0

  constructor (capacity: number) {
    this.capacity = capacity
    this.pdus = new Array<Recorded | null>(capacity).fill(null)
    this.ids = new Array<string | null>(capacity).fill(null)
    this.statuses = new Int32Array(capacity)
    this.times = new Float64Array(capacity)
    this.systemIds = new Array<string>(capacity).fill('')
  }

  record (pdu: Recorded, systemId: string, id: string | null, status: number, now: number): void {
    if (this.capacity === 0) return
    const i = this.pos
    this.pdus[i] = pdu
    this.ids[i] = id
    this.statuses[i] = status
    this.times[i] = now
    this.systemIds[i] = systemId
    this.pos = i + 1 === this.capacity ? 0 : i + 1
    if (this.count < this.capacity) this.count++
  }

  clear (): void {
    this.pdus.fill(null)
    this.ids.fill(null)
    this.pos = 0
    this.count = 0
  }

  /** Oldest first, at most `limit` of the newest. */
  view (limit = this.capacity): RecentView[] {
    const n = Math.min(limit, this.count)
    const out: RecentView[] = []
    for (let k = n; k >= 1; k--) {
      const i = (this.pos - k + this.capacity) % this.capacity
      const pdu = this.pdus[i]!
      const d = decodeSm(pdu.esmClass, pdu.dataCoding, 'shortMessage' in pdu ? pdu.shortMessage : Buffer.alloc(0), pdu.tlvs)
      const mo = pdu.commandId === 0x00000005
      out.push({
        at: new Date(this.times[i]).toISOString(),
        direction: mo ? 'mo' : 'mt',
        systemId: this.systemIds[i],
        id: this.ids[i],
        status: statusName(this.statuses[i]),
        from: pdu.sourceAddr,
        to: 'destinations' in pdu ? pdu.destinations.map((x) => (x.kind === 'sme' ? x.addr : x.name)).join(',') : pdu.destinationAddr,
        text: d.text,
        part: d.part === null ? null : { ...d.part, via: d.via ?? '' }
      })
    }
    return out
  }

  /** Concatenated messages in the ring, parts joined in order (missing parts shown as '…'). */
  assembled (limit = this.capacity): AssembledView[] {
    const groups = new Map<string, { v: AssembledView, texts: Array<string | null>, ids: Array<string | null> }>()
    for (const r of this.view(limit)) {
      if (r.part === null) continue
      const key = `${r.direction}|${r.systemId}|${r.from}|${r.to}|${r.part.via}|${r.part.ref}|${r.part.total}`
      let g = groups.get(key)
      if (g === undefined) {
        g = {
          v: { direction: r.direction, systemId: r.systemId, from: r.from, to: r.to, ref: r.part.ref, total: r.part.total, received: 0, complete: false, text: '', ids: [] },
          texts: new Array<string | null>(r.part.total).fill(null),
          ids: new Array<string | null>(r.part.total).fill(null)
        }
        groups.set(key, g)
      }
      const idx = r.part.seq - 1
      if (idx >= 0 && idx < r.part.total && g.texts[idx] === null) {
        g.texts[idx] = r.text
        g.ids[idx] = r.id
        g.v.received++
      }
    }
    return [...groups.values()].map((g) => ({
      ...g.v,
      complete: g.v.received === g.v.total,
      text: g.texts.map((t) => t ?? '…').join(''),
      ids: g.ids
    }))
  }
}

/** Carrier-wide counters (per bind counters live in LinkState). */
export class Counters {
  submits = 0
  accepted = 0
  unanswered = 0
  dropped = 0
  bindsRefused = 0
  bindsAccepted = 0
  queries = 0
  cancels = 0
  replaces = 0
  moSent = 0
  receiptsSent = 0
  duplicates = 0
  /** Submit responses by command_status. */
  readonly byStatus = new Map<number, number>()
  /** Final outcomes reached, by stat index. */
  readonly byOutcome = new Float64Array(STATS.length)

  status (s: number): void {
    this.byStatus.set(s, (this.byStatus.get(s) ?? 0) + 1)
  }

  reset (): void {
    this.submits = this.accepted = this.unanswered = this.dropped = this.bindsRefused = this.bindsAccepted = 0
    this.queries = this.cancels = this.replaces = this.moSent = this.receiptsSent = this.duplicates = 0
    this.byStatus.clear()
    this.byOutcome.fill(0)
  }

  toJSON (): Record<string, unknown> {
    const outcomes: Record<string, number> = {}
    STATS.forEach((s, i) => { if (this.byOutcome[i] > 0) outcomes[s] = this.byOutcome[i] })
    const statuses: Record<string, number> = {}
    for (const [s, n] of this.byStatus) statuses[statusName(s)] = n
    return {
      submits: this.submits,
      accepted: this.accepted,
      unanswered: this.unanswered,
      dropped: this.dropped,
      bindsAccepted: this.bindsAccepted,
      bindsRefused: this.bindsRefused,
      queries: this.queries,
      cancels: this.cancels,
      replaces: this.replaces,
      receiptsSent: this.receiptsSent,
      duplicateReceipts: this.duplicates,
      moSent: this.moSent,
      submitStatus: statuses,
      outcomes
    }
  }
}
