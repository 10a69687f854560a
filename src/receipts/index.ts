// The receipts domain's public face: carrier receipts in, customer receipts out. The engine
// parses a carrier deliver_sm/data_sm with parseCarrierReceipt (null = MO traffic), hands it to
// its thread's DlrCorrelator, and for a message that became final queues customerReceiptFor().

export { parseCarrierReceipt } from './carrier-receipt.js'
export type { CarrierReceipt } from './carrier-receipt.js'
export { DlrCorrelator, convertId } from './correlator.js'
export type { CarrierIdTypes, CorrelationResult, DlrCorrelatorOptions, LateListener } from './correlator.js'
export { aggregateState, decidingPart, deliveredParts, wantsReceipt } from './aggregate.js'
export { buildCustomerReceipt, customerReceiptFor, customerReceiptText, ESM_RECEIPT, ESM_INTERMEDIATE } from './customer-receipt.js'
export {
  STATS, normaliseStat, statOfMessageState, messageStateOf, finalStateOf, statOf, severity, partError, partOutcome
} from './states.js'
export type { Stat, PartOutcome } from './states.js'
export { DEFAULT_RECEIPTS } from './config.js'
export type { ReceiptsConfig } from './config.js'
