// The archive: GET /v1/messages (search by time range, status, recipient and text, newest
// first, paginated by an opaque cursor) and GET /v1/messages.csv (the same search streamed as
// CSV). Both read the store's per-account-by-time index page by page and look at no more than
// MAX_SCAN records per request: a search that matches rarely over a long range answers with what
// it found and a cursor to continue, instead of holding the main thread.

import { Alphabet, alphabetOf, decodeText, Violation } from '../../rules/index.js'
import type { AccountRuntime, Intake } from '../../router/intake.js'
import type { MessageRecord, MessageStore } from '../../store/index.js'
import { ApiError, badField } from '../errors.js'
import type { Reply, Request, Route } from '../server.js'
import { credits, MESSAGE_STATUSES, messageStatus, messageView, type MessageStatus } from '../status.js'
import { parseIsoTime } from '../validate.js'
import { accountOf } from './messages.js'

/** Records looked at per request, matched or not. */
export const MAX_SCAN = 50_000
export const MAX_LIMIT = 1000
export const DEFAULT_LIMIT = 100
export const CSV_MAX_LIMIT = 50_000
export const CSV_DEFAULT_LIMIT = 10_000
const PAGE = 1000
const MAX_TEXT = 1000

export interface SearchDeps {
  intake: Intake
  store: MessageStore
}

export interface Filters {
  /** Epoch ms; created_at ≥ from. */
  from?: number
  /** Epoch ms; created_at < to. */
  to?: number
  statuses: Set<MessageStatus> | null
  /** The normalised destination. */
  recipient: string | null
  /** Lower-cased substring of the decoded text. */
  text: string | null
  limit: number
  /** The id the previous page stopped at (exclusive). */
  after?: string
}

export function searchRoutes (deps: SearchDeps): Route[] {
  return [
    { method: 'GET', path: '/v1/messages', auth: 'account', handle: async (req) => await list(deps, req) },
    { method: 'GET', path: '/v1/messages.csv', auth: 'account', handle: async (req) => csv(deps, req) }
  ]
}

const PARAMS = ['from', 'to', 'status', 'recipient', 'text', 'limit', 'cursor']

/** The query's filters, or the first problem naming the parameter. */
export function parseFilters (account: AccountRuntime, q: URLSearchParams, maxLimit: number, defaultLimit: number): Filters | ApiError {
  for (const k of new Set(q.keys())) {
    if (!PARAMS.includes(k)) return badField(k, 'UNKNOWN_FIELD', `unknown parameter '${k}' (allowed: ${PARAMS.join(', ')})`)
    if (q.getAll(k).length > 1) return badField(k, 'NOT_ALLOWED', `'${k}' may be given once`)
  }
  const range = parseRange(q)
  if (range instanceof ApiError) return range
  const f: Filters = { ...range, statuses: null, recipient: null, text: null, limit: defaultLimit }
  const status = q.get('status')
  if (status !== null) {
    f.statuses = new Set()
    for (const s of status.split(',')) {
      const w = s.trim()
      if (!(MESSAGE_STATUSES as readonly string[]).includes(w)) return badField('status', 'NOT_ALLOWED', `'status' must be a comma-separated list of ${MESSAGE_STATUSES.join(', ')} (got '${w}')`)
      f.statuses.add(w as MessageStatus)
    }
  }
  const recipient = q.get('recipient')
  if (recipient !== null) {
    // Normalised as a submission's `to` is, so '+39 347…' finds '39347…'.
    const dest = account.policy.checkDestination(recipient, -1)
    if (dest instanceof Violation) return badField('recipient', dest.reason, dest.message)
    f.recipient = dest.digits
  }
  const text = q.get('text')
  if (text !== null) {
    if (text.length === 0 || text.length > MAX_TEXT) return badField('text', 'OUT_OF_RANGE', `'text' must be 1 to ${MAX_TEXT} characters`)
    f.text = text.toLowerCase()
  }
  const limit = q.get('limit')
  if (limit !== null) {
    if (!/^\d{1,9}$/.test(limit)) return badField('limit', 'WRONG_TYPE', "'limit' must be an integer")
    const n = Number(limit)
    if (n < 1 || n > maxLimit) return badField('limit', 'OUT_OF_RANGE', `'limit' must be between 1 and ${maxLimit}`)
    f.limit = n
  }
  const cursor = q.get('cursor')
  if (cursor !== null) {
    const id = Buffer.from(cursor, 'base64url').toString('latin1')
    if (!/^[0-9a-f]{16}$/.test(id)) return badField('cursor', 'BAD_FORMAT', "'cursor' must be the 'next' value of a previous answer")
    f.after = id
  }
  return f
}

/** `from` and `to` (ISO 8601 with a zone), checked and in order. */
export function parseRange (q: URLSearchParams): { from?: number, to?: number } | ApiError {
  const out: { from?: number, to?: number } = {}
  for (const name of ['from', 'to'] as const) {
    const v = q.get(name)
    if (v === null) continue
    const t = parseIsoTime(v)
    if (t === null) return badField(name, 'BAD_FORMAT', `'${name}' must be an ISO 8601 time with a zone, e.g. 2026-11-23T00:00:00Z`)
    out[name] = t
  }
  if (out.from !== undefined && out.to !== undefined && out.from >= out.to) return badField('to', 'OUT_OF_RANGE', "'to' must be after 'from'")
  return out
}

/** Where a scan stopped: `next` is the cursor to continue from, null at the end. */
export interface ScanState { scanned: number, next: string | null }

/**
 * The account's records in the range, newest first, that match the filters; stops after
 * `limit` matches or MAX_SCAN records looked at, leaving the cursor in `state.next`.
 */
export async function * scan (store: MessageStore, account: string, f: Filters, state: ScanState, maxScan = MAX_SCAN): AsyncGenerator<MessageRecord> {
  let after = f.after
  let matched = 0
  for (;;) {
    const page = await store.list(account, { since: f.from, until: f.to, after, reverse: true, limit: PAGE })
    for (const rec of page.items) {
      state.scanned++
      if (matches(rec, f)) {
        matched++
        yield rec
        if (matched >= f.limit) { state.next = rec.id; return }
      }
      if (state.scanned >= maxScan) { state.next = rec.id; return }
    }
    if (page.next === null) { state.next = null; return }
    after = page.next
  }
}

function matches (rec: MessageRecord, f: Filters): boolean {
  if (f.recipient !== null && rec.destination !== f.recipient) return false
  if (f.statuses !== null && !f.statuses.has(messageStatus(rec))) return false
  if (f.text !== null) {
    const text = messageText(rec)
    if (text === null || !text.toLowerCase().includes(f.text)) return false
  }
  return true
}

/** The text of a stored message, its parts decoded by data_coding and joined; null for binary. */
export function messageText (rec: MessageRecord): string | null {
  const alphabet = alphabetOf(rec.dataCoding)
  if (alphabet === Alphabet.BINARY || alphabet === Alphabet.UNSUPPORTED) return null
  let out = ''
  for (const p of rec.parts) {
    const b = p.payload
    // A customer's own UDH stays in the payload; the text starts after it.
    const from = (rec.esmClass & 0x40) !== 0 && b.length > 0 ? b[0] + 1 : 0
    const t = decodeText(b, Math.min(from, b.length), b.length, alphabet)
    if (t === null) return null
    out += t
  }
  return out
}

export function encodeCursor (id: string | null): string | null {
  return id === null ? null : Buffer.from(id, 'latin1').toString('base64url')
}

async function list (deps: SearchDeps, req: Request): Promise<Reply | ApiError> {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  const f = parseFilters(account, req.query, MAX_LIMIT, DEFAULT_LIMIT)
  if (f instanceof ApiError) return f
  const state: ScanState = { scanned: 0, next: null }
  const messages: Array<Record<string, unknown>> = []
  for await (const rec of scan(deps.store, account.id, f, state)) messages.push(messageView(rec))
  return { status: 200, body: { messages, next: encodeCursor(state.next), scanned: state.scanned } }
}

export const CSV_COLUMNS = ['id', 'created_at', 'to', 'from', 'type', 'parts', 'status', 'cost', 'reference', 'text', 'done_at']

function csv (deps: SearchDeps, req: Request): Reply | ApiError {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  const f = parseFilters(account, req.query, CSV_MAX_LIMIT, CSV_DEFAULT_LIMIT)
  if (f instanceof ApiError) return f
  const state: ScanState = { scanned: 0, next: null }
  return {
    status: 200,
    contentType: 'text/csv; charset=utf-8',
    headers: { trailer: 'Next-Cursor', 'content-disposition': 'attachment; filename="messages.csv"' },
    stream: csvRows(scan(deps.store, account.id, f, state)),
    trailers: () => ({ 'Next-Cursor': encodeCursor(state.next) ?? '' })
  }
}

/** RFC 4180: CRLF line ends; a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField (v: string | number | null): string {
  if (v === null) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

async function * csvRows (records: AsyncIterable<MessageRecord>): AsyncGenerator<string> {
  let chunk = CSV_COLUMNS.join(',') + '\r\n'
  for await (const rec of records) {
    const row = [
      rec.id, iso(rec.receivedAt), rec.destination, rec.sender, rec.type, rec.parts.length, messageStatus(rec),
      credits(rec.cost), rec.reference, messageText(rec), iso(rec.finishedAt)
    ]
    chunk += row.map(csvField).join(',') + '\r\n'
    if (chunk.length >= 65_536) { yield chunk; chunk = '' }
  }
  yield chunk
}

function iso (ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}
