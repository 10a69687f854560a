// The carriers domain's public face: config parsing, the pool the engine dispatches parts
// through, the submit builder, and the retry decisions.

export { parseCarriers, parseCarrier, SUBMIT_DEFAULTS, BIND_MODES, DATA_CODING_POLICIES } from './config.js'
export type { CarrierConfig, SubmitSettings, ReconnectSettings, BindMode, DataCodingPolicy, MessageIdForms } from './config.js'
export { CarrierPool } from './pool.js'
export type { CarrierPoolOptions, PoolShare, DeliverAck } from './pool.js'
export type { OutboundPart, SubmitOutcome, SubmitCallback } from './types.js'
export { buildSubmit, mapDataCoding, concatUdh } from './submit.js'
export { backoffMs } from './connection.js'
export { AdaptiveRate } from './throttle.js'
export { FailureClass, classifyStatus, nextRetryAt, defaultRetryPolicy } from './retry.js'
export type { RetryPolicy } from './retry.js'
