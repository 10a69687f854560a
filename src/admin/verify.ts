// One-time codes proving that a customer holds a sender number. The code travels to the number
// as an ordinary message (the caller sends it through the router); here it is only issued and
// checked. Stored hashed with a per-code salt, in the documents table (kind 'sender_code'), so a
// restart keeps it: valid 10 minutes, at most 5 tries; after 5 wrong ones the number is locked
// until the code expires (a new code would otherwise reset the count).

import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import type { DocStore } from '../store/types.js'
import { AdminProblem, badInput, conflict } from './problem.js'

export const CODE_DOC = 'sender_code'

interface CodeDoc { salt: string, hash: string, expiresAt: number, attempts: number }

export interface VerifyOptions {
  ttlMs?: number
  maxAttempts?: number
}

export class SenderVerifier {
  readonly ttlMs: number
  readonly maxAttempts: number

  constructor (private readonly store: DocStore, opts: VerifyOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000
    this.maxAttempts = opts.maxAttempts ?? 5
  }

  /** A fresh 6-digit code for `addr` of `account`, or a refusal while the number is locked. */
  async issue (account: string, addr: string, now = Date.now()): Promise<{ code: string, expiresAt: number } | AdminProblem> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    const salt = randomBytes(16).toString('base64')
    const fresh: CodeDoc = { salt, hash: digest(salt, code), expiresAt: now + this.ttlMs, attempts: 0 }
    let locked: CodeDoc | null = null
    await this.store.updateDoc<CodeDoc>(CODE_DOC, docKey(account, addr), (cur) => {
      if (cur !== null && cur.expiresAt > now && cur.attempts >= this.maxAttempts) { locked = cur; return undefined }
      return fresh
    })
    if (locked !== null) return this.lockedProblem('sender', locked)
    return { code, expiresAt: fresh.expiresAt }
  }

  /** Forgets the code (the message carrying it could not be sent). */
  async cancel (account: string, addr: string): Promise<void> {
    await this.store.deleteDoc(CODE_DOC, docKey(account, addr))
  }

  /** 'ok' once, for the right code in time; every wrong try counts. */
  async confirm (account: string, addr: string, code: string, now = Date.now()): Promise<'ok' | AdminProblem> {
    let outcome: 'ok' | AdminProblem = conflict('sender', 'NO_CODE', `no code was sent to ${addr}: POST …/verify first`)
    await this.store.updateDoc<CodeDoc>(CODE_DOC, docKey(account, addr), (cur) => {
      if (cur === null) return undefined
      if (cur.expiresAt <= now) {
        outcome = new AdminProblem(410, 'gone', 'code', 'CODE_EXPIRED', 'the code has expired: ask for a new one')
        return null
      }
      if (cur.attempts >= this.maxAttempts) { outcome = this.lockedProblem('code', cur); return undefined }
      const a = Buffer.from(digest(cur.salt, code), 'hex')
      if (timingSafeEqual(a, Buffer.from(cur.hash, 'hex'))) { outcome = 'ok'; return null }
      const attempts = cur.attempts + 1
      const left = this.maxAttempts - attempts
      outcome = left > 0
        ? badInput('code', 'WRONG_CODE', `the code is wrong (${left} ${left === 1 ? 'try' : 'tries'} left)`)
        : this.lockedProblem('code', { ...cur, attempts })
      return { ...cur, attempts }
    })
    return outcome
  }

  private lockedProblem (field: string, doc: CodeDoc): AdminProblem {
    return new AdminProblem(429, 'too_many_attempts', field, 'TOO_MANY_ATTEMPTS',
      `too many wrong codes: verification is locked until ${new Date(doc.expiresAt).toISOString()}`)
  }
}

function docKey (account: string, addr: string): string {
  return `${account}/${addr}`
}

function digest (salt: string, code: string): string {
  return createHash('sha256').update(salt).update('\0').update(code).digest('hex')
}
