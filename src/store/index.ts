// The message store's public face for other domains. Code outside src/store/ depends on the
// MessageStore and Ledger interfaces; only wiring code names LmdbStore.

export type {
  AcceptRequest, AcceptResult, CommitRequest, CutFor, FinalState, FinishResult, ListOptions, MessageRecord, MessageStore, Origin, Page, PartRecord,
  PartRef, PartState, RecoveryReport, StoredReceipt, DocStore, StoredDoc, EventType, NewEvent, EventRef, WebhookEvent, MoSet, MoSetKey, StoredMoPart
} from './types.js'
export { FINAL_STATES } from './types.js'
export { LmdbStore, type LmdbStoreOptions } from './lmdb-store.js'
export { MessageIdGenerator, idTime } from './ids.js'
export { parseStoreConfig, STORE_KEYS, type StoreConfig, type Durability } from './config.js'
export { canonicalCarrierId } from './carrier-id.js'
export type { ReplaceRequest, ReplaceOutcome } from './replace.js'
