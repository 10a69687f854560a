// Parts of concatenated MO waiting for their siblings. A long message from a handset arrives as
// several deliver_sm, possibly out of order and over different binds (so different engine
// threads): each part is stored before its deliver_sm_resp, and the set is whole once all
// `total` are in. The part that completes the set claims it in the same transaction — exactly
// one caller gets the parts — and the set is removed once it was handed on (moSetDone). A set
// that never completes, or whose claimer died before handing it on, is claimed by the sweep.
//
//   moparts  [handset, to, ref, total, seq]  → StoredMoPart (seq 1…total)
//            [handset, to, ref, total, 0]    → { claimedAt }  (the claim)

import type { Dbs, Key } from './schema.js'
import type { MoSet, MoSetKey, StoredMoPart } from './types.js'

const CLAIM = 0

function prefix (k: MoSetKey): Key {
  return [k.handset, k.to, k.ref, k.total]
}

function partsOf (dbs: Dbs, k: MoSetKey): StoredMoPart[] {
  const p = prefix(k)
  const out: StoredMoPart[] = []
  for (const { value } of dbs.moparts.getRange({ start: [...p, 1], end: [...p, k.total + 1] })) out.push(value as StoredMoPart)
  return out
}

/** Stores one part; when it completes an unclaimed set, claims it and returns every part in order. */
export async function addMoPart (dbs: Dbs, k: MoSetKey, part: StoredMoPart): Promise<StoredMoPart[] | null> {
  return await dbs.env.transaction(() => {
    const p = prefix(k)
    // A part sent again (the carrier missed our answer) replaces itself.
    void dbs.moparts.put([...p, part.seq], part)
    if (dbs.moparts.get([...p, CLAIM]) !== undefined) return null
    const parts = partsOf(dbs, k)
    if (parts.length < k.total) return null
    void dbs.moparts.put([...p, CLAIM], { claimedAt: part.at })
    return parts
  })
}

/**
 * Claims the sets that waited too long: incomplete ones whose first part came before
 * `waitingBefore` (the rest is not coming), and claimed ones whose claim is older than
 * `claimedBefore` (the process handing them on stopped). At most `limit` sets.
 */
export async function claimStaleMoSets (dbs: Dbs, waitingBefore: number, claimedBefore: number, now: number, limit: number): Promise<MoSet[]> {
  return await dbs.env.transaction(() => {
    const found: MoSet[] = []
    let set: MoSet | null = null
    let claimedAt: number | null = null
    const close = (): void => {
      if (set === null || found.length >= limit) return
      const first = set.parts.reduce((m, p) => Math.min(m, p.at), Infinity)
      const stale = claimedAt !== null ? claimedAt < claimedBefore : first < waitingBefore
      if (stale && set.parts.length > 0) {
        void dbs.moparts.put([...prefix(set.key), CLAIM], { claimedAt: now })
        found.push(set)
      }
    }
    for (const { key, value } of dbs.moparts.getRange({})) {
      const [handset, to, ref, total, seq] = key as [string, string, number, number, number]
      if (set === null || set.key.handset !== handset || set.key.to !== to || set.key.ref !== ref || set.key.total !== total) {
        close()
        if (found.length >= limit) break
        set = { key: { handset, to, ref, total }, parts: [] }
        claimedAt = null
      }
      if (seq === CLAIM) claimedAt = (value as { claimedAt: number }).claimedAt
      else set.parts.push(value as StoredMoPart)
    }
    close()
    return found
  })
}

/** The set was handed on: its parts and claim go. */
export async function moSetDone (dbs: Dbs, k: MoSetKey): Promise<void> {
  await dbs.env.transaction(() => {
    const p = prefix(k)
    for (let seq = CLAIM; seq <= k.total; seq++) void dbs.moparts.remove([...p, seq])
  })
}
