// POST /v1/messages/preview: the rules' preview() for one text, sender and destination: the
// encoding, the parts with the characters as the phone counts them, the price inputs and the
// price, warnings and every violation. Nothing is stored, charged or sent.

import type { Pricing } from '../../ledger/index.js'
import { preview, type SmsType, type TextEncodingChoice, type Violation } from '../../rules/index.js'
import type { Intake } from '../../router/intake.js'
import { ApiError } from '../errors.js'
import type { Reply, Request, Route } from '../server.js'
import { credits } from '../status.js'
import { validate, type Schema } from '../validate.js'
import { accountOf } from './messages.js'

export const PREVIEW_SCHEMA: Schema = {
  to: { kind: 'string', max: 32 },
  from: { kind: 'string', max: 32 },
  text: { kind: 'string', required: true },
  type: { kind: 'string', values: ['smart', 'pro', 'reply'] },
  encoding: { kind: 'string', values: ['auto', 'gsm7', 'ucs2'] }
}

export interface PreviewDeps {
  intake: Intake
  pricing: () => Pricing
}

export function previewRoutes (deps: PreviewDeps): Route[] {
  return [{ method: 'POST', path: '/v1/messages/preview', auth: 'account', handle: async (req) => handle(deps, req) }]
}

function violationView (v: Violation): Record<string, unknown> {
  return { field: v.field, reason: v.reason, message: v.message, http_status: v.httpStatus, smpp_status: v.smppStatus }
}

function handle (deps: PreviewDeps, req: Request): Reply | ApiError {
  const account = accountOf(deps.intake, req)
  if (account instanceof ApiError) return account
  const body = validate(req.body, PREVIEW_SCHEMA)
  if (body instanceof ApiError) return body
  const p = preview(account.policy, {
    type: (body.type as SmsType | undefined) ?? null,
    from: (body.from as string | undefined) ?? '',
    fromTon: -1,
    to: (body.to as string | undefined) ?? '',
    toTon: -1
  }, body.text as string, (body.encoding as TextEncodingChoice | undefined) ?? 'auto')
  const price = p.ok ? deps.pricing().messagePrice(p.cost.type, p.cost.country, p.cost.parts) : -1
  return {
    status: 200,
    body: {
      ok: p.ok,
      type: p.type,
      encoding: p.encoding,
      data_coding: p.dataCoding,
      characters: p.characters,
      units: p.units,
      parts: p.parts.map((x) => ({ text: x.text, characters: x.characters, units: x.units, capacity: x.capacity })),
      from: p.from?.addr ?? null,
      to: p.to?.addr ?? null,
      country: p.country,
      cost: { type: p.cost.type, parts: p.cost.parts, country: p.cost.country, credits: price < 0 ? null : credits(price) },
      warnings: p.warnings.map((w) => ({ code: w.code, message: w.message, chars: w.chars })),
      violations: p.violations.map(violationView)
    }
  }
}
