// Receipt tests: a real LMDB store in a temp dir, an account with credit, messages accepted and
// committed to a carrier the way the engine does it, and carrier receipt PDUs built by hand.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { CommandId, type DataSm, type DeliverSm, type Tlvs } from '../../src/smpp/pdu/index.js'
import { LmdbStore, MessageIdGenerator, type AcceptRequest, type PartRef } from '../../src/store/index.js'

export async function openStore (t: Test): Promise<LmdbStore> {
  const dir = mkdtempSync(join(tmpdir(), 'instrada-receipts-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const store = new LmdbStore({
    config: { path: dir, retentionDays: 30, pruneIntervalMs: 60_000, pruneBatch: 1000, mapSizeMb: 64, durability: 'commit' },
    prune: false
  })
  t.teardown(() => store.close())
  await store.start()
  for (const a of ['acme', 'globex']) await store.ledger.ensureAccount(a, { initialCredit: 1_000_000, alerts: [] })
  return store
}

const ids = new MessageIdGenerator(254)

export function request (account: string, parts: number, over: Partial<AcceptRequest> = {}): AcceptRequest {
  const payloads: Uint8Array[] = []
  for (let i = 0; i < parts; i++) payloads.push(Buffer.from(`part ${i}`))
  return {
    id: ids.next(),
    account,
    origin: { kind: 'smpp', bindId: 'b1' },
    reference: null,
    sender: 'Instrada',
    destination: '393331234567',
    country: 'IT',
    type: 'pro',
    dataCoding: 0,
    esmClass: 0,
    registeredDelivery: 1,
    payloads,
    validUntil: null,
    scheduledAt: null,
    ...over
  }
}

/** Accepts a message; returns its id. */
export async function accept (store: LmdbStore, req: AcceptRequest): Promise<string> {
  const r = await store.accept(req)
  if (!r.ok) throw new TypeError(`accept refused: ${JSON.stringify(r)}`)
  return req.id
}

/** Dispatches and commits one part to a carrier with the carrier's message id. */
export async function commit (store: LmdbStore, ref: PartRef, carrierId: string, carrierMessageId: string): Promise<void> {
  await store.dispatch(ref, carrierId)
  await store.commit(ref, carrierId, carrierMessageId)
}

export interface ReceiptPduOptions {
  esmClass?: number
  text?: string | null
  tlvs?: Tlvs | null
  dataCoding?: number
  payload?: boolean
}

/** A carrier receipt deliver_sm (text in short_message, or message_payload when payload is set). */
export function receiptPdu (o: ReceiptPduOptions = {}): DeliverSm {
  const text = o.text ?? null
  const body = text === null ? Buffer.alloc(0) : Buffer.from(text, o.dataCoding === 8 ? 'utf16le' : 'latin1')
  if (o.dataCoding === 8) body.swap16()
  const tlvs: Tlvs | null = o.payload === true ? { ...(o.tlvs ?? {}), messagePayload: body } : (o.tlvs ?? null)
  return {
    commandId: CommandId.DeliverSm,
    commandStatus: 0,
    sequenceNumber: 7,
    serviceType: '',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    sourceAddr: '393331234567',
    destAddrTon: 5,
    destAddrNpi: 0,
    destinationAddr: 'Instrada',
    esmClass: o.esmClass ?? 0x04,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding: o.dataCoding ?? 0,
    smDefaultMsgId: 0,
    shortMessage: o.payload === true ? Buffer.alloc(0) : body,
    tlvs
  }
}

export function dataSm (text: string | null, tlvs: Tlvs | null, esmClass = 0x04): DataSm {
  const t: Tlvs = { ...(tlvs ?? {}) }
  if (text !== null) t.messagePayload = Buffer.from(text, 'latin1')
  return {
    commandId: CommandId.DataSm,
    commandStatus: 0,
    sequenceNumber: 9,
    serviceType: '',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    sourceAddr: '393331234567',
    destAddrTon: 5,
    destAddrNpi: 0,
    destinationAddr: 'Instrada',
    esmClass,
    registeredDelivery: 0,
    dataCoding: 0,
    tlvs: t
  }
}

export function receiptText (id: string, stat: string, err = '000'): string {
  return `id:${id} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2611231600 done date:2611231601 stat:${stat} err:${err} text:hello`
}

/** Waits until `check` holds, polling every 5 ms, for at most `ms`. */
export async function until (check: () => boolean, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) return false
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return true
}
