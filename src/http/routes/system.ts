// Unauthenticated operational endpoints: liveness, readiness, Prometheus metrics and the
// OpenAPI document. Bound to loopback by default, like the metrics listener.

import { readFileSync } from 'node:fs'
import { ApiError } from '../errors.js'
import type { Route } from '../server.js'

export interface SystemDeps {
  /** Engines started (set by the router once start() got past them). */
  started: () => boolean
  /** Carrier sessions bound, summed over every engine. */
  carriersUp: () => Promise<number>
  metricsText: () => Promise<string>
  metricsContentType: string
}

const SPEC_PATHS = ['../../../docs/openapi.json', '../../../../docs/openapi.json']

/** docs/openapi.json, from src/http/routes (tsx, tap) or dist/src/http/routes (built). */
export function openApiText (): string {
  for (const rel of SPEC_PATHS) {
    try { return readFileSync(new URL(rel, import.meta.url), 'utf8') } catch {}
  }
  return '{}'
}

export function systemRoutes (deps: SystemDeps): Route[] {
  let spec: string | null = null
  return [
    { method: 'GET', path: '/healthz', auth: 'none', handle: async () => ({ status: 200, body: { status: 'ok' } }) },
    {
      method: 'GET',
      path: '/readyz',
      auth: 'none',
      handle: async () => {
        if (!deps.started()) return new ApiError(503, 'not_ready', null, 'ENGINES_STARTING', 'the engines are still starting')
        const up = await deps.carriersUp()
        if (up === 0) return new ApiError(503, 'not_ready', null, 'NO_CARRIER', 'no carrier session is bound')
        return { status: 200, body: { status: 'ready', carrier_binds_up: up } }
      }
    },
    { method: 'GET', path: '/metrics', auth: 'none', handle: async () => ({ status: 200, text: await deps.metricsText(), contentType: deps.metricsContentType }) },
    { method: 'GET', path: '/openapi.json', auth: 'none', handle: async () => ({ status: 200, text: spec ??= openApiText(), contentType: 'application/json' }) }
  ]
}
