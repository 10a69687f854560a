// The load generator's public face (the `instrada load` command and bench/e2e.ts): SMPP
// (LoadGenerator) and HTTP (HttpLoadGenerator), one result shape and one table.

export { LoadGenerator } from './generator.js'
export { HttpLoadGenerator } from './http.js'
export { LoadCore } from './core.js'
export type { LoadResult, LoadTarget } from './core.js'
export { loadOptions, httpLoadOptions, LOAD_DEFAULTS, HTTP_LOAD_DEFAULTS } from './options.js'
export type { LoadOptions, HttpLoadOptions, CommonLoadOptions } from './options.js'
export { parseMix, formatMix, buildTemplates, templateSequence, messageText, DEFAULT_MIX, MESSAGE_KINDS } from './mix.js'
export type { MessageMix, MessageKind, Template } from './mix.js'
export { LatencyHistogram } from './histogram.js'
export type { LatencySummary } from './histogram.js'
export { OpenLoopSchedule, spreadByWeight } from './schedule.js'
export { ReceiptTracker } from './receipts.js'
export type { ReceiptCounts } from './receipts.js'
export { formatResult } from './format.js'
