// The receipt a customer gets: a deliver_sm built from the stored MessageRecord alone, so it is
// the same whether a carrier receipt finished the message or the router did (permanent error,
// expiry), on whichever thread. Our message id goes in the text and in receipted_message_id,
// exactly as submit_sm_resp gave it (Kannel matches ids as exact strings).

import { CommandId, type DeliverSm } from '../smpp/pdu/index.js'
import { formatReceipt, formatReceiptDate, receiptDeliverSm } from '../smpp/receipt.js'
import type { FinalState, MessageRecord } from '../store/index.js'
import { aggregateState, decidingPart, deliveredParts, wantsReceipt } from './aggregate.js'
import { messageStateOf, partOutcome, type Stat } from './states.js'

export const ESM_RECEIPT = 0x04
export const ESM_INTERMEDIATE = 0x20

const TON_INTERNATIONAL = 1
const TON_ALPHANUMERIC = 5
const NPI_ISDN = 1
const NPI_UNKNOWN = 0
const DIGITS = /^\+?[0-9]+$/
const EMPTY = Buffer.alloc(0)
const NO_NEC = Buffer.from([3, 0, 0])

/** The standard receipt text for a message (text: left empty — see docs/receipts.md). */
export function customerReceiptText (message: MessageRecord, now: number): { text: string, stat: Stat, networkErrorCode: Buffer } {
  const p = decidingPart(message)
  const outcome = p !== null ? partOutcome(p.state as FinalState, p.error) : null
  const stat: Stat = outcome?.stat ?? 'ENROUTE'
  const done = message.finishedAt ?? now
  const text = formatReceipt({
    id: message.id,
    sub: message.parts.length,
    dlvrd: deliveredParts(message),
    submitDate: formatReceiptDate(new Date(message.receivedAt)),
    doneDate: formatReceiptDate(new Date(done)),
    stat,
    err: outcome?.err ?? '000',
    text: ''
  })
  return { text, stat, networkErrorCode: outcome?.networkErrorCode ?? NO_NEC }
}

/**
 * The customer's receipt: deliver_sm with esm_class 0x04, our id in the text and in
 * receipted_message_id, message_state and network_error_code, source = the original
 * destination, destination = the original sender (TON/NPI by kind), sub/dlvrd per parts.
 * A message not yet final gives an intermediate notification (esm_class 0x20, ENROUTE).
 */
export function buildCustomerReceipt (message: MessageRecord, now: number): DeliverSm {
  const { text, stat, networkErrorCode } = customerReceiptText(message, now)
  const dest = address(message.destination)
  const src = address(message.sender)
  return receiptDeliverSm(dest.ton, dest.npi, dest.addr, src.ton, src.npi, src.addr, stat === 'ENROUTE',
    text.length > 0 ? Buffer.from(text, 'latin1') : EMPTY,
    { receiptedMessageId: message.id, networkErrorCode, messageState: messageStateOf(stat) })
}

/** The receipt to queue for a message that just became final, or null when the customer did not ask for it. */
export function customerReceiptFor (message: MessageRecord, now: number): DeliverSm | null {
  const { final, state } = aggregateState(message)
  if (!final || state === null || !wantsReceipt(message.registeredDelivery, state)) return null
  return buildCustomerReceipt(message, now)
}

function address (a: string): { ton: number, npi: number, addr: string } {
  if (DIGITS.test(a)) return { ton: TON_INTERNATIONAL, npi: NPI_ISDN, addr: a.startsWith('+') ? a.slice(1) : a }
  return { ton: TON_ALPHANUMERIC, npi: NPI_UNKNOWN, addr: a }
}
