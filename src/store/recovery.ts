// Start-up recovery. The open sets (`open`) list every unfinished message (one with a part
// neither charged nor final), so recovery reads only those and each listed message's state
// (its `status` row, or the state its message row implies when nothing happened to it yet),
// never the whole message table: its cost grows with unfinished messages, not stored ones.

import { Op, OpKind } from './ops.js'
import { ByteReader, messageState, readState, type StateRow } from './codec.js'
import { readSet } from './open-sets.js'
import type { Database } from 'lmdb'
import type { Dbs, Key } from './schema.js'
import type { BulkRef, PartRef, RecoveryReport } from './types.js'
import { pendingBulks } from './bulk.js'
import type { Writer } from './writer.js'

/** The state of a listed message (undefined if its message row is gone). */
export function listedState (dbs: Dbs, r: ByteReader, key: Key, options?: object): StateRow | undefined {
  const buf = getIn(dbs.status, key, options)
  if (buf !== undefined) return readState(r.on(buf))
  const mbuf = getIn(dbs.messages, key, options)
  return mbuf === undefined ? undefined : messageState(r.on(mbuf))
}

/** getBinaryFast inside a given read transaction (lmdb-js takes `{ transaction }`; its typings omit it). */
function getIn (db: Database<Buffer, Key>, key: Key, options?: object): Buffer | undefined {
  return (db as unknown as { getBinaryFast: (k: Key, o?: object) => Buffer | undefined }).getBinaryFast(key, options)
}

export async function recover (dbs: Dbs, writer: Writer, now: number): Promise<RecoveryReport> {
  const t0 = performance.now()
  const requeue: PartRef[] = []
  const inFlight: PartRef[] = []
  const expire: Array<Promise<void>> = []
  let scanned = 0
  let expired = 0
  let bulks: BulkRef[] = []
  const r = new ByteReader()
  // One snapshot for the sets and the states they point to. (Prefetching the listed rows with
  // lmdb's prefetch() before reading them measured slower, so the reads are plain gets.)
  const txn = dbs.env.useReadTransaction()
  try {
    const options = { transaction: txn }
    for (const { key, value } of dbs.open.getRange({ transaction: txn } as object)) {
      const account = (key as Key)[0] as string
      // Decoded before the reads below, which may reuse lmdb's buffer.
      for (const id of readSet(value)) {
        const st = listedState(dbs, r, [account, id], options)
        if (st === undefined) continue
        scanned++
        const dead = st.vu !== null && st.vu < now
        for (let part = 0; part < st.st.length; part++) {
          const p = st.st[part]
          if (p.chg !== 0 || (p.st !== 'queued' && p.st !== 'submitting')) continue
          if (dead) {
            const op = new Op(OpKind.FINISH, account, id, part, now, null, 'validity expired before sending')
            op.state = 'expired'
            expire.push(writer.submit<void>(op))
            expired++
          } else if (p.st === 'submitting') {
            inFlight.push({ account, id, part })
          } else if (p.due === null || p.due <= now) {
            requeue.push({ account, id, part })
          }
        }
      }
    }
    bulks = pendingBulks(dbs, options)
  } finally {
    txn.done()
  }
  await Promise.all(expire)
  return { requeue, inFlight, bulks, expired, scanned, durationMs: performance.now() - t0 }
}
