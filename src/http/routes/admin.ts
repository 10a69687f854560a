// /v1/admin/…: accounts (create, update, suspend, API keys), credit (top-up, transfer, adjust,
// ledger listing, reconcile), sender approval and the config reload. Admin key only. Account
// changes go through src/admin (an overlay on the config file, checked by the file's parsers);
// credit goes straight to the node's ledger.

import { AdminProblem, credits, keyIdOf, milliCredits, type AdminAccounts, type AccountSource } from '../../admin/index.js'
import type { AccountConfig } from '../../config/instrada.js'
import { ConfigError } from '../../errors.js'
import type { AccountBalance, Ledger, LedgerEntry, MoveResult } from '../../ledger/types.js'
import type { SenderEntry, SenderState } from '../../rules/index.js'
import { ApiError, badField } from '../errors.js'
import type { Reply, Request, Route } from '../server.js'
import { validate, type Schema } from '../validate.js'

export interface AdminRouteDeps {
  accounts: AdminAccounts
  ledger: Ledger
  /** Re-reads the config file (routes, carriers, accounts), keeping the admin overlay. */
  reload: () => Promise<void>
}

// `amount` is credits as a JSON number or a decimal string; numbers are checked as their text.
const MOVE_SCHEMA: Schema = { amount: { kind: 'string', required: true, max: 20 }, note: { kind: 'string', max: 200 } }
const TRANSFER_SCHEMA: Schema = { from: { kind: 'string', required: true, max: 15 }, to: { kind: 'string', required: true, max: 15 }, ...MOVE_SCHEMA }
const ADJUST_SCHEMA: Schema = { amount: MOVE_SCHEMA.amount, note: { kind: 'string', required: true, min: 1, max: 200 } }
const SENDER_ACTIONS: Record<string, SenderState> = { approve: 'active', reject: 'rejected', suspend: 'suspended' }

export function adminRoutes (deps: AdminRouteDeps): Route[] {
  const a = deps.accounts
  const route = (method: Route['method'], path: string, handle: (req: Request) => Promise<Reply | ApiError>): Route => ({ method, path, auth: 'admin', handle })
  return [
    route('GET', '/v1/admin/accounts', async () => ({ status: 200, body: { accounts: await Promise.all(a.list().map(async (c) => await view(deps, c))) } })),
    route('POST', '/v1/admin/accounts', async (req) => {
      const body = mapping(req.body)
      if (body instanceof ApiError) return body
      return await answer(deps, await a.create(body), 201)
    }),
    route('GET', '/v1/admin/accounts/{id}', async (req) => {
      const c = a.get(req.params.id)
      return c === null ? unknownAccount(req.params.id) : { status: 200, body: await view(deps, c) }
    }),
    route('PATCH', '/v1/admin/accounts/{id}', async (req) => {
      const body = mapping(req.body)
      if (body instanceof ApiError) return body
      return await answer(deps, await a.update(req.params.id, body))
    }),
    route('POST', '/v1/admin/accounts/{id}/suspend', async (req) => await answer(deps, await a.setSuspended(req.params.id, true))),
    route('POST', '/v1/admin/accounts/{id}/resume', async (req) => await answer(deps, await a.setSuspended(req.params.id, false))),
    route('POST', '/v1/admin/accounts/{id}/keys', async (req) => {
      const r = await a.addKey(req.params.id)
      if (r instanceof AdminProblem) return fromProblem(r)
      return { status: 201, body: { account: req.params.id, id: r.keyId, key: r.key } }
    }),
    route('DELETE', '/v1/admin/accounts/{id}/keys/{keyId}', async (req) => {
      const r = await a.revokeKey(req.params.id, req.params.keyId)
      if (r instanceof AdminProblem) return fromProblem(r)
      return { status: 200, body: { account: req.params.id, revoked: req.params.keyId } }
    }),
    route('POST', '/v1/admin/accounts/{id}/topup', async (req) => await move(deps, req, MOVE_SCHEMA, false, (id, amount, note) => deps.ledger.topUp(id, amount, note ?? undefined))),
    route('POST', '/v1/admin/accounts/{id}/adjust', async (req) => await move(deps, req, ADJUST_SCHEMA, true, (id, amount, note) => deps.ledger.adjust(id, amount, note!))),
    route('POST', '/v1/admin/transfers', async (req) => await transfer(deps, req)),
    route('GET', '/v1/admin/accounts/{id}/ledger', async (req) => await ledgerPage(deps, req)),
    route('GET', '/v1/admin/reconcile', async (req) => {
      const account = req.query.get('account')
      if (account !== null && a.get(account) === null) return new ApiError(404, 'not_found', 'account', 'UNKNOWN_ACCOUNT', `no account '${account}'`)
      const results = await deps.ledger.reconcile(account ?? undefined)
      return {
        status: 200,
        body: {
          ok: results.every((r) => r.ok),
          accounts: results.map((r) => ({ ...r, opening: credits(r.opening), movements: credits(r.movements), balance: credits(r.balance), held: credits(r.held) }))
        }
      }
    }),
    route('POST', '/v1/admin/reload', async () => {
      try {
        await a.exclusive(deps.reload)
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err
        return new ApiError(400, 'invalid_config', err.key, 'CONFIG_INVALID', `nothing changed: ${err.message}`)
      }
      return { status: 200, body: { reloaded: true } }
    }),
    ...Object.entries(SENDER_ACTIONS).map(([action, state]) => route('POST', `/v1/admin/accounts/{id}/senders/{sender}/${action}`, async (req) => {
      if (a.get(req.params.id) === null) return unknownAccount(req.params.id)
      const r = await a.setSenderState(req.params.id, req.params.sender, state)
      return r instanceof AdminProblem ? fromProblem(r) : { status: 200, body: senderView(r) }
    }))
  ]
}

export function fromProblem (p: AdminProblem): ApiError {
  return new ApiError(p.status, p.code, p.field, p.reason, p.message)
}

function unknownAccount (id: string): ApiError {
  return new ApiError(404, 'not_found', 'id', 'UNKNOWN_ACCOUNT', `no account '${id}'`)
}

function mapping (body: unknown): Record<string, unknown> | ApiError {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return new ApiError(400, 'invalid_request', null, 'NOT_AN_OBJECT', 'the body must be a JSON object of account keys')
  return body as Record<string, unknown>
}

async function answer (deps: AdminRouteDeps, r: AccountConfig | AdminProblem, status = 200): Promise<Reply | ApiError> {
  if (r instanceof AdminProblem) return fromProblem(r)
  return { status, body: await view(deps, r) }
}

/** An account as an operator reads it: settings in the config's words, keys by id, credit in credits. */
async function view (deps: AdminRouteDeps, c: AccountConfig): Promise<Record<string, unknown>> {
  const source: AccountSource = deps.accounts.source(c.id)
  const balance = await deps.ledger.balance(c.id)
  return {
    system_id: c.id,
    source,
    suspended: c.limits.suspended,
    sms_type: c.rules.type,
    bind_types: c.smpp.bindTypes,
    max_binds: c.smpp.maxBinds,
    allowed_ips: c.smpp.allowedIps,
    tps: c.limits.tps,
    max_queued: c.limits.maxQueued,
    window: c.limits.window,
    transliterate: c.rules.transliterate,
    unicode: c.rules.unicode,
    italian_vat: c.rules.italianVat,
    initial_credit: credits(c.ledger.initialCredit),
    low_credit_alerts: c.ledger.alerts.map(credits),
    senders: c.rules.senders === null ? null : c.rules.senders.map(senderView),
    api_keys: c.apiKeys.map((h) => ({ id: keyIdOf(h) })),
    credit: balance === null ? null : balanceView(balance)
  }
}

export function senderView (s: SenderEntry): Record<string, unknown> {
  return { sender: s.addr, kind: s.kind, state: s.state, verified: s.verified }
}

function balanceView (b: AccountBalance): Record<string, number> {
  return { balance: credits(b.balance), held: credits(b.held), available: credits(b.available) }
}

function entryView (e: LedgerEntry): Record<string, unknown> {
  return {
    seq: e.seq,
    at: new Date(e.at).toISOString(),
    kind: e.kind,
    amount: credits(e.amount),
    hold: credits(e.hold),
    note: e.note,
    counterparty: e.counterparty,
    // Traffic batches can hold thousands of items: counted here, not listed.
    items: e.items === null ? null : e.items.length
  }
}

function numberAsText (body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body
  const b = body as Record<string, unknown>
  return typeof b.amount === 'number' ? { ...b, amount: String(b.amount) } : b
}

function amountOf (body: Record<string, unknown>, negative: boolean): number | ApiError {
  const m = milliCredits(body.amount, { negative })
  return typeof m === 'string' ? badField('amount', 'BAD_AMOUNT', `'amount' ${m}`) : m
}

async function moved (deps: AdminRouteDeps, r: MoveResult, accountField: string, id: string): Promise<Reply | ApiError> {
  if (!r.ok) return refusal(r.reason, accountField, id, r.required, r.available)
  const balance = await deps.ledger.balance(id)
  return { status: 200, body: { entry: entryView(r.entry), credit: balance === null ? null : balanceView(balance) } }
}

async function move (
  deps: AdminRouteDeps, req: Request, schema: Schema, negative: boolean,
  op: (id: string, amount: number, note: string | null) => Promise<MoveResult>
): Promise<Reply | ApiError> {
  const id = req.params.id
  if (deps.accounts.get(id) === null) return unknownAccount(id)
  const body = validate(numberAsText(req.body), schema)
  if (body instanceof ApiError) return body
  const amount = amountOf(body, negative)
  if (amount instanceof ApiError) return amount
  return await moved(deps, await op(id, amount, (body.note as string | undefined) ?? null), 'id', id)
}

async function transfer (deps: AdminRouteDeps, req: Request): Promise<Reply | ApiError> {
  const body = validate(numberAsText(req.body), TRANSFER_SCHEMA)
  if (body instanceof ApiError) return body
  const from = body.from as string
  const to = body.to as string
  for (const [field, id] of [['from', from], ['to', to]]) {
    if (deps.accounts.get(id) === null) return new ApiError(404, 'not_found', field, 'UNKNOWN_ACCOUNT', `no account '${id}'`)
  }
  if (from === to) return badField('to', 'SAME_ACCOUNT', "'to' must be another account than 'from'")
  const amount = amountOf(body, false)
  if (amount instanceof ApiError) return amount
  const r = await deps.ledger.transfer(from, to, amount, (body.note as string | undefined) ?? undefined)
  if (!r.ok) return refusal(r.reason, 'from', from, r.required, r.available)
  const [a, b] = await Promise.all([deps.ledger.balance(from), deps.ledger.balance(to)])
  return { status: 200, body: { entry: entryView(r.entry), credit: { [from]: a === null ? null : balanceView(a), [to]: b === null ? null : balanceView(b) } } }
}

function refusal (reason: string, field: string, id: string, required: number, available: number): ApiError {
  switch (reason) {
    case 'no_credit': return new ApiError(402, 'no_credit', field, 'NO_CREDIT', `'${id}' has ${credits(available)} credits available; ${credits(required)} needed`)
    case 'unknown_account': return new ApiError(404, 'not_found', field, 'UNKNOWN_ACCOUNT', `the ledger has no account '${id}'`)
    case 'closed': return new ApiError(503, 'not_ready', null, 'CLOSING', 'the ledger is closing')
    default: return new ApiError(409, 'conflict', null, reason.toUpperCase(), `refused: ${reason}`)
  }
}

async function ledgerPage (deps: AdminRouteDeps, req: Request): Promise<Reply | ApiError> {
  const id = req.params.id
  if (deps.accounts.get(id) === null) return unknownAccount(id)
  const limit = intParam(req, 'limit', 100, 1, 1000)
  if (limit instanceof ApiError) return limit
  const after = intParam(req, 'after', 0, 0, Number.MAX_SAFE_INTEGER)
  if (after instanceof ApiError) return after
  const entries = await deps.ledger.entries(id, { afterSeq: after, limit })
  const next = entries.length === limit ? entries[entries.length - 1].seq : null
  return { status: 200, body: { account: id, entries: entries.map(entryView), next } }
}

function intParam (req: Request, name: string, fallback: number, min: number, max: number): number | ApiError {
  const v = req.query.get(name)
  if (v === null || v === '') return fallback
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) return badField(name, 'OUT_OF_RANGE', `'${name}' must be an integer from ${min} to ${max}`)
  return Number(v)
}
