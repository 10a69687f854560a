// Start-up recovery. The holds table is the index of unfinished work (a message keeps its row
// there until every part is charged or final), so recovery reads only that, never the whole
// message table: its cost grows with unfinished messages, not stored ones.

import { Op, OpKind } from './ops.js'
import { initialStatus, type Dbs, type HoldRow } from './schema.js'
import type { PartRef, RecoveryReport } from './types.js'
import type { Writer } from './writer.js'

export async function recover (dbs: Dbs, writer: Writer, now: number): Promise<RecoveryReport> {
  const t0 = performance.now()
  const requeue: PartRef[] = []
  const inFlight: PartRef[] = []
  const expire: Array<Promise<void>> = []
  let scanned = 0
  let expired = 0
  for (const { key, value } of dbs.holds.getRange({ snapshot: true })) {
    const [account, id] = key as [string, string]
    const hold = value as HoldRow
    if (hold[2] === 0) continue
    scanned++
    const st = dbs.status.get(key as [string, string]) ?? initialStatus(hold[2], 0, hold[3])
    const dead = hold[4] !== null && hold[4] < now
    for (let part = 0; part < st.parts.length; part++) {
      const p = st.parts[part]
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
