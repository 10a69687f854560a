// Parts of concatenated MO in a real store: a set is handed to exactly one caller when whole,
// a part sent again doesn't hand it out twice, and the sweep's claims (incomplete sets, claims
// whose holder stopped) survive a reopen.

import t from 'tap'
import type { MoSetKey, StoredMoPart } from '../../src/store/index.js'
import { openStore, tempDir } from './helpers.js'

const part = (seq: number, at: number): StoredMoPart => ({ seq, at, pdu: { sourceAddr: '393471112222', shortMessage: Buffer.from(`part ${seq}`) } })
const key = (ref: number, total = 3): MoSetKey => ({ handset: '393471112222', to: '393331234567', ref, total })

t.test('a set is whole once all its parts are in, in any order; one caller gets it, once', async (t) => {
  const store = await openStore(t, tempDir(t))
  const now = Date.now()
  t.equal(await store.addMoPart(key(1), part(3, now)), null, 'part 3 first: waiting')
  t.equal(await store.addMoPart(key(1), part(1, now)), null)
  t.equal(await store.addMoPart(key(2), part(2, now)), null, 'another reference is another set')
  const whole = await store.addMoPart(key(1), part(2, now))
  t.same(whole?.map((p) => p.seq), [1, 2, 3], 'the last part in gets every part, in order')
  t.same(Buffer.from(whole![1].pdu.shortMessage as Uint8Array).toString(), 'part 2', 'with its PDU')
  t.equal(await store.addMoPart(key(1), part(2, now)), null, 'the carrier sending a part again does not hand the set out twice')
  await store.moSetDone(key(1))
  t.same(await store.claimStaleMoSets(now + 60_000, now + 60_000, now, 10).then((s) => s.map((x) => x.key.ref)), [2], 'done: only the other set is left')
})

t.test('concurrent parts: exactly one of them completes the set', async (t) => {
  const store = await openStore(t, tempDir(t))
  const now = Date.now()
  const results = await Promise.all([1, 2, 3, 4, 5].map(async (seq) => await store.addMoPart(key(9, 5), part(seq, now))))
  t.equal(results.filter((r) => r !== null).length, 1, 'one caller')
  t.equal(results.find((r) => r !== null)?.length, 5)
})

t.test('the sweep: incomplete sets after the wait, claims whose holder stopped, each claimed once; claims survive a reopen', async (t) => {
  const dir = tempDir(t)
  let store = await openStore(t, dir)
  const now = Date.now()
  await store.addMoPart(key(1), part(1, now - 10_000))
  await store.addMoPart(key(2), part(1, now))
  const claimed = await store.addMoPart(key(3, 2), part(1, now - 120_000)).then(async () => await store.addMoPart(key(3, 2), part(2, now - 120_000)))
  t.ok(claimed !== null, 'set 3 claimed when whole…')
  // …and its holder stopped before handing it on.
  await store.close()
  store = await openStore(t, dir)
  t.equal(await store.addMoPart(key(3, 2), part(2, now)), null, 'still claimed after a reopen')
  const first = await store.claimStaleMoSets(now - 5_000, now - 60_000, now, 10)
  t.same(first.map((s) => [s.key.ref, s.parts.length]), [[1, 1], [3, 2]], 'set 1 waited past the wait; set 3 was claimed too long ago; set 2 is young')
  t.same(await store.claimStaleMoSets(now - 5_000, now - 60_000, now, 10), [], 'claimed now: the next sweep leaves them')
  t.same((await store.claimStaleMoSets(now - 5_000, now + 1, now + 1, 1)).map((s) => s.key.ref), [1], 'at most `limit` sets')
})
