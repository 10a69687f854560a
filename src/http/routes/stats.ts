// GET /v1/stats: an account's messages in a time range counted by day (UTC) and type, from the
// message records themselves (no second set of counters to drift). The scan is bounded like the
// search's: past STATS_MAX_SCAN records the answer says which part of the range it covers.

import type { Intake } from '../../router/intake.js'
import type { MessageStore } from '../../store/index.js'
import { ApiError, badField } from '../errors.js'
import type { Reply, Request, Route } from '../server.js'
import { messageStatus } from '../status.js'
import { parseRange, scan, type ScanState } from './search.js'
import { accountOf } from './messages.js'

export const STATS_MAX_SCAN = 200_000
const DEFAULT_RANGE_MS = 30 * 86_400_000

export interface StatsDeps {
  intake: Intake
  store: MessageStore
}

interface Row { date: string, type: string, sent: number, delivered: number, failed: number, pending: number, parts: number, credits: number }

const FAILED = new Set(['undelivered', 'expired', 'rejected', 'failed'])

export function statsRoutes (deps: StatsDeps): Route[] {
  return [{ method: 'GET', path: '/v1/stats', auth: 'account', handle: async (req) => await stats(deps, req) }]
}

async function stats (deps: StatsDeps, req: Request): Promise<Reply | ApiError> {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  for (const k of new Set(req.query.keys())) {
    if (k !== 'from' && k !== 'to') return badField(k, 'UNKNOWN_FIELD', `unknown parameter '${k}' (allowed: from, to)`)
  }
  const range = parseRange(req.query)
  if (range instanceof ApiError) return range
  const to = range.to ?? Date.now()
  const from = range.from ?? to - DEFAULT_RANGE_MS
  if (from >= to) return badField('from', 'OUT_OF_RANGE', "'from' must be before 'to' (which defaults to now)")
  const rows = new Map<string, Row>()
  const state: ScanState = { scanned: 0, next: null }
  let oldest = to
  const filters = { from, to, statuses: null, recipient: null, text: null, limit: Number.MAX_SAFE_INTEGER }
  for await (const rec of scan(deps.store, account.id, filters, state, STATS_MAX_SCAN)) {
    oldest = rec.receivedAt
    const date = new Date(rec.receivedAt).toISOString().slice(0, 10)
    const k = `${date}\0${rec.type}`
    let row = rows.get(k)
    if (row === undefined) { row = { date, type: rec.type, sent: 0, delivered: 0, failed: 0, pending: 0, parts: 0, credits: 0 }; rows.set(k, row) }
    const status = messageStatus(rec)
    row.sent++
    if (status === 'delivered') row.delivered++
    else if (FAILED.has(status)) row.failed++
    else row.pending++
    row.parts += rec.parts.length
    for (const p of rec.parts) row.credits += p.charged
  }
  const days = [...rows.values()]
    .sort((a, b) => a.date < b.date ? -1 : a.date > b.date ? 1 : a.type < b.type ? -1 : 1)
    .map((r) => ({ ...r, credits: r.credits / 1000 }))
  const complete = state.next === null
  return {
    status: 200,
    body: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      days,
      scanned: state.scanned,
      complete,
      // When the bound was hit: the counts cover [covered_from, to); ask again with to=covered_from.
      covered_from: new Date(complete ? from : oldest).toISOString()
    }
  }
}
