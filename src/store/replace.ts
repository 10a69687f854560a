// replace_sm for a message none of whose parts reached a carrier: new part bodies (the same
// number of parts, so the credit reserved still fits), and optionally a new schedule, validity
// and registered_delivery. Checked and written in one transaction, so a part can't be handed
// over between the check and the change.

import type { Key } from './schema.js'
import { FLAG_RECEIPT, readMessage, writeMessage } from './codec.js'
import { dropDue, type ApplyContext } from './apply.js'

export interface ReplaceRequest {
  payloads: Uint8Array[]
  /** undefined = keep; null = send now. */
  scheduledAt?: number | null
  validUntil?: number | null
  registeredDelivery?: number
}

export type ReplaceOutcome = 'ok' | 'not_found' | 'handed_over' | 'parts_differ'

export function applyReplace (ctx: ApplyContext, account: string, id: string, r: ReplaceRequest): ReplaceOutcome {
  const { dbs } = ctx
  const l = ctx.state(account, id)
  if (l === undefined) return 'not_found'
  const row = l.row
  for (const p of row.st) if (p.st !== 'queued' || p.chg !== 0) return 'handed_over'
  if (r.payloads.length !== row.st.length) return 'parts_differ'
  const key: Key = [account, id]
  const mbuf = dbs.messages.getBinaryFast(key)
  if (mbuf === undefined) return 'not_found'
  const m = readMessage(ctx.r.on(mbuf))
  m.p = r.payloads
  if (r.scheduledAt !== undefined) m.sch = r.scheduledAt
  if (r.validUntil !== undefined) m.vu = r.validUntil
  if (r.registeredDelivery !== undefined) m.rd = r.registeredDelivery
  dbs.messages.put(key, writeMessage(ctx.w, m))
  row.sch = m.sch
  row.vu = m.vu
  row.flags = m.origin.kind === 'smpp' && (m.rd & 3) !== 0 ? (row.flags | FLAG_RECEIPT) : (row.flags & ~FLAG_RECEIPT)
  if (r.scheduledAt !== undefined) {
    for (let i = 0; i < row.st.length; i++) {
      const p = row.st[i]
      dropDue(dbs, account, id, i, p)
      if (m.sch !== null) {
        p.due = m.sch
        dbs.due.put([p.due, account, id, i], null)
      }
    }
  }
  ctx.touch(l)
  return 'ok'
}
