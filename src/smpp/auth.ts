// Account passwords at rest and source-address checks for binds.
//
// Passwords are stored as `scrypt$N$r$p$saltB64$hashB64` (node:crypto scrypt, 32-byte key), so
// the parameters travel with the hash and can be raised later without breaking old entries.
//
// The verified-password cache: a bind storm (5,000 clients reconnecting after a restart) must
// not cost 5,000 scrypt runs (~50 ms of CPU each). After a password verifies against a stored
// hash, we remember HMAC(processKey, storedHash ‖ password). A later bind is accepted from the
// cache only when the same HMAC is found, which requires the same password against the same
// stored hash. It is safe because: only successes are cached, so every wrong guess still pays a
// full scrypt (and the server's failure delay); a changed hash in the config is a different key,
// so old entries can't match; the process key is random per process and the cache never leaves
// memory; lookups compare digests in constant time; the cache is bounded (oldest evicted).
// Concurrent verifications of the same (hash, password) share one scrypt run.

import { createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import { PasswordHashError } from '../errors.js'

const KEY_LEN = 32
export const DEFAULT_SCRYPT = { N: 16384, r: 8, p: 1 } as const

function scrypt (password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, opts, (err, key) => { if (err !== null) reject(err); else resolve(key) })
  })
}

interface ParsedHash { N: number, r: number, p: number, salt: Buffer, hash: Buffer }

/** Parses `scrypt$N$r$p$salt$hash`; throws PasswordHashError on anything else. */
export function parsePasswordHash (encoded: string): ParsedHash {
  const parts = encoded.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new PasswordHashError('password hash must look like scrypt$N$r$p$salt$hash')
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  if (!Number.isInteger(N) || N < 2 || (N & (N - 1)) !== 0) throw new PasswordHashError('scrypt N must be a power of two')
  if (!Number.isInteger(r) || r < 1 || !Number.isInteger(p) || p < 1) throw new PasswordHashError('scrypt r and p must be positive integers')
  const salt = Buffer.from(parts[4], 'base64')
  const hash = Buffer.from(parts[5], 'base64')
  if (salt.length < 8 || hash.length < 16) throw new PasswordHashError('password hash salt or key too short')
  return { N, r, p, salt, hash }
}

export async function hashPassword (password: string, params: { N: number, r: number, p: number } = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, KEY_LEN, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r })
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

/** Full scrypt verification, constant-time compare. Never throws for a wrong password. */
export async function verifyPassword (password: string, encoded: string): Promise<boolean> {
  const h = parsePasswordHash(encoded)
  const key = await scrypt(password, h.salt, h.hash.length, { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r })
  return timingSafeEqual(key, h.hash)
}

export class PasswordVerifier {
  /** Full scrypt runs so far (tests and metrics read it). */
  scryptRuns = 0
  private readonly processKey = randomBytes(32)
  private readonly cache = new Map<string, Buffer>() // storedHash → HMAC of the verified password
  private readonly inflight = new Map<string, Promise<boolean>>()
  private readonly maxEntries: number

  constructor (maxEntries = 10_000) {
    this.maxEntries = maxEntries
  }

  async verify (password: string, encoded: string): Promise<boolean> {
    const digest = createHmac('sha256', this.processKey).update(encoded).update('\0').update(password).digest()
    const known = this.cache.get(encoded)
    if (known !== undefined && timingSafeEqual(known, digest)) return true
    const flightKey = digest.toString('base64')
    let p = this.inflight.get(flightKey)
    if (p === undefined) {
      this.scryptRuns++
      p = verifyPassword(password, encoded).finally(() => this.inflight.delete(flightKey))
      this.inflight.set(flightKey, p)
    }
    const ok = await p
    if (ok) {
      this.cache.delete(encoded)
      this.cache.set(encoded, digest)
      if (this.cache.size > this.maxEntries) {
        for (const k of this.cache.keys()) { this.cache.delete(k); break }
      }
    }
    return ok
  }
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) → `10.0.0.1`. */
export function normalizeIp (ip: string): string {
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) return ip.slice(7)
  return ip
}

/** Problem with a CIDR string, or null when it is valid (`10.0.0.0/8`, `::1/128`, `192.0.2.7`). */
export function cidrProblem (cidr: string): string | null {
  const slash = cidr.indexOf('/')
  const addr = slash < 0 ? cidr : cidr.slice(0, slash)
  const family = isIP(addr)
  if (family === 0) return `'${addr}' is not an IPv4 or IPv6 address`
  if (slash < 0) return null
  const bits = cidr.slice(slash + 1)
  const prefix = Number(bits)
  if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return `'${bits}' is not a valid prefix length`
  return null
}

/** A set of IPv4/IPv6 ranges; an empty set allows every address. */
export class IpAllowList {
  readonly ranges: readonly string[]
  private readonly list = new BlockList()

  constructor (cidrs: readonly string[]) {
    this.ranges = cidrs
    for (const c of cidrs) {
      const problem = cidrProblem(c)
      if (problem !== null) throw new RangeError(`allowed IP range ${c}: ${problem}`)
      const slash = c.indexOf('/')
      const addr = slash < 0 ? c : c.slice(0, slash)
      const family = isIP(addr) === 4 ? 'ipv4' : 'ipv6'
      const prefix = slash < 0 ? (family === 'ipv4' ? 32 : 128) : Number(c.slice(slash + 1))
      this.list.addSubnet(addr, prefix, family)
    }
  }

  allows (ip: string): boolean {
    if (this.ranges.length === 0) return true
    const a = normalizeIp(ip)
    const family = isIP(a)
    if (family === 0) return false
    return this.list.check(a, family === 4 ? 'ipv4' : 'ipv6')
  }
}

/** Remembered auth failures: per address, forgotten after this long without another failure. */
const FAILURE_MEMORY_MS = 15 * 60_000
const MAX_FAILURE_ADDRESSES = 10_000

/**
 * How long to wait before answering a failed login from an address: `baseMs`, doubling with each
 * further failure from it, capped at `maxMs` — so guessing passwords or keys gets slow while one
 * typo costs a quarter of a second. Shared by SMPP binds and the HTTP API.
 */
export class AuthFailures {
  private readonly failures = new Map<string, { count: number, last: number }>()

  constructor (private readonly baseMs: number, private readonly maxMs: number) {}

  /** Records a failure from `ip`; returns the delay to apply before answering it. */
  record (ip: string, now = Date.now()): number {
    let f = this.failures.get(ip)
    if (f === undefined || now - f.last > FAILURE_MEMORY_MS) f = { count: 0, last: now }
    this.failures.delete(ip) // re-insert: the Map's order is then least recently failed first
    f.count++
    f.last = now
    this.failures.set(ip, f)
    if (this.failures.size > MAX_FAILURE_ADDRESSES) {
      for (const k of this.failures.keys()) { this.failures.delete(k); break }
    }
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(f.count - 1, 20))
  }
}
