// Shared by store and ledger tests: a real LMDB store in a temp dir, and message builders.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { Pricing, type PricingConfig } from '../../src/ledger/pricing.js'
import type { StoreConfig } from '../../src/store/config.js'
import { LmdbStore } from '../../src/store/lmdb-store.js'
import { MessageIdGenerator } from '../../src/store/ids.js'
import type { AcceptRequest } from '../../src/store/types.js'

export function tempDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'instrada-store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function storeConfig (path: string, over: Partial<StoreConfig> = {}): StoreConfig {
  return { path, retentionDays: 30, pruneIntervalMs: 60_000, pruneBatch: 1000, mapSizeMb: 64, durability: 'commit', ...over }
}

export async function openStore (t: Test, path: string, over: Partial<StoreConfig> = {}, pricing?: PricingConfig): Promise<LmdbStore> {
  const store = new LmdbStore({ config: storeConfig(path, over), pricing: pricing !== undefined ? new Pricing(pricing) : undefined, prune: false })
  t.teardown(() => store.close())
  await store.start()
  return store
}

let fallbackIds: MessageIdGenerator | null = null

export function message (account: string, over: Partial<AcceptRequest> = {}, ids?: MessageIdGenerator): AcceptRequest {
  fallbackIds ??= new MessageIdGenerator(255)
  return {
    id: (ids ?? fallbackIds).next(),
    account,
    origin: { kind: 'smpp', bindId: 'b1' },
    reference: null,
    sender: 'ACME',
    destination: '393331234567',
    country: 'IT',
    type: 'pro',
    dataCoding: 0,
    esmClass: 0,
    registeredDelivery: 1,
    payloads: [Buffer.from('hello')],
    validUntil: null,
    scheduledAt: null,
    ...over
  }
}
