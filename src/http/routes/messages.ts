// POST /v1/messages and GET /v1/messages/{id}. A submission goes through the router's own
// Intake (rules, throughput, schedule, validity, the split into parts) and EngineApi.accept
// (store, credit, routing), exactly as an SMPP submit_sm does: one implementation of the rules.

import { Violation, type SmsType } from '../../rules/index.js'
import type { AccountRuntime, BodiesMemo, BulkSubmission, Intake, Submission } from '../../router/intake.js'
import type { Msisdn } from '../../rules/numbers.js'
import { bulkMemberId } from '../../store/ids.js'
import type { EngineApi } from '../../router/protocol.js'
import { CommandStatus } from '../../smpp/pdu/status.js'
import { ApiError, badField, fromSmppStatus, fromViolation } from '../errors.js'
import { IdempotencyCache, type StoredAnswer } from '../idempotency.js'
import type { Reply, Request, Route } from '../server.js'
import { credits, messageView } from '../status.js'
import { parseIsoTime, validate, type Schema } from '../validate.js'

export const MAX_RECIPIENTS = 10_000
const MAX_VALIDITY_S = 30 * 86_400
const MAX_URL = 2048
const MAX_BLOCK_INTERVAL_S = 86_400

export const SUBMIT_SCHEMA: Schema = {
  to: { kind: 'string|strings', required: true, max: MAX_RECIPIENTS, maxLength: 32 },
  from: { kind: 'string', max: 32 },
  text: { kind: 'string', required: true },
  type: { kind: 'string', values: ['smart', 'pro', 'reply'] },
  scheduled_at: { kind: 'string', max: 40 },
  validity: { kind: 'integer|string', min: 1, max: MAX_VALIDITY_S, maxLength: 40 },
  reference: { kind: 'string', max: 64 },
  variables: { kind: 'object' },
  encoding: { kind: 'string', values: ['auto', 'gsm7', 'ucs2'] },
  callback_url: { kind: 'string', max: MAX_URL },
  blocks: { kind: 'object' }
}

const BLOCKS_SCHEMA: Schema = {
  size: { kind: 'integer', required: true, min: 1, max: MAX_RECIPIENTS },
  interval_s: { kind: 'integer', required: true, min: 1, max: MAX_BLOCK_INTERVAL_S }
}

type Encoding = 'auto' | 'gsm7' | 'ucs2'
type Variables = Record<string, Record<string, string | number>>

export interface MessagesDeps {
  intake: Intake
  engines: EngineApi
  idempotency: IdempotencyCache
}

const ID = /^[0-9a-f]{16}$/
const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g

export function messageRoutes (deps: MessagesDeps): Route[] {
  return [
    { method: 'POST', path: '/v1/messages', auth: 'account', handle: async (req) => await submit(deps, req) },
    { method: 'GET', path: '/v1/messages/{id}', auth: 'account', handle: async (req) => await getMessage(deps, req) }
  ]
}

/** The account a request speaks for; a key of a removed account is refused like a wrong one. */
export function accountOf (intake: Intake, req: Request): AccountRuntime | ApiError {
  const p = req.principal
  const a = p !== null && p.kind === 'account' ? intake.account(p.account) : null
  return a ?? new ApiError(401, 'unauthorized', 'Authorization', 'WRONG_KEY', 'the API key is not valid')
}

async function getMessage (deps: MessagesDeps, req: Request): Promise<Reply | ApiError> {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  const id = req.params.id
  const rec = ID.test(id) ? await deps.engines.get({ account: account.id, messageId: id }) : null
  if (rec === null) return new ApiError(404, 'not_found', 'id', 'UNKNOWN_MESSAGE', `no message ${id} in this account`)
  return { status: 200, body: messageView(rec) }
}

async function submit (deps: MessagesDeps, req: Request): Promise<Reply | ApiError> {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  const body = validate(req.body, SUBMIT_SCHEMA)
  if (body instanceof ApiError) return body
  const key = req.headers['idempotency-key']
  if (key === undefined) return await accept(deps, account, body)
  if (typeof key !== 'string' || key.length === 0 || key.length > 255) return badField('Idempotency-Key', 'OUT_OF_RANGE', 'Idempotency-Key must be 1 to 255 characters')
  const fp = IdempotencyCache.fingerprint(req.method, req.path, req.raw)
  const r = await deps.idempotency.begin(account.id, key, fp, Date.now(), async () => await accept(deps, account, body).then(asAnswer))
  if (r.kind === 'conflict') return new ApiError(409, 'conflict', 'Idempotency-Key', 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request')
  if (r.kind === 'in_progress') return new ApiError(409, 'conflict', 'Idempotency-Key', 'IDEMPOTENCY_KEY_IN_PROGRESS', 'a request with this Idempotency-Key is still running (in another process); retry shortly')
  const answer = r.answer
  if (answer.body instanceof ApiError) return answer.body
  return { status: answer.status, body: answer.body, headers: r.kind === 'replay' ? { 'idempotent-replayed': 'true' } : undefined }
}

function asAnswer (r: Reply | ApiError): StoredAnswer {
  return r instanceof ApiError ? { status: r.status, body: r } : { status: r.status, body: r.body }
}

interface Entry { to: string, result: Promise<Record<string, unknown>> | ApiError }

async function accept (deps: MessagesDeps, account: AccountRuntime, body: Record<string, unknown>): Promise<Reply | ApiError> {
  const now = Date.now()
  const to = typeof body.to === 'string' ? [body.to] : body.to as string[]
  const text = body.text as string
  const type = (body.type as SmsType | undefined) ?? null
  const encoding = (body.encoding as Encoding | undefined) ?? 'auto'
  const schedule = timeOf(body.scheduled_at, 'scheduled_at', now)
  if (schedule instanceof ApiError) return schedule
  const validity = timeOf(body.validity, 'validity', now)
  if (validity instanceof ApiError) return validity
  const variables = variablesOf(body.variables, to)
  if (variables instanceof ApiError) return variables
  const callbackUrl = callbackOf(body.callback_url)
  if (callbackUrl instanceof ApiError) return callbackUrl
  if (callbackUrl !== null && account.config.webhook === null) return NO_WEBHOOK_SECRET('callback_url')
  const blocks = blocksOf(body.blocks)
  if (blocks instanceof ApiError) return blocks
  const origin = { kind: 'http' } as const
  if (variables === null && blocks === null && schedule === null && to.length > 1) {
    return await acceptBulk(deps, account, {
      origin,
      type,
      from: (body.from as string | undefined) ?? '',
      fromTon: -1,
      content: text,
      encoding,
      reference: (body.reference as string | undefined) ?? null,
      registeredDelivery: 1,
      protocolId: 0,
      priorityFlag: 0,
      validity,
      callbackUrl
    }, to, now)
  }
  const entries: Entry[] = []
  const memo: BodiesMemo = new Map()
  const recipients = distinct(account, to)
  for (let n = 0; n < recipients.length; n++) {
    const raw = recipients[n].raw
    // Blocks: the first `size` distinct recipients go at the schedule, each next block `interval` later.
    const block = blocks === null ? 0 : Math.floor(n / blocks.size)
    const at = blocks === null || block === 0 ? schedule : (schedule ?? now) + block * blocks.intervalMs
    const content = variables === null ? text : render(text, variables[raw], raw)
    if (content instanceof ApiError) { entries.push({ to: raw, result: content }); continue }
    const s: Submission = {
      origin,
      type,
      from: (body.from as string | undefined) ?? '',
      fromTon: -1,
      to: raw,
      toTon: -1,
      content,
      encoding,
      reference: (body.reference as string | undefined) ?? null,
      registeredDelivery: 1,
      protocolId: 0,
      priorityFlag: 0,
      schedule: at,
      validity
    }
    const r = deps.intake.prepare(account, s, now, memo)
    if (!r.ok) { entries.push({ to: raw, result: r.violation !== null ? fromViolation(r.violation) : fromSmppStatus(r.status, r.reason) }); continue }
    const job = r.job
    job.callbackUrl = callbackUrl
    const info = { to: job.destination, parts: r.parts, encoding: r.accepted.message.encoding, scheduled_at: job.scheduledAt === null ? null : new Date(job.scheduledAt).toISOString() }
    entries.push({
      to: raw,
      result: deps.engines.accept(job).then((reply) => {
        if (reply.status !== CommandStatus.ESME_ROK || reply.id === null) return { to: info.to, error: fromSmppStatus(reply.status, refusalText(reply.status)) }
        return { id: reply.id, ...info, cost: reply.cost === undefined ? null : credits(reply.cost), status: 'queued' }
      })
    })
  }
  const messages = await Promise.all(entries.map(async (e) => e.result instanceof ApiError ? { to: e.to, error: e.result } : await e.result))
  if (messages.every((m) => m.error !== undefined)) return messages[0].error as ApiError
  return { status: 202, body: { messages } }
}

/**
 * Recipients of one text with nothing per recipient (no variables, schedule or blocks): stored
 * as bulks (one row and one credit hold per chunk, store BulkRequest) rather than a message
 * each; the answer is the same, recipient by recipient.
 */
async function acceptBulk (deps: MessagesDeps, account: AccountRuntime, s: BulkSubmission & { callbackUrl: string | null }, to: string[], now: number): Promise<Reply | ApiError> {
  const messages: Array<Record<string, unknown>> = []
  const dests: Msisdn[] = []
  const slots: number[] = []
  for (const { raw, dest } of distinct(account, to)) {
    if (dest instanceof Violation) { messages.push({ to: raw, error: fromViolation(dest) }); continue }
    slots.push(messages.length)
    messages.push({ to: raw })
    dests.push(dest)
  }
  const prep = deps.intake.prepareBulk(account, s, dests, now)
  for (let i = 0; i < dests.length; i++) {
    const r = prep.refused[i]
    if (r !== null) messages[slots[i]].error = r.violation !== null ? fromViolation(r.violation) : fromSmppStatus(r.status, r.reason)
  }
  const replies = await Promise.all(prep.jobs.map(async (g) => {
    g.job.callbackUrl = s.callbackUrl
    return await deps.engines.acceptBulk(g.job)
  }))
  for (let j = 0; j < replies.length; j++) {
    const { recipients } = prep.jobs[j]
    const reply = replies[j]
    for (let m = 0; m < recipients.length; m++) {
      const i = recipients[m]
      const st = reply.statuses[m]
      messages[slots[i]] = st !== CommandStatus.ESME_ROK || reply.id === null
        ? { to: dests[i].digits, error: fromSmppStatus(st, refusalText(st)) }
        : { id: bulkMemberId(reply.id, m), to: dests[i].digits, parts: prep.parts, encoding: prep.encoding, scheduled_at: null, cost: credits(reply.costs[m]), status: 'queued' }
    }
  }
  if (messages.every((m) => m.error !== undefined)) return messages[0].error as ApiError
  return { status: 202, body: { messages } }
}

/** The recipients once each, in order: duplicates are found on the normalised number ('+39 347…' and '39347…' are one). */
function distinct (account: AccountRuntime, to: string[]): Array<{ raw: string, dest: Msisdn | Violation }> {
  const out: Array<{ raw: string, dest: Msisdn | Violation }> = []
  const seen = new Set<string>()
  for (const raw of to) {
    const dest = account.policy.checkDestination(raw, -1)
    const k = dest instanceof Violation ? raw : dest.digits
    if (seen.has(k)) continue
    seen.add(k)
    out.push({ raw, dest })
  }
  return out
}

function refusalText (status: number): string {
  switch (status) {
    case CommandStatus.INSTRADA_RNOCREDIT: return 'not enough credit for this message'
    case CommandStatus.ESME_RMSGQFUL: return 'too many messages waiting to be sent; try again later'
    default: return 'the message could not be accepted'
  }
}

/** Epoch ms from an ISO time, or (validity only) seconds from now; null when not given. */
function timeOf (v: unknown, field: string, now: number): number | null | ApiError {
  if (v === undefined || v === null) return null
  if (typeof v === 'number') return now + v * 1000
  const t = parseIsoTime(v as string)
  if (t === null) return badField(field, 'BAD_FORMAT', `'${field}' must be an ISO 8601 time with a zone, e.g. 2026-11-23T18:00:00Z${field === 'validity' ? ', or seconds' : ''}`)
  return t
}

/** An absolute http(s) URL for the message's webhooks, or null when not given. */
/** A callback needs the account's signing secret: without one it could never be sent. */
export function NO_WEBHOOK_SECRET (field: string): ApiError {
  return new ApiError(400, 'invalid_request', field, 'NO_WEBHOOK_SECRET', `${field} needs a webhook secret for this account (account config 'webhook: { secret }'); ask the operator`)
}

export function callbackOf (v: unknown, field = 'callback_url'): string | null | ApiError {
  if (v === undefined || v === null) return null
  let url: URL
  try { url = new URL(v as string) } catch { return badField(field, 'BAD_FORMAT', `'${field}' must be an absolute http or https URL`) }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return badField(field, 'BAD_FORMAT', `'${field}' must use http or https (got ${url.protocol})`)
  if ((v as string).length > MAX_URL) return badField(field, 'OUT_OF_RANGE', `'${field}' must be at most ${MAX_URL} characters`)
  return v as string
}

function blocksOf (v: unknown): { size: number, intervalMs: number } | null | ApiError {
  if (v === undefined || v === null) return null
  const b = validate(v, BLOCKS_SCHEMA)
  if (b instanceof ApiError) {
    const field = b.field === null ? 'blocks' : `blocks.${b.field}`
    return badField(field, b.reason, b.message.replace(`'${b.field ?? ''}'`, `'${field}'`))
  }
  return { size: b.size as number, intervalMs: (b.interval_s as number) * 1000 }
}

function variablesOf (v: unknown, to: string[]): Variables | null | ApiError {
  if (v === undefined || v === null) return null
  const recipients = new Set(to)
  const out: Variables = {}
  for (const [k, vals] of Object.entries(v as Record<string, unknown>)) {
    if (!recipients.has(k)) return badField(`variables.${k}`, 'UNKNOWN_RECIPIENT', `'variables' has values for '${k}', which is not in 'to'`)
    if (vals === null || typeof vals !== 'object' || Array.isArray(vals)) return badField(`variables.${k}`, 'WRONG_TYPE', `'variables.${k}' must be an object of names to values`)
    for (const [name, x] of Object.entries(vals as Record<string, unknown>)) {
      if (typeof x !== 'string' && typeof x !== 'number') return badField(`variables.${k}.${name}`, 'WRONG_TYPE', `'variables.${k}.${name}' must be a string or a number`)
    }
    out[k] = vals as Record<string, string | number>
  }
  return out
}

/** The text with `{name}` replaced by the recipient's value; a placeholder with no value refuses the recipient. */
function render (text: string, vals: Record<string, string | number> | undefined, to: string): string | ApiError {
  let missing: string | null = null
  const out = text.replace(PLACEHOLDER, (m, name: string) => {
    if (vals === undefined || !Object.hasOwn(vals, name)) { missing ??= name; return m }
    return String(vals[name])
  })
  if (missing !== null) return badField(`variables.${to}.${missing as string}`, 'MISSING_VARIABLE', `no value for {${missing as string}} for recipient '${to}'`)
  return out
}

