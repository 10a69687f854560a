// Jasmin's HTTP API, for integrations written against it: GET|POST /send (query string or
// form body) and GET /balance, authenticated by the account's SMPP system_id and password.
// A /send goes through the same Intake and engines as POST /v1/messages; only the parameters and
// the answers are Jasmin's: 200 `Success "<id>"`, else `Error "<reason>"` with Jasmin's status
// codes (400 arguments, 403 authentication, charging and throughput, 412 no route, 500 other).
// Passwords are never logged; answers name the username only. The account's allowed_ips apply
// as on every account route: a good password from another address is 403 "Authorization failed".

import type { Ledger } from '../../ledger/types.js'
import type { SmsType, SubmitContent, TextEncodingChoice } from '../../rules/index.js'
import type { AccountRuntime, Intake, Submission } from '../../router/intake.js'
import type { EngineApi } from '../../router/protocol.js'
import { PasswordVerifier } from '../../smpp/auth.js'
import { CommandStatus } from '../../smpp/pdu/status.js'
import type { ApiKeyAuth } from '../auth.js'
import { ApiError, fromSmppStatus, fromViolation } from '../errors.js'
import type { Reply, Request, Route } from '../server.js'
import { callbackOf } from './messages.js'

export interface JasminDeps {
  intake: Intake
  engines: EngineApi
  ledger: Ledger
  /** For the account's allowed_ips, checked as for its API keys. */
  auth: ApiKeyAuth
}

const SEND_PARAMS = ['username', 'password', 'to', 'from', 'content', 'hex-content', 'coding', 'priority', 'sdt', 'validity-period', 'dlr', 'dlr-url', 'dlr-level', 'dlr-method']
const CODINGS = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14])
const MAX_VALIDITY_MIN = 30 * 1440

/** Our request field names as Jasmin's parameters, for the argument errors. */
const PARAM_OF: Record<string, string> = { text: 'content', scheduled_at: 'sdt', validity: 'validity-period' }

class JasminError {
  constructor (readonly status: number, readonly message: string) {}
}

export function jasminRoutes (deps: JasminDeps): Route[] {
  const verifier = new PasswordVerifier(1000)
  const send = async (req: Request): Promise<Reply> => {
    const r = await sendOne(deps, verifier, req.ip, paramsOf(req))
    return r instanceof JasminError ? text(r.status, `Error "${r.message}"`) : text(200, `Success "${r}"`)
  }
  return [
    { method: 'GET', path: '/send', auth: 'none', handle: send },
    { method: 'POST', path: '/send', auth: 'none', body: 'form', handle: send },
    { method: 'GET', path: '/balance', auth: 'none', handle: async (req) => await balance(deps, verifier, req.ip, paramsOf(req)) }
  ]
}

function text (status: number, body: string): Reply {
  return { status, text: body, contentType: 'text/plain; charset=utf-8' }
}

/** The query string's parameters, then the form body's (Jasmin reads both). */
function paramsOf (req: Request): URLSearchParams {
  const p = new URLSearchParams(req.query)
  if (req.body instanceof URLSearchParams) for (const [k, v] of req.body) p.append(k, v)
  return p
}

function arg (p: URLSearchParams, name: string, required: boolean): string | null | JasminError {
  const all = p.getAll(name)
  if (all.length > 1) return new JasminError(400, `Argument ${name} has an invalid value: given more than once.`)
  if (all.length === 0 || all[0] === '') return required ? new JasminError(400, `Mandatory argument ${name} is not found.`) : null
  return all[0]
}

async function authenticate (deps: JasminDeps, verifier: PasswordVerifier, ip: string, p: URLSearchParams): Promise<AccountRuntime | JasminError> {
  const username = arg(p, 'username', true)
  if (username instanceof JasminError) return username
  const password = arg(p, 'password', true)
  if (password instanceof JasminError) return password
  const account = deps.intake.account(username as string)
  if (account === null || !await verifier.verify(password as string, account.config.smpp.passwordHash)) {
    await deps.auth.failed(ip)
    return new JasminError(403, `Authentication failure for username:${username as string}`)
  }
  // Checked after the password, as a Bearer key is identified before its address is checked: only
  // someone holding the account's credentials learns that the address was what got refused.
  const denied = deps.auth.checkAddress(account.id, ip)
  if (denied !== null) return jasminError(denied, account.id)
  return account
}

async function sendOne (deps: JasminDeps, verifier: PasswordVerifier, ip: string, p: URLSearchParams): Promise<string | JasminError> {
  for (const k of new Set(p.keys())) if (!SEND_PARAMS.includes(k)) return new JasminError(400, `Argument ${k} is unknown.`)
  const account = await authenticate(deps, verifier, ip, p)
  if (account instanceof JasminError) return account
  const s = submissionOf(p)
  if (s instanceof JasminError) return s
  if (s.callbackUrl !== null && account.config.webhook === null) return new JasminError(400, 'Argument dlr-url cannot be used: the account has no webhook secret to sign receipts with.')
  const now = Date.now()
  const r = deps.intake.prepare(account, s.submission, now)
  if (!r.ok) return jasminError(r.violation !== null ? fromViolation(r.violation) : fromSmppStatus(r.status, r.reason), account.id)
  r.job.callbackUrl = s.callbackUrl
  const reply = await deps.engines.accept(r.job)
  if (reply.status !== CommandStatus.ESME_ROK || reply.id === null) return jasminError(fromSmppStatus(reply.status, 'the message could not be accepted'), account.id)
  return reply.id
}

function submissionOf (p: URLSearchParams): { submission: Submission, callbackUrl: string | null } | JasminError {
  const got: Record<string, string | null> = {}
  for (const name of ['to', 'from', 'content', 'hex-content', 'coding', 'priority', 'sdt', 'validity-period', 'dlr', 'dlr-url', 'dlr-level', 'dlr-method']) {
    const v = arg(p, name, name === 'to')
    if (v instanceof JasminError) return v
    got[name] = v
  }
  const invalid = (name: string, why: string): JasminError => new JasminError(400, `Argument ${name} has an invalid value: ${why}.`)
  if (got.content === null && got['hex-content'] === null) return new JasminError(400, 'Mandatory argument content is not found.')
  if (got.content !== null && got['hex-content'] !== null) return invalid('hex-content', 'give content or hex-content, not both')
  let coding: number | null = null
  if (got.coding !== null) {
    coding = /^\d{1,2}$/.test(got.coding) ? Number(got.coding) : -1
    if (!CODINGS.has(coding)) return invalid('coding', got.coding)
  }
  let content: SubmitContent | string
  let encoding: TextEncodingChoice = 'auto'
  if (got['hex-content'] !== null) {
    const hex = got['hex-content']
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) return invalid('hex-content', 'must be pairs of hex digits')
    content = { shortMessage: Buffer.from(hex, 'hex'), dataCoding: coding ?? 0, esmClass: 0, messagePayload: null }
  } else {
    // Text: 0 keeps to GSM-7 (transliterated or refused, as the account's rules say), 8 is UCS-2,
    // absent or 1/3 picks GSM-7 when the text fits, else UCS-2. Other codings need hex-content.
    if (coding !== null && coding !== 0 && coding !== 1 && coding !== 3 && coding !== 8) return invalid('coding', `${coding} needs hex-content`)
    encoding = coding === 0 ? 'gsm7' : coding === 8 ? 'ucs2' : 'auto'
    content = got.content as string
  }
  let priority = 0
  if (got.priority !== null) {
    if (!/^[0-3]$/.test(got.priority)) return invalid('priority', got.priority)
    priority = Number(got.priority)
  }
  let validity: number | null = null
  if (got['validity-period'] !== null) {
    const v = got['validity-period']
    if (!/^\d{1,6}$/.test(v) || Number(v) < 1 || Number(v) > MAX_VALIDITY_MIN) return invalid('validity-period', `${v} (minutes, 1 to ${MAX_VALIDITY_MIN})`)
    validity = Date.now() + Number(v) * 60_000
  }
  if (got.dlr !== null && got.dlr !== 'yes' && got.dlr !== 'no') return invalid('dlr', got.dlr)
  if (got['dlr-level'] !== null && !/^[1-3]$/.test(got['dlr-level'])) return invalid('dlr-level', got['dlr-level'])
  if (got['dlr-method'] !== null && got['dlr-method'] !== 'GET' && got['dlr-method'] !== 'POST') return invalid('dlr-method', got['dlr-method'])
  let callbackUrl: string | null = null
  // As in Jasmin, dlr=yes without a dlr-url is dlr=no.
  if (got.dlr === 'yes' && got['dlr-url'] !== null) {
    const url = callbackOf(got['dlr-url'], 'dlr-url')
    if (url instanceof ApiError) return invalid('dlr-url', url.message)
    callbackUrl = url
  }
  const submission: Submission = {
    origin: { kind: 'http' },
    type: null as SmsType | null,
    from: got.from ?? '',
    fromTon: -1,
    to: got.to as string,
    toTon: -1,
    content,
    encoding,
    reference: null,
    registeredDelivery: callbackUrl !== null ? 1 : 0,
    protocolId: 0,
    priorityFlag: priority,
    schedule: got.sdt,
    validity
  }
  return { submission, callbackUrl }
}

/** An Instrada refusal in Jasmin's words and status codes. */
function jasminError (e: ApiError, username: string): JasminError {
  switch (e.reason) {
    case 'NO_ROUTE': return new JasminError(412, 'No route found')
    case 'NO_CREDIT': return new JasminError(403, 'Cannot charge submit_sm: not enough credit')
    case 'THROTTLED': return new JasminError(403, 'User throughput exceeded')
    case 'ACCOUNT_SUSPENDED':
    case 'IP_NOT_ALLOWED': return new JasminError(403, `Authorization failed for username:${username}`)
  }
  if (e.status >= 500) return new JasminError(500, `Cannot send submit_sm: ${e.message}`)
  const param = e.field === null ? 'content' : PARAM_OF[e.field] ?? e.field
  return new JasminError(400, `Argument ${param} has an invalid value: ${e.reason}: ${e.message}.`)
}

async function balance (deps: JasminDeps, verifier: PasswordVerifier, ip: string, p: URLSearchParams): Promise<Reply> {
  const json = (status: number, body: unknown): Reply => ({ status, text: JSON.stringify(body), contentType: 'application/json' })
  for (const k of new Set(p.keys())) if (k !== 'username' && k !== 'password') return json(400, `Argument ${k} is unknown.`)
  const account = await authenticate(deps, verifier, ip, p)
  if (account instanceof JasminError) return json(account.status, account.message)
  const b = await deps.ledger.balance(account.id)
  // Instrada has no per-account message quota: Jasmin's "not defined".
  return json(200, { balance: b === null ? 0 : b.available / 1000, sms_count: 'ND' })
}
