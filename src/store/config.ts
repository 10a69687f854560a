// The `store:` section.
//
// store:
//   path: data/instrada        # LMDB environment directory
//   retention_days: 30         # finished messages are pruned after this many days
//   prune_interval_ms: 1000    # background pruning tick
//   prune_batch: 2000          # at most this many messages deleted per tick
//   map_size_mb: 4096          # initial LMDB map size (it grows as needed)
//   durability: flush          # flush | commit | none (see docs/store.md)

import type { ConfigNode } from '../config/node.js'

export type Durability = 'flush' | 'commit' | 'none'

export interface StoreConfig {
  path: string
  retentionDays: number
  pruneIntervalMs: number
  pruneBatch: number
  mapSizeMb: number
  durability: Durability
}

export const STORE_KEYS = ['path', 'retention_days', 'prune_interval_ms', 'prune_batch', 'map_size_mb', 'durability'] as const

export function parseStoreConfig (node: ConfigNode): StoreConfig {
  node.allowOnly(STORE_KEYS)
  return {
    path: node.string('path', 'data/instrada'),
    retentionDays: node.number('retention_days', 30, { min: 0 }),
    pruneIntervalMs: node.int('prune_interval_ms', 1000, { min: 10 }),
    pruneBatch: node.int('prune_batch', 2000, { min: 1 }),
    mapSizeMb: node.int('map_size_mb', 4096, { min: 16 }),
    durability: node.oneOf('durability', ['flush', 'commit', 'none'] as const, 'flush')
  }
}
