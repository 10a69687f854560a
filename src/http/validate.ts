// Request body checks: the body must be a JSON object, every field known, each of its declared
// type and range. The first problem is answered (400) naming the field, so a client fixes one
// thing at a time with a precise message rather than guessing.

import { ApiError, badField } from './errors.js'

export type FieldSpec =
  | { kind: 'string', required?: boolean, min?: number, max?: number, values?: readonly string[] }
  | { kind: 'strings', required?: boolean, max: number, maxLength: number }
  | { kind: 'string|strings', required?: boolean, max: number, maxLength: number }
  | { kind: 'integer', required?: boolean, min: number, max: number }
  | { kind: 'integer|string', required?: boolean, min: number, max: number, maxLength: number }
  | { kind: 'object', required?: boolean }

export type Schema = Record<string, FieldSpec>

/** The body as a record of checked fields, or the first problem. */
export function validate (body: unknown, schema: Schema): Record<string, unknown> | ApiError {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return new ApiError(400, 'invalid_request', null, 'NOT_AN_OBJECT', 'the body must be a JSON object')
  }
  const obj = body as Record<string, unknown>
  for (const k of Object.keys(obj)) {
    if (!Object.hasOwn(schema, k)) return badField(k, 'UNKNOWN_FIELD', `unknown field '${k}' (allowed: ${Object.keys(schema).join(', ')})`)
  }
  for (const [name, spec] of Object.entries(schema)) {
    const v = obj[name]
    if (v === undefined || v === null) {
      if (spec.required === true) return badField(name, 'REQUIRED', `'${name}' is required`)
      continue
    }
    const problem = check(name, v, spec)
    if (problem !== null) return problem
  }
  return obj
}

function check (name: string, v: unknown, spec: FieldSpec): ApiError | null {
  switch (spec.kind) {
    case 'string': {
      if (typeof v !== 'string') return wrongType(name, 'a string', v)
      if (spec.min !== undefined && v.length < spec.min) return badField(name, 'OUT_OF_RANGE', `'${name}' must be at least ${spec.min} characters`)
      if (spec.max !== undefined && v.length > spec.max) return badField(name, 'OUT_OF_RANGE', `'${name}' must be at most ${spec.max} characters`)
      if (spec.values !== undefined && !spec.values.includes(v)) return badField(name, 'NOT_ALLOWED', `'${name}' must be one of ${spec.values.join(', ')}`)
      return null
    }
    case 'strings':
      return strings(name, v, spec.max, spec.maxLength)
    case 'string|strings':
      if (typeof v === 'string') return v.length > spec.maxLength ? badField(name, 'OUT_OF_RANGE', `'${name}' must be at most ${spec.maxLength} characters`) : null
      if (!Array.isArray(v)) return wrongType(name, 'a string or a list of strings', v)
      return strings(name, v, spec.max, spec.maxLength)
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return wrongType(name, 'an integer', v)
      return v < spec.min || v > spec.max ? badField(name, 'OUT_OF_RANGE', `'${name}' must be between ${spec.min} and ${spec.max}`) : null
    case 'integer|string':
      if (typeof v === 'string') return v.length > spec.maxLength ? badField(name, 'OUT_OF_RANGE', `'${name}' must be at most ${spec.maxLength} characters`) : null
      if (typeof v !== 'number' || !Number.isInteger(v)) return wrongType(name, 'an integer or a string', v)
      return v < spec.min || v > spec.max ? badField(name, 'OUT_OF_RANGE', `'${name}' must be between ${spec.min} and ${spec.max}`) : null
    case 'object':
      return typeof v === 'object' && !Array.isArray(v) ? null : wrongType(name, 'an object', v)
  }
}

function strings (name: string, v: unknown, max: number, maxLength: number): ApiError | null {
  if (!Array.isArray(v)) return wrongType(name, 'a list of strings', v)
  if (v.length === 0) return badField(name, 'OUT_OF_RANGE', `'${name}' must not be empty`)
  if (v.length > max) return badField(name, 'OUT_OF_RANGE', `'${name}' holds at most ${max} items`)
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i]
    if (typeof s !== 'string') return wrongType(`${name}[${i}]`, 'a string', s)
    if (s.length > maxLength) return badField(`${name}[${i}]`, 'OUT_OF_RANGE', `'${name}[${i}]' must be at most ${maxLength} characters`)
  }
  return null
}

function wrongType (name: string, want: string, v: unknown): ApiError {
  const got = v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v
  return badField(name, 'WRONG_TYPE', `'${name}' must be ${want} (got ${got})`)
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/** Epoch ms of an ISO 8601 date-time with a zone (Z or ±hh:mm), or null when malformed. */
export function parseIsoTime (s: string): number | null {
  if (!ISO.test(s)) return null
  const t = Date.parse(s)
  return Number.isNaN(t) ? null : t
}
