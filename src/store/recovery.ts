// Start-up recovery. The holds table is the index of unfinished work (a message keeps its row
// there until every part is charged or final), so recovery reads only that, never the whole
// message table: its cost grows with unfinished messages, not stored ones.

import { Op, OpKind } from './ops.js'
import { ByteReader, readState } from './codec.js'
import type { Dbs } from './schema.js'
import type { PartRef, RecoveryReport } from './types.js'
import type { Writer } from './writer.js'

export async function recover (dbs: Dbs, writer: Writer, now: number): Promise<RecoveryReport> {
  const t0 = performance.now()
  const requeue: PartRef[] = []
  const inFlight: PartRef[] = []
  const expire: Array<Promise<void>> = []
  let scanned = 0
  let expired = 0
  const r = new ByteReader()
  for (const { key, value } of dbs.holds.getRange({ snapshot: true })) {
    const [account, id] = key as [string, string]
    // The state row carries the part statuses: one read per unfinished message.
    const st = readState(r.on(value))
    if (st.parts === 0) continue
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
  await Promise.all(expire)
  return { requeue, inFlight, expired, scanned, durationMs: performance.now() - t0 }
}
