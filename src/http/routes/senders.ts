// /v1/senders: an account registers its own aliases and numbers (pending until an operator
// approves them) and proves it holds a number with a one-time code. The code is sent to the
// number through the router itself — the Intake and EngineApi.accept, as an ordinary message
// of the account (type smart: the router's own sender, one part), charged as usual.

import { AdminProblem, type AdminAccounts, type SenderVerifier } from '../../admin/index.js'
import type { Intake, Submission } from '../../router/intake.js'
import type { EngineApi } from '../../router/protocol.js'
import { CommandStatus } from '../../smpp/pdu/status.js'
import { ApiError, badField, fromSmppStatus, fromViolation } from '../errors.js'
import type { Reply, Request, Route } from '../server.js'
import { validate, type Schema } from '../validate.js'
import { fromProblem, senderView } from './admin.js'
import { accountOf } from './messages.js'

export interface SenderRouteDeps {
  accounts: AdminAccounts
  verifier: SenderVerifier
  intake: Intake
  engines: EngineApi
}

const REGISTER_SCHEMA: Schema = { sender: { kind: 'string', required: true, min: 1, max: 16 } }
const CONFIRM_SCHEMA: Schema = { code: { kind: 'string', required: true, min: 1, max: 16 } }

export function senderRoutes (deps: SenderRouteDeps): Route[] {
  return [
    { method: 'GET', path: '/v1/senders', auth: 'account', handle: async (req) => list(deps, req) },
    { method: 'POST', path: '/v1/senders', auth: 'account', handle: async (req) => await register(deps, req) },
    { method: 'POST', path: '/v1/senders/{sender}/verify', auth: 'account', handle: async (req) => await sendCode(deps, req) },
    { method: 'POST', path: '/v1/senders/{sender}/verify/confirm', auth: 'account', handle: async (req) => await confirm(deps, req) }
  ]
}

function list (deps: SenderRouteDeps, req: Request): Reply | ApiError {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  const senders = deps.accounts.get(account.id)?.rules.senders ?? []
  return { status: 200, body: { senders: senders.map(senderView) } }
}

async function register (deps: SenderRouteDeps, req: Request): Promise<Reply | ApiError> {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  const body = validate(req.body, REGISTER_SCHEMA)
  if (body instanceof ApiError) return body
  const r = await deps.accounts.addSender(account.id, body.sender as string)
  return r instanceof AdminProblem ? fromProblem(r) : { status: 201, body: senderView(r) }
}

async function sendCode (deps: SenderRouteDeps, req: Request): Promise<Reply | ApiError> {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  const found = deps.accounts.findSender(account.id, req.params.sender)
  if (found === null) return new ApiError(404, 'not_found', 'sender', 'UNKNOWN_SENDER', `'${req.params.sender}' is not registered for this account`)
  const s = found.entry
  if (s.kind !== 'numeric') return badField('sender', 'NOT_A_NUMBER', `'${s.addr}' is an alias: only numbers are verified by code (aliases are approved by an operator)`)
  if (s.verified) return new ApiError(409, 'conflict', 'sender', 'ALREADY_VERIFIED', `${s.addr} is already verified`)
  const issued = await deps.verifier.issue(account.id, s.addr)
  if (issued instanceof AdminProblem) return fromProblem(issued)
  const minutes = Math.round(deps.verifier.ttlMs / 60_000)
  const submission: Submission = {
    origin: { kind: 'http' },
    type: 'smart',
    from: '',
    fromTon: -1,
    to: s.addr,
    toTon: 1,
    content: `Your verification code is ${issued.code}. It expires in ${minutes} minutes.`,
    encoding: 'auto',
    reference: 'sender-verification',
    registeredDelivery: 0,
    protocolId: 0,
    priorityFlag: 0,
    schedule: null,
    validity: issued.expiresAt
  }
  const prepared = deps.intake.prepare(account, submission)
  if (!prepared.ok) {
    await deps.verifier.cancel(account.id, s.addr)
    return prepared.violation !== null ? fromViolation(prepared.violation) : fromSmppStatus(prepared.status, prepared.reason)
  }
  const reply = await deps.engines.accept(prepared.job)
  if (reply.status !== CommandStatus.ESME_ROK || reply.id === null) {
    await deps.verifier.cancel(account.id, s.addr)
    return fromSmppStatus(reply.status, reply.status === CommandStatus.INSTRADA_RNOCREDIT ? 'not enough credit to send the code' : 'the code could not be sent')
  }
  return { status: 202, body: { sender: s.addr, message_id: reply.id, expires_at: new Date(issued.expiresAt).toISOString() } }
}

async function confirm (deps: SenderRouteDeps, req: Request): Promise<Reply | ApiError> {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  const body = validate(req.body, CONFIRM_SCHEMA)
  if (body instanceof ApiError) return body
  const code = body.code as string
  if (!/^\d{6}$/.test(code)) return badField('code', 'BAD_FORMAT', "'code' must be the 6 digits received")
  const found = deps.accounts.findSender(account.id, req.params.sender)
  if (found === null) return new ApiError(404, 'not_found', 'sender', 'UNKNOWN_SENDER', `'${req.params.sender}' is not registered for this account`)
  const ok = await deps.verifier.confirm(account.id, found.entry.addr, code)
  if (ok instanceof AdminProblem) return fromProblem(ok)
  const r = await deps.accounts.markVerified(account.id, found.entry.addr)
  return r instanceof AdminProblem ? fromProblem(r) : { status: 200, body: senderView(r) }
}
