// The index of unfinished work. Each writer batch lists the messages it accepts, per account, in
// open sets of at most SET_MAX ids (key [account, set], set = the id of its first member); the
// batch that closes a message (no part left neither charged nor final) drops it from its set,
// one rewrite per set and batch, and deletes the set once empty. So an accept costs a share of
// one put instead of a row of its own, and a batch that charges everything it accepted deletes
// its sets without reading them. Recovery and reconcile read only the sets and their members.

import type { Database } from 'lmdb'
import { ByteReader, type ByteWriter } from './codec.js'
import type { Key } from './schema.js'

/**
 * Members per open set. A batch that closes some members rewrites the set's row, so this
 * bounds that rewrite (about 20 bytes a member) while keeping sets per accepted message rare.
 */
export const SET_MAX = 256

/** An open set touched by this batch: made here (`ids`), or stored with members to drop. */
interface SetWork {
  account: string
  set: string
  /** The members of a set made in this batch; null for a stored set. */
  ids: string[] | null
  /** Members this batch closed (each at most once: only a listed, open message is dropped). */
  drop: string[]
}

/** The open-set changes of one writer batch, written by flush() inside its transaction. */
export class OpenSets {
  private readonly db: Database<Buffer, Key>
  /** Per account, the set this batch's accepts are filling. */
  private readonly filling = new Map<string, SetWork>()
  /** Every set this batch made or changed, by set id (unique: a message id; the account is
   *  checked, and a clash falls back to account + NUL + set). */
  private readonly sets = new Map<string, SetWork>()

  constructor (db: Database<Buffer, Key>) {
    this.db = db
  }

  /** Lists a message accepted in this batch; returns its set. */
  enlist (account: string, id: string): string {
    let s = this.filling.get(account)
    if (s === undefined || (s.ids as string[]).length >= SET_MAX) {
      s = { account, set: id, ids: [], drop: [] }
      this.filling.set(account, s)
      this.sets.set(this.sets.get(id) === undefined ? id : account + '\u0000' + id, s)
    }
    (s.ids as string[]).push(id)
    return s.set
  }

  /** Drops a message that this batch closed from its set. */
  delist (account: string, set: string, id: string): void {
    let k = set
    let s = this.sets.get(k)
    if (s !== undefined && s.account !== account) {
      // Only if two accounts used the same message id; never share their work.
      k = account + '\u0000' + set
      s = this.sets.get(k)
    }
    if (s === undefined) {
      s = { account, set, ids: null, drop: [] }
      this.sets.set(k, s)
    }
    s.drop.push(id)
  }

  /** Writes the sets made or changed since the last flush (inside the write transaction). */
  flush (w: ByteWriter): void {
    const db = this.db
    for (const s of this.sets.values()) {
      const key: Key = [s.account, s.set]
      let ids = s.ids
      const drop = s.drop
      if (ids === null) {
        const buf = db.getBinaryFast(key)
        if (buf === undefined) continue
        // Every member dropped (the usual case when a whole batch is charged at once): delete
        // without decoding. Only listed, open messages are dropped, once each.
        if (drop.length >= setSize(buf)) {
          db.remove(key)
          continue
        }
        ids = readSet(buf)
      }
      if (drop.length > 0) {
        const gone = new Set(drop)
        ids = ids.filter((id) => !gone.has(id))
      }
      if (ids.length > 0) db.put(key, writeSet(w, ids))
      else if (s.ids === null) db.remove(key)
    }
    this.clear()
  }

  /** Forgets this batch's changes (a new batch, or a failed one). */
  clear (): void {
    this.sets.clear()
    this.filling.clear()
  }
}

// Row: uint32 member count, then each member id as a length-prefixed string (codec.ts).

export function writeSet (w: ByteWriter, ids: readonly string[]): Buffer {
  w.reset()
  w.u32(ids.length)
  for (let i = 0; i < ids.length; i++) w.str(ids[i])
  return w.out()
}

/** The number of members, without decoding them. */
export function setSize (buf: Buffer): number {
  return buf.readUInt32LE(0)
}

export function readSet (buf: Buffer): string[] {
  const r = new ByteReader().on(buf)
  const n = r.u32()
  const out: string[] = new Array(n)
  for (let i = 0; i < n; i++) out[i] = r.str()
  return out
}
