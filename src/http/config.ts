// The `http:` section and the per-account `api_keys` list. Keys are stored only as hashes:
// `sha256$<64 hex>` (recommended: API keys are long random strings, so a fast hash is safe and
// each request costs one SHA-256) or `scrypt$N$r$p$salt$hash` (as account passwords).

import type { ConfigNode } from '../config/node.js'
import { parsePasswordHash } from '../smpp/auth.js'

export interface HttpConfig {
  host: string
  port: number
  /** Request bodies larger than this are refused with 413. */
  bodyLimitBytes: number
  /** Hash of the admin key (the /v1/admin endpoints, docs/admin.md); null = no admin key. */
  adminKeyHash: string | null
  /** Idempotency-Key answers kept (per process) for this long, and at most this many. */
  idempotencyTtlMs: number
  idempotencyMax: number
  /** A failed login (unknown key, wrong /send password) is answered after this long, doubling per further failure from the address. */
  authFailureDelayMs: number
  authFailureDelayMaxMs: number
}

export const HTTP_ACCOUNT_KEYS = ['api_keys'] as const

const SHA256 = /^sha256\$[0-9a-f]{64}$/

/** Why `hash` is not a usable key hash, or null when it is. */
export function keyHashProblem (hash: string): string | null {
  if (SHA256.test(hash)) return null
  if (hash.startsWith('scrypt$')) {
    try { parsePasswordHash(hash); return null } catch (err) { return (err as Error).message }
  }
  return "must be 'sha256$<64 lowercase hex>' or 'scrypt$N$r$p$salt$hash'"
}

/** The `http:` section, or null when absent (no HTTP listener). */
export function parseHttpConfig (node: ConfigNode): HttpConfig | null {
  if (!node.exists) return null
  node.allowOnly(['host', 'port', 'body_limit_bytes', 'admin_key_hash', 'idempotency_ttl_s', 'idempotency_max', 'auth_failure_delay_ms', 'auth_failure_delay_max_ms'])
  const admin = node.optionalString('admin_key_hash')
  if (admin !== null) {
    const problem = keyHashProblem(admin)
    if (problem !== null) throw node.fail('admin_key_hash', problem)
  }
  const cfg: HttpConfig = {
    host: node.string('host', '127.0.0.1'),
    port: node.int('port', 8080, { min: 0, max: 65535 }),
    bodyLimitBytes: node.int('body_limit_bytes', 1_048_576, { min: 256, max: 64 * 1_048_576 }),
    adminKeyHash: admin,
    idempotencyTtlMs: node.int('idempotency_ttl_s', 86_400, { min: 1, max: 7 * 86_400 }) * 1000,
    idempotencyMax: node.int('idempotency_max', 100_000, { min: 1, max: 10_000_000 }),
    authFailureDelayMs: node.int('auth_failure_delay_ms', 250, { min: 0, max: 60_000 }),
    authFailureDelayMaxMs: node.int('auth_failure_delay_max_ms', 5000, { min: 0, max: 600_000 })
  }
  if (cfg.authFailureDelayMaxMs < cfg.authFailureDelayMs) throw node.fail('auth_failure_delay_max_ms', 'must be at least auth_failure_delay_ms')
  return cfg
}

/** An account's `api_keys: [hash, …]` (empty when absent). */
export function parseApiKeys (account: ConfigNode): string[] {
  const keys = account.strings('api_keys', [])
  keys.forEach((h, i) => {
    const problem = keyHashProblem(h)
    if (problem !== null) throw account.fail('api_keys', `item ${i}: ${problem}`)
  })
  return keys
}
