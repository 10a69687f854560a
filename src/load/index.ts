// The load generator's public face (the `instrada load` command and bench/e2e.ts).

export { LoadGenerator } from './generator.js'
export type { LoadResult } from './generator.js'
export { loadOptions, LOAD_DEFAULTS } from './options.js'
export type { LoadOptions } from './options.js'
export { parseMix, formatMix, buildTemplates, templateSequence, DEFAULT_MIX, MESSAGE_KINDS } from './mix.js'
export type { MessageMix, MessageKind, Template } from './mix.js'
export { LatencyHistogram } from './histogram.js'
export type { LatencySummary } from './histogram.js'
export { OpenLoopSchedule, spreadByWeight } from './schedule.js'
export { ReceiptTracker } from './receipts.js'
export type { ReceiptCounts } from './receipts.js'
export { formatResult } from './format.js'
