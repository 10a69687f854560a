// What crosses between the main thread (customer binds, HTTP) and an engine (inline or in a
// worker thread). Plain data only: everything here survives structured clone.

import type { DeliverSm } from '../smpp/pdu/types.js'
import type { MessageRecord, Origin } from '../store/types.js'
import type { SenderKind, SmsType } from '../routing/index.js'

/** An MO's automatic answer: to the handset, charged to the account like any message it sends. */
export interface AutoReply {
  account: string
  to: string
  /** '' for types whose sender is fixed (reply, smart). */
  from: string
  text: string
  type: SmsType
}

/** One message, checked by the rules and ready to be stored and routed. */
export interface AcceptJob {
  account: string
  origin: Origin
  /** The customer's own reference (HTTP `reference`, SMPP user_message_reference). */
  reference: string | null
  type: SmsType
  sender: string
  senderTon: number
  senderNpi: number
  senderKind: SenderKind
  /** International digits. */
  destination: string
  country: string
  dataCoding: number
  /** The customer's esm_class bits to keep (0x40 only for customer-made UDH). */
  esmClass: number
  registeredDelivery: number
  protocolId: number
  priorityFlag: number
  /** Each part's bytes without a concatenation header (customer UDH parts: as sent). */
  bodies: Uint8Array[]
  /** 16-bit concatenation reference shared by the parts. */
  concatRef: number
  /** The header the bodies were cut to fit: 'udh16' (fits any method) or 'udh8' (udh8 and SAR). */
  cutFor: 'udh16' | 'udh8'
  /** Epoch ms; the message is not sent after it. */
  validUntil: number
  /** Epoch ms of a scheduled send, or null to send now. */
  scheduledAt: number | null
  /** HTTP `callback_url`: where this message's status webhooks go (else the account's webhook URL). */
  callbackUrl?: string | null
}

/**
 * The recipients of one HTTP request that share a text (and everything else but the number):
 * stored as one bulk (store BulkRequest). At most 4096 (one id block).
 */
export interface BulkJob extends Omit<AcceptJob, 'destination' | 'country' | 'concatRef' | 'scheduledAt'> {
  destinations: string[]
  countries: string[]
  /** Per recipient; null when the text has one part. */
  concatRefs: number[] | null
}

export interface BulkReply {
  /** The first recipient's message id (recipient i: bulkMemberId(id, i)); null when none was accepted. */
  id: string | null
  /** Per recipient: ESME_ROK (0) or why it was refused. */
  statuses: number[]
  /** Per recipient: milli-credits held, -1 when refused. */
  costs: number[]
}

export interface AcceptReply {
  status: number
  id: string | null
  /** Milli-credits reserved for the whole message (accepted only). */
  cost?: number
}

export interface LookupJob {
  account: string
  messageId: string
}

/** replace_sm, checked by the rules: new bodies with the same part count as the stored message. */
export interface ReplaceJob {
  account: string
  messageId: string
  bodies: Uint8Array[]
  /** undefined = keep the stored value; null = send now / no schedule. */
  scheduledAt?: number | null
  validUntil?: number
  registeredDelivery?: number
}

export interface QueryReply {
  status: number
  finalDate: string
  messageState: number
  errorCode: number
}

/** A customer receipt (or MO) to hand to one of the account's receiver binds. */
export interface OutboxItem {
  account: string
  /** The store's outbox key; acknowledged once the customer answered deliver_sm_resp OK. */
  key: string
  pdu: DeliverSm
}

/** The engine as the main thread uses it; the same for the inline and the worker host. */
export interface EngineApi {
  accept: (job: AcceptJob) => Promise<AcceptReply>
  acceptBulk: (job: BulkJob) => Promise<BulkReply>
  query: (job: LookupJob) => Promise<QueryReply>
  cancel: (job: LookupJob) => Promise<number>
  /** The stored message, or null when unknown or another account's. */
  get: (job: LookupJob) => Promise<MessageRecord | null>
  /** replace_sm before hand-off; resolves with the command_status to answer. */
  replace: (job: ReplaceJob) => Promise<number>
  /** The customer acknowledged these outbox items. */
  delivered: (account: string, keys: string[]) => void
  /** These outbox items could not be handed over (no usable bind, refused): keep them for later. */
  undelivered: (account: string, keys: string[]) => void
  /** A receiver bind of this account is up: send its waiting outbox items, oldest first. */
  drain: (account: string) => void
  /** Called by the engine for each outbox item to deliver. */
  onOutbox: ((item: OutboxItem) => void) | null
  /** Called by the engine for an MO that asks for an automatic answer (sent through the intake like any message). */
  onAutoReply: ((reply: AutoReply) => void) | null
  start: () => Promise<void>
  close: () => Promise<void>
}
