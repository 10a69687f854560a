// Idempotency-Key: a retry of a request that was answered 202 gets the first answer again, and
// a retry that arrives while the first is still running waits for it. Kept per process in a
// bounded, time-limited map (insertion order = age, so eviction is from the front); a restart
// or a second router process forgets. Refusals are not kept: they changed nothing, and a retry
// after the cause is fixed (credit topped up) should be tried afresh.

import { createHash } from 'node:crypto'

export interface StoredAnswer {
  status: number
  body: unknown
}

interface Entry {
  fingerprint: string
  expires: number
  answer: Promise<StoredAnswer>
}

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>()

  constructor (private readonly ttlMs: number, private readonly max: number) {}

  get size (): number { return this.entries.size }

  static fingerprint (method: string, path: string, body: Buffer): string {
    return createHash('sha256').update(method).update('\0').update(path).update('\0').update(body).digest('base64')
  }

  /**
   * The answer for (account, key): 'conflict' when the key was used for a different request,
   * the earlier answer when known, else null after reserving the key for `run`'s answer.
   */
  begin (account: string, key: string, fingerprint: string, now: number, run: () => Promise<StoredAnswer>): { kind: 'replay' | 'fresh', answer: Promise<StoredAnswer> } | 'conflict' {
    this.prune(now)
    const k = `${account}\0${key}`
    const e = this.entries.get(k)
    if (e !== undefined && e.expires > now) {
      if (e.fingerprint !== fingerprint) return 'conflict'
      return { kind: 'replay', answer: e.answer }
    }
    if (e !== undefined) this.entries.delete(k)
    const answer = run()
    const entry: Entry = { fingerprint, expires: now + this.ttlMs, answer }
    this.entries.set(k, entry)
    if (this.entries.size > this.max) {
      for (const old of this.entries.keys()) { this.entries.delete(old); break }
    }
    answer.then((a) => { if (a.status !== 202 && this.entries.get(k) === entry) this.entries.delete(k) },
      () => { if (this.entries.get(k) === entry) this.entries.delete(k) })
    return { kind: 'fresh', answer }
  }

  private prune (now: number): void {
    for (const [k, e] of this.entries) {
      if (e.expires > now) break
      this.entries.delete(k)
    }
  }
}
