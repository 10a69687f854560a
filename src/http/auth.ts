// Bearer API keys. Each account lists hashes of its keys (several, so a key can be rotated and
// revoked by removing its hash and reloading); the admin key is separate. A `sha256$` hash is
// found with one digest and a map lookup. `scrypt$` hashes are tried one by one through the
// SMPP PasswordVerifier (its cache makes a repeated good key cheap; a wrong key pays scrypt per
// scrypt-hashed key, so sha256 is the form to use for keys that are long random strings).
// Keys are never logged: only the account they resolve to.
// An account's `allowed_ips` bind its HTTP requests as they bind its SMPP binds: checkAddress is
// the one check, for Bearer-key routes (server.ts) and the Jasmin /send and /balance alike.

import { createHash } from 'node:crypto'
import type { AccountConfig } from '../config/instrada.js'
import { AuthFailures, IpAllowList, normalizeIp, PasswordVerifier } from '../smpp/auth.js'
import { CommandStatus } from '../smpp/pdu/status.js'
import { ApiError } from './errors.js'

export type Principal = { kind: 'account', account: string } | { kind: 'admin' }

/** The `sha256$<hex>` form of a key, for the config's `api_keys` and `admin_key_hash`. */
export function hashApiKey (key: string): string {
  return `sha256$${createHash('sha256').update(key).digest('hex')}`
}

const ADMIN: Principal = { kind: 'admin' }

export class ApiKeyAuth {
  private bySha = new Map<string, Principal>()
  private scrypted: Array<[string, Principal]> = []
  private suspended = new Set<string>()
  private allowedIps = new Map<string, IpAllowList>()
  private readonly verifier = new PasswordVerifier(1000)
  private readonly failures: AuthFailures

  constructor (accounts: readonly AccountConfig[], adminKeyHash: string | null, failureDelay = { baseMs: 250, maxMs: 5000 }) {
    this.failures = new AuthFailures(failureDelay.baseMs, failureDelay.maxMs)
    this.reload(accounts, adminKeyHash)
  }

  /**
   * Waits before a failed login is answered, longer with each failure from the address (as SMPP
   * binds do), so keys and passwords can't be guessed at full speed.
   */
  async failed (ip: string): Promise<void> {
    const ms = this.failures.record(normalizeIp(ip))
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms).unref())
  }

  /** A reload: removed hashes stop working at once. */
  reload (accounts: readonly AccountConfig[], adminKeyHash: string | null): void {
    const bySha = new Map<string, Principal>()
    const scrypted: Array<[string, Principal]> = []
    const add = (hash: string, p: Principal): void => {
      if (hash.startsWith('sha256$')) bySha.set(hash, p)
      else scrypted.push([hash, p])
    }
    const suspended = new Set<string>()
    const allowedIps = new Map<string, IpAllowList>()
    if (adminKeyHash !== null) add(adminKeyHash, ADMIN)
    for (const a of accounts) {
      if (a.limits.suspended) suspended.add(a.id)
      if (a.smpp.allowedIps.length > 0) allowedIps.set(a.id, new IpAllowList(a.smpp.allowedIps))
      const p: Principal = { kind: 'account', account: a.id }
      for (const h of a.apiKeys) add(h, p)
    }
    this.bySha = bySha
    this.scrypted = scrypted
    this.suspended = suspended
    this.allowedIps = allowedIps
  }

  /**
   * A 403 when `ip` (the peer's socket address; X-Forwarded-For is not trusted) is outside the
   * account's allowed_ips, else null. An account without allowed_ips may be used from anywhere,
   * as on SMPP binds.
   */
  checkAddress (account: string, ip: string): ApiError | null {
    const list = this.allowedIps.get(account)
    if (list === undefined || list.allows(ip)) return null
    return new ApiError(403, 'forbidden', null, 'IP_NOT_ALLOWED', `account '${account}' may not be used from ${normalizeIp(ip)} (allowed_ips)`)
  }

  /** Who the Authorization header speaks for, or a 401. */
  async identify (header: string | undefined): Promise<Principal | ApiError> {
    if (header === undefined || header === '') return unauthorized('MISSING_KEY', 'an API key is required: Authorization: Bearer <key>')
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (m === null) return unauthorized('MALFORMED_AUTHORIZATION', "the Authorization header must be 'Bearer <key>'")
    const key = m[1]
    const p = this.bySha.get(hashApiKey(key))
    if (p !== undefined) return this.usable(p)
    for (const [hash, principal] of this.scrypted) {
      if (await this.verifier.verify(key, hash)) return this.usable(principal)
    }
    return unauthorized('WRONG_KEY', 'the API key is not valid')
  }

  /** A suspended account's keys are known but refused: the client learns why, not just "wrong key". */
  private usable (p: Principal): Principal | ApiError {
    if (p.kind === 'account' && this.suspended.has(p.account)) {
      return new ApiError(403, 'account_suspended', null, 'ACCOUNT_SUSPENDED', `account '${p.account}' is suspended`, CommandStatus.INSTRADA_RACCTSUSPENDED)
    }
    return p
  }
}

function unauthorized (reason: string, message: string): ApiError {
  return new ApiError(401, 'unauthorized', 'Authorization', reason, message)
}
