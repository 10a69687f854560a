// Idempotency-Key: a retry of a request that was answered 202 gets the first answer again, and
// a retry that arrives while the first is still running waits for it (same process) or is told
// to retry (another process). Answers are kept in the store's documents (kind 'idem', key
// account + NUL + key), so a restart or a second router process on the same store replays them;
// a bounded, time-limited in-process map in front holds in-flight requests and recent answers.
// Refusals are not kept: they changed nothing, and a retry after the cause is fixed (credit
// topped up) should be tried afresh.

import { createHash, randomUUID } from 'node:crypto'
import type { DocStore } from '../store/index.js'

export interface StoredAnswer {
  status: number
  body: unknown
}

export type Outcome =
  /** `expires`: when a replayed answer read from the store stops counting. */
  | { kind: 'fresh' | 'replay', answer: StoredAnswer, expires?: number }
  /** The key was used for a different request. */
  | { kind: 'conflict' }
  /** Another process is running the first request with this key right now. */
  | { kind: 'in_progress' }

/** The stored document. `owner` is set while the first request runs (until `pendingUntil`). */
interface IdemDoc {
  fp: string
  expires: number
  answer: StoredAnswer | null
  owner: string | null
  pendingUntil: number
}

interface Entry {
  fingerprint: string
  expires: number
  outcome: Promise<Outcome>
}

export const IDEM_KIND = 'idem'
/** A process that died mid-request holds its key this long, then another may take it. */
const PENDING_MS = 60_000

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>()
  private sweepAfter: string | undefined
  private timer: NodeJS.Timeout | null = null
  private sweeping: Promise<void> | null = null

  constructor (private readonly ttlMs: number, private readonly max: number, private readonly docs: DocStore | null = null) {}

  get size (): number { return this.entries.size }

  static fingerprint (method: string, path: string, body: Buffer): string {
    return createHash('sha256').update(method).update('\0').update(path).update('\0').update(body).digest('base64')
  }

  /** The answer for (account, key): the earlier one when known, else `run`'s, recorded. */
  async begin (account: string, key: string, fingerprint: string, now: number, run: () => Promise<StoredAnswer>): Promise<Outcome> {
    this.prune(now)
    const k = `${account}\0${key}`
    const e = this.entries.get(k)
    if (e !== undefined && e.expires > now) {
      if (e.fingerprint !== fingerprint) return { kind: 'conflict' }
      const o = await e.outcome
      return o.kind === 'fresh' ? { kind: 'replay', answer: o.answer } : o
    }
    if (e !== undefined) this.entries.delete(k)
    const entry: Entry = { fingerprint, expires: now + this.ttlMs, outcome: this.resolve(k, fingerprint, now, run) }
    this.entries.set(k, entry)
    if (this.entries.size > this.max) {
      for (const old of this.entries.keys()) { this.entries.delete(old); break }
    }
    const drop = (): void => { if (this.entries.get(k) === entry) this.entries.delete(k) }
    entry.outcome.then((o) => {
      if (o.kind === 'conflict' || o.kind === 'in_progress' || o.answer.status !== 202) drop()
      else if (o.expires !== undefined) entry.expires = o.expires
    }, drop)
    return await entry.outcome
  }

  private async resolve (k: string, fp: string, now: number, run: () => Promise<StoredAnswer>): Promise<Outcome> {
    const docs = this.docs
    if (docs === null) return { kind: 'fresh', answer: await run() }
    const token = randomUUID()
    const expires = now + this.ttlMs
    // Reserve the key in one write transaction: of two processes, one wins; the other sees its doc.
    const doc = await docs.updateDoc<IdemDoc>(IDEM_KIND, k, (cur) => {
      if (cur !== null && cur.expires > now && (cur.answer !== null || cur.pendingUntil > now)) return undefined
      return { fp, expires, answer: null, owner: token, pendingUntil: now + PENDING_MS }
    })
    if (doc === null || doc.owner !== token) {
      if (doc === null) return { kind: 'in_progress' }
      if (doc.fp !== fp) return { kind: 'conflict' }
      return doc.answer === null ? { kind: 'in_progress' } : { kind: 'replay', answer: doc.answer, expires: doc.expires }
    }
    const release = async (): Promise<void> => {
      await docs.updateDoc<IdemDoc>(IDEM_KIND, k, (cur) => cur?.owner === token ? null : undefined)
    }
    let answer: StoredAnswer
    try {
      answer = await run()
    } catch (err) {
      await release().catch(() => {})
      throw err
    }
    if (answer.status !== 202) {
      await release()
      return { kind: 'fresh', answer }
    }
    // Stored as the client saw it (error entries are ApiError objects until serialised).
    const kept: StoredAnswer = { status: answer.status, body: JSON.parse(JSON.stringify(answer.body)) }
    await docs.updateDoc<IdemDoc>(IDEM_KIND, k, (cur) => cur?.owner === token ? { fp, expires, answer: kept, owner: null, pendingUntil: 0 } : undefined)
    return { kind: 'fresh', answer }
  }

  private prune (now: number): void {
    for (const [k, e] of this.entries) {
      if (e.expires > now) break
      this.entries.delete(k)
    }
  }

  /** Starts the background removal of expired documents: one bounded step every `intervalMs`. */
  start (intervalMs = 30_000, perTick = 1000): void {
    if (this.docs === null || this.timer !== null) return
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep(Date.now(), perTick).then(() => {}, () => {}).finally(() => { this.sweeping = null })
    }, intervalMs)
    this.timer.unref()
  }

  async close (): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.sweeping
  }

  /**
   * Looks at up to `limit` documents after where the last step stopped, deletes the expired
   * ones, and wraps around at the end. Returns how many were deleted.
   */
  async sweep (now: number, limit: number): Promise<number> {
    const docs = this.docs
    if (docs === null) return 0
    const page = await docs.listDocs<IdemDoc>(IDEM_KIND, { after: this.sweepAfter, limit })
    this.sweepAfter = page.length < limit ? undefined : page[page.length - 1].key
    let deleted = 0
    for (const d of page) {
      if (!expired(d.value, now)) continue
      const gone = await docs.updateDoc<IdemDoc>(IDEM_KIND, d.key, (cur) => cur !== null && expired(cur, now) ? null : undefined)
      if (gone === null) deleted++
    }
    return deleted
  }
}

function expired (d: IdemDoc, now: number): boolean {
  return d.expires <= now || (d.answer === null && d.pendingUntil <= now)
}
