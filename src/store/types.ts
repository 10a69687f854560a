// The message store as the router, receipts and HTTP domains see it. LMDB sits behind it now;
// PostgreSQL may later (cluster mode), so calls are async and ids are made by the caller.

import type { ReplaceOutcome, ReplaceRequest } from './replace.js'
import type { Refusal } from '../ledger/types.js'

/** Part states. `submitting`: handed to a carrier, no answer recorded yet (in flight). */
export type PartState = 'queued' | 'submitting' | 'submitted' | 'delivered' | 'undeliverable' |
'expired' | 'rejected' | 'failed'

export const FINAL_STATES: readonly PartState[] = ['delivered', 'undeliverable', 'expired', 'rejected', 'failed']

/** Outcomes reported by a carrier's receipt or decided by the router. */
export type FinalState = 'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'failed'

export type Origin = { kind: 'smpp', bindId: string } | { kind: 'http' }

export interface AcceptRequest {
  /** Ours, from MessageIdGenerator: unique across threads and restarts, time-ordered. */
  id: string
  account: string
  origin: Origin
  /** The customer's own reference, if any. */
  reference: string | null
  sender: string
  destination: string
  /** ISO 3166 alpha-2 of the destination, decided by the rules module (price lookup). */
  country: string | null
  type: string
  dataCoding: number
  esmClass: number
  registeredDelivery: number
  /** The bytes of each part as sent to the carrier (UDH included), kept for resends. */
  payloads: Uint8Array[]
  /** Epoch ms after which the message may no longer be sent; null = no limit. */
  validUntil: number | null
  /** Epoch ms of a scheduled send; null = now. */
  scheduledAt: number | null
  /** submit_sm protocol_id (default 0). */
  protocolId?: number
  /** submit_sm priority_flag (default 0). */
  priorityFlag?: number
  /** Concatenation reference the parts were cut with (0 for one part). */
  concatRef?: number
  /** Which UDH the payloads were cut for, so a resend uses the same (default 'udh8'). */
  cutFor?: CutFor
  /**
   * Where this message's `message.status` webhook goes (HTTP messages: the request's callback_url
   * or the account's webhook URL); null or absent = no webhook, and nothing is paid for it.
   */
  callbackUrl?: string | null
}

export type CutFor = 'udh16' | 'udh8'

/** store.cancel: cancelled; no such message (for this account); too late, a part was handed to a carrier. */
export type CancelOutcome = 'ok' | 'not_found' | 'handed_over'

/**
 * Many recipients of one text (an HTTP bulk request), stored as one row and one credit hold:
 * the members become messages (expandBulk) as the carriers can take them. Until then the
 * store shows each as a queued message (get, list), and any write naming one (cancel, replace,
 * finish) writes it as a message first.
 */
export interface BulkRequest extends Omit<AcceptRequest, 'id' | 'destination' | 'country' | 'concatRef' | 'scheduledAt'> {
  /** From MessageIdGenerator.block(destinations.length): member i's id is bulkMemberId(id, i). */
  id: string
  destinations: string[]
  countries: Array<string | null>
  /** Per member; null when every member has one part (reference 0). */
  concatRefs: number[] | null
  /** Members refused before the store (the engine's queue limit): not stored, ids unused. */
  skip?: number[]
}

export interface BulkAcceptResult {
  /** Milli-credits held per member; -1 for a member refused (see `refusals`) or skipped. */
  costs: number[]
  refusals: Array<[member: number, refusal: Refusal]>
}

/** Members of a bulk written as messages by one expandBulk call. */
export interface BulkMembers {
  account: string
  type: string
  sender: string
  dataCoding: number
  esmClass: number
  protocolId: number
  priorityFlag: number
  payloads: Uint8Array[]
  cutFor: CutFor
  validUntil: number | null
  ids: string[]
  destinations: string[]
  countries: Array<string | null>
  concatRefs: number[]
  /** No member is left to expand: the bulk row is gone. */
  done: boolean
}

/** A bulk with members left to expand (recovery). */
export interface BulkRef {
  account: string
  id: string
  /** Members left (not expanded, not refused, not written early by a cancel or replace). */
  left: number
}

export type AcceptResult = { ok: true, id: string, cost: number, partCost: number } | Refusal

export interface FinishResult {
  /** False when the part was already final (a duplicate receipt, a race): nothing changed. */
  changed: boolean
  /** This finish made the last part final: the message is done. */
  messageDone: boolean
  /** With messageDone: a customer receipt is owed (an outbox entry was written with it), so its
   *  record is worth reading; false for HTTP messages and SMPP ones that asked for none. */
  receiptOwed?: boolean
  /** With messageDone: when the message was accepted (epoch ms). */
  receivedAt?: number
}

export interface PartRef {
  account: string
  id: string
  part: number
}

/** One carrier acceptance, for commitBatch. */
export interface CommitRequest extends PartRef {
  carrierId: string
  carrierMessageId: string
}

export interface PartRecord {
  part: number
  payload: Uint8Array
  state: PartState
  queuedAt: number
  dispatchedAt: number | null
  submittedAt: number | null
  doneAt: number | null
  carrierId: string | null
  carrierMessageId: string | null
  /** Error detail of a failure or a receipt (e.g. SMPP status or network error code). */
  error: string | null
  attempts: number
  /** Milli-credits charged for this part (0 until the carrier accepted it). */
  charged: number
  dueAt: number | null
}

export interface MessageRecord {
  id: string
  account: string
  origin: Origin
  reference: string | null
  sender: string
  destination: string
  country: string | null
  type: string
  dataCoding: number
  esmClass: number
  registeredDelivery: number
  protocolId: number
  priorityFlag: number
  concatRef: number
  cutFor: CutFor
  partCost: number
  cost: number
  receivedAt: number
  validUntil: number | null
  scheduledAt: number | null
  finishedAt: number | null
  /** Where the message's status webhook goes; null (or absent, in records built by hand) = none. */
  callbackUrl?: string | null
  parts: PartRecord[]
}

export interface Page<T> {
  items: T[]
  /** Pass as `after` for the next page; null at the end. */
  next: string | null
}

export interface ListOptions {
  /** Only messages received at or after this time (epoch ms). */
  since?: number
  /** Only messages received before this time (epoch ms). */
  until?: number
  /** Cursor from a previous page. */
  after?: string
  limit?: number
  /** Newest first. */
  reverse?: boolean
}

export interface StoredReceipt {
  key: string
  receipt: Record<string, unknown>
}

/** A concatenated MO: who sent it where, its reference and its number of parts. */
export interface MoSetKey {
  handset: string
  to: string
  ref: number
  total: number
}

/** One stored part of a concatenated MO: the deliver_sm as the customer gets it (customerMo). */
export interface StoredMoPart {
  seq: number
  /** When it arrived (epoch ms). */
  at: number
  pdu: Record<string, unknown>
}

export interface MoSet {
  key: MoSetKey
  /** In seq order; fewer than key.total when the set never completed. */
  parts: StoredMoPart[]
}

export interface RecoveryReport {
  /** Parts acknowledged to the customer but never handed to a carrier: send them again. */
  requeue: PartRef[]
  /** Parts handed to a carrier with no answer recorded: the router decides (resend or wait). */
  inFlight: PartRef[]
  /** Parts whose validity ended while we were down; their holds were released. */
  expired: number
  /** Bulks with members not yet written as messages: queue them again. */
  bulks: BulkRef[]
  /** Unfinished messages looked at. */
  scanned: number
  durationMs: number
}

export interface MessageStore {
  accept: (msg: AcceptRequest) => Promise<AcceptResult>
  acceptBatch: (msgs: AcceptRequest[]) => Promise<AcceptResult[]>
  /** A bulk (see BulkRequest): one row, one hold for the members accepted; per-member refusals as accept's. */
  acceptBulk: (bulk: BulkRequest) => Promise<BulkAcceptResult>
  /**
   * Writes up to `max` of the bulk's next members as messages (queued, their share of the hold
   * moved onto them) and says which; members written early are passed over. Empty and done when
   * nothing is left or the bulk is unknown.
   */
  expandBulk: (account: string, id: string, max: number) => Promise<BulkMembers>
  /**
   * Records that a part is being handed to a carrier (lets recovery tell in-flight from queued).
   * Resolves false when it must not be sent: final meanwhile (cancelled, expired), accepted by a
   * carrier already, or unknown.
   */
  dispatch: (ref: PartRef, carrierId: string) => Promise<boolean>
  /**
   * A customer's cancel (cancel_sm): every part failed and its credit released, in one
   * transaction with the check that no part was handed over yet ('handed_over' otherwise).
   */
  cancel: (account: string, id: string, at?: number) => Promise<CancelOutcome>
  /** The carrier accepted the part: its hold becomes a charge and the receipt index learns its id. */
  commit: (ref: PartRef, carrierId: string, carrierMessageId: string) => Promise<void>
  /** Several commits in one queued write (the router's submit_sm_resp batch): one promise. */
  commitBatch: (items: CommitRequest[]) => Promise<void>
  /** A temporary failure: back to queued, due again at `dueAt`. */
  retry: (ref: PartRef, dueAt: number, error: string | null) => Promise<void>
  /**
   * A final outcome. Parts never accepted by a carrier get their hold released. When this
   * completes a message that came over SMPP and asked for a receipt, an outbox entry
   * `{ message: id, queuedAt }` keyed by the message id is written in the same transaction. Says, decided
   * inside the write transaction, whether this call changed the part and whether it was the
   * one that completed the whole message (exactly one caller sees that, across threads).
   */
  finish: (ref: PartRef, state: FinalState, error: string | null, at?: number) => Promise<FinishResult>
  /**
   * replace_sm: new bodies (same part count), schedule, validity or registered_delivery for a
   * message none of whose parts was handed to a carrier; decided in the write transaction.
   */
  replace: (account: string, id: string, r: ReplaceRequest) => Promise<ReplaceOutcome>
  get: (account: string, id: string) => Promise<MessageRecord | null>
  /** Receipt correlation: a carrier's message id (its canonical form, see carrier-id.ts) to our part. */
  byCarrierId: (carrierId: string, carrierMessageId: string) => Promise<PartRef | null>
  /**
   * Who sent the latest `reply`-type message from `sender` to `handset` at or after `since`
   * (epoch ms): the account an answer from that handset to that number belongs to.
   */
  replyRoute: (sender: string, handset: string, since: number) => Promise<PartRef | null>
  /** Queued parts whose retry or schedule time has come, oldest first. */
  due: (now: number, limit: number) => Promise<PartRef[]>
  list: (account: string, opts?: ListOptions) => Promise<Page<MessageRecord>>
  enqueueReceipt: (account: string, receipt: Record<string, unknown>) => Promise<string>
  peekReceipts: (account: string, limit: number) => Promise<StoredReceipt[]>
  ackReceipts: (account: string, keys: string[]) => Promise<void>
  /** Deletes finished messages older than the retention; at most `limit`. Returns how many. */
  prune: (now: number, limit: number) => Promise<number>
  /**
   * A part of a concatenated MO, durable on return. When it completes a set nobody claimed, the
   * set is claimed for this caller and every part comes back in order; otherwise null.
   */
  addMoPart: (key: MoSetKey, part: StoredMoPart) => Promise<StoredMoPart[] | null>
  /** Sets incomplete since before `waitingBefore`, or claimed before `claimedBefore` and never done: claimed now. */
  claimStaleMoSets: (waitingBefore: number, claimedBefore: number, now: number, limit: number) => Promise<MoSet[]>
  /** A claimed set was handed on: removed. */
  moSetDone: (key: MoSetKey) => Promise<void>
  /** What start() found. */
  readonly recovery: RecoveryReport | null
  /**
   * A webhook event (inbound message, or anything not written by another store operation), due
   * at once. Resolves with the event id (made by the store) after the commit.
   */
  enqueueEvent: (e: NewEvent) => Promise<string>
  /** Pending events due at or before `now`, soonest first. */
  dueEvents: (now: number, limit: number) => Promise<WebhookEvent[]>
  /** A 2xx was received: the event is gone. No-op when it already is. */
  eventDelivered: (ref: EventRef) => Promise<void>
  /** An attempt failed: one more attempt counted, due again at `dueAt`. */
  eventRetry: (ref: EventRef, dueAt: number, error: string | null) => Promise<void>
  /** No more attempts: the event moves to the expired list (kept for a listing until retention). */
  eventExpired: (ref: EventRef, error: string | null, at?: number) => Promise<void>
  /** Expired events, oldest first, after the cursor (an event id from a previous page). */
  expiredEvents: (opts?: { after?: string, limit?: number }) => Promise<WebhookEvent[]>
  /** Events waiting to be delivered, and expired events kept. */
  eventCounts: () => Promise<{ pending: number, expired: number }>
}

/** Webhook event types the store writes (the sender decides where they go). */
export type EventType = 'message.status' | 'message.inbound' | 'credit.low'

export interface NewEvent {
  type: EventType
  account: string
  /** The message this event is about (message.status), else null. */
  messageId?: string | null
  /** The event's payload (plain data); message.status builds its own from the message record. */
  data?: Record<string, unknown> | null
  /** Epoch ms the event happened (default now). */
  at?: number
}

/** Names one stored event as the sender saw it (the due time is part of the LMDB key). */
export interface EventRef {
  id: string
  dueAt: number
}

export interface WebhookEvent extends EventRef {
  type: EventType
  account: string
  messageId: string | null
  data: Record<string, unknown> | null
  createdAt: number
  /** Attempts made so far (failed ones; a delivered event is no longer stored). */
  attempts: number
  lastError: string | null
  /** Set once expired. */
  expiredAt: number | null
}

export interface StoredDoc<T> {
  key: string
  value: T
}

/**
 * Small documents by kind and key, beside the messages: admin-made settings, idempotency answers,
 * verification codes. Not for the hot path (each write is its own transaction). Values must
 * survive structured clone / msgpack (plain objects, arrays, strings, numbers, booleans, null).
 */
export interface DocStore {
  getDoc: <T>(kind: string, key: string) => Promise<T | null>
  /** Writes (or replaces) a document; resolves after the commit. */
  putDoc: (kind: string, key: string, value: unknown) => Promise<void>
  /** Deletes a document; says whether it existed. */
  deleteDoc: (kind: string, key: string) => Promise<boolean>
  /**
   * Read-modify-write in one write transaction: `fn` gets the current value (null when absent) and
   * returns the new one (null deletes, undefined leaves it as it is). Resolves with what was stored.
   */
  updateDoc: <T>(kind: string, key: string, fn: (current: T | null) => T | null | undefined) => Promise<T | null>
  /** Documents of one kind in key order, optionally only keys starting with `prefix`, after `after`. */
  listDocs: <T>(kind: string, opts?: { prefix?: string, after?: string, limit?: number }) => Promise<Array<StoredDoc<T>>>
}
