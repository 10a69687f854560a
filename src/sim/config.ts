// YAML → SimulatorConfig. Every section goes through ConfigNode with allowOnly(), so a typo is an
// error naming file, line and key rather than a silent default. The router calls
// parseSimulatorConfig() on its own `simulator:` section; `instrada sim --config` on a whole file.

import { ConfigNode } from '../config/node.js'
import { Latency, hash32, type LatencySpec } from './random.js'
import { BUILTIN_OVERRIDES, DEFAULT_ERR, FINAL_STATS, OutcomeMix, statIndex, type OutcomeEntry, type Override } from './outcomes.js'
import { DEFAULT_HOST, DEFAULT_PORT, defaultProfile, type CarrierProfile, type HandsetProfile, type HlrNetwork, type HlrProfile, type HlrRange, type KeywordRule, type ScheduledMo, type SimAccount } from './profile.js'

export interface ControlConfig {
  host: string
  /** 0 = an ephemeral port; null = no control endpoint. */
  port: number | null
  /** How many recent messages the control endpoint keeps per carrier. */
  lastMessages: number
}

export interface SimulatorConfig {
  seed: number
  control: ControlConfig
  carriers: CarrierProfile[]
}

const TOP_KEYS = ['seed', 'control', 'carriers'] as const
const CARRIER_KEYS = ['name', 'host', 'port', 'seed', 'window', 'accounts', 'message_id', 'receipts', 'outcomes', 'submit',
  'faults', 'overrides', 'builtin_overrides', 'handsets', 'hlr'] as const

/** The zero-argument simulator: one carrier, no control endpoint. */
export function defaultSimulatorConfig (): SimulatorConfig {
  return { seed: 1, control: { host: DEFAULT_HOST, port: null, lastMessages: 1000 }, carriers: [defaultProfile()] }
}

export function loadSimulatorConfig (file: string): SimulatorConfig {
  return parseSimulatorConfig(ConfigNode.load(file))
}

export function parseSimulatorConfig (node: ConfigNode): SimulatorConfig {
  node.allowOnly(TOP_KEYS)
  const seed = node.int('seed', 1, { min: 0, max: 0xffffffff })
  const c = node.child('control').allowOnly(['host', 'port', 'last_messages'])
  const control: ControlConfig = {
    host: c.string('host', DEFAULT_HOST),
    port: c.has('port') ? c.int('port', 0, { min: 0, max: 65535 }) : null,
    lastMessages: c.int('last_messages', 1000, { min: 0, max: 1_000_000 })
  }
  const items = node.list('carriers')
  const carriers = items.length === 0 ? [defaultProfile({ seed })] : items.map((n, i) => parseCarrier(n, seed, i))
  const names = new Set<string>()
  const ports = new Set<string>()
  for (let i = 0; i < carriers.length; i++) {
    const p = carriers[i]
    if (names.has(p.name)) throw items[i].fail('name', `carrier name '${p.name}' is used twice`)
    names.add(p.name)
    const where = `${p.host}:${p.port}`
    if (p.port !== 0 && ports.has(where)) throw items[i].fail('port', `${where} is used by two carriers`)
    ports.add(where)
  }
  return { seed, control, carriers }
}

export function parseCarrier (n: ConfigNode, globalSeed: number, index: number): CarrierProfile {
  n.allowOnly(CARRIER_KEYS)
  const name = n.string('name', index === 0 ? 'sim' : `sim${index + 1}`)
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(name)) throw n.fail('name', 'use 1-32 letters, digits, _ . -')
  const p = defaultProfile({
    name,
    host: n.string('host', DEFAULT_HOST),
    port: n.int('port', index === 0 ? DEFAULT_PORT : DEFAULT_PORT + index, { min: 0, max: 65535 }),
    seed: n.int('seed', hash32(name, globalSeed), { min: 0, max: 0xffffffff })
  })
  if (n.has('accounts')) p.accounts = n.list('accounts').map(parseAccount)
  if (p.accounts.length === 0) throw n.fail('accounts', 'at least one account is needed')
  p.window = n.int('window', p.window, { min: 1, max: 100_000 })

  const id = n.child('message_id').allowOnly(['format', 'receipt_format', 'start'])
  p.idFormat = id.oneOf('format', ['hex', 'decimal'] as const, 'hex')
  p.receiptIdFormat = id.oneOf('receipt_format', ['hex', 'decimal'] as const, p.idFormat)
  p.idStart = id.int('start', 1, { min: 0, max: Number.MAX_SAFE_INTEGER / 2 })

  const r = n.child('receipts').allowOnly(['latency', 'enroute_latency', 'queue_limit', 'queue_ttl_ms', 'retain_ms', 'max_messages'])
  if (r.has('latency')) p.latency = parseLatency(r, 'latency')
  if (r.has('enroute_latency')) p.enrouteLatency = parseLatency(r, 'enroute_latency')
  p.receiptQueueLimit = r.int('queue_limit', p.receiptQueueLimit, { min: 0 })
  p.receiptQueueTtlMs = r.int('queue_ttl_ms', p.receiptQueueTtlMs, { min: 0 })
  p.retainMs = r.int('retain_ms', p.retainMs, { min: 0 })
  p.maxMessages = r.int('max_messages', p.maxMessages, { min: 1 })

  if (n.has('outcomes')) p.outcomes = parseOutcomes(n.child('outcomes'))

  const s = n.child('submit').allowOnly(['tps_limit', 'tps_scope', 'max_pending', 'queue_full_rate', 'system_error_rate', 'reject_rate', 'reject_status'])
  p.tpsLimit = s.number('tps_limit', 0, { min: 0 })
  p.tpsScope = s.oneOf('tps_scope', ['bind', 'carrier'] as const, 'bind')
  p.maxPending = s.int('max_pending', p.maxPending, { min: 1 })
  p.queueFullRate = rate(s, 'queue_full_rate')
  p.systemErrorRate = rate(s, 'system_error_rate')
  p.rejectRate = rate(s, 'reject_rate')
  p.rejectStatus = s.int('reject_status', 0x45, { min: 1, max: 0xffffffff })

  const f = n.child('faults').allowOnly(['slow_response_rate', 'slow_response_latency', 'no_response_rate', 'drop_every',
    'drop_rate', 'refuse_binds', 'duplicate_receipt_rate', 'receipt_before_response_rate'])
  p.slowResponseRate = rate(f, 'slow_response_rate')
  if (f.has('slow_response_latency')) p.slowResponse = parseLatency(f, 'slow_response_latency')
  p.noResponseRate = rate(f, 'no_response_rate')
  p.dropEvery = f.int('drop_every', 0, { min: 0 })
  p.dropRate = rate(f, 'drop_rate')
  if (f.has('refuse_binds')) {
    const b = f.child('refuse_binds').allowOnly(['after_ms', 'for_ms', 'every_ms', 'status'])
    p.refuseBinds = {
      afterMs: b.int('after_ms', 0, { min: 0 }),
      forMs: b.int('for_ms', undefined, { min: 1 }),
      everyMs: b.int('every_ms', 0, { min: 0 }),
      status: b.int('status', 0x0d, { min: 1, max: 0xffffffff })
    }
    if (p.refuseBinds.everyMs !== 0 && p.refuseBinds.everyMs <= p.refuseBinds.forMs) throw b.fail('every_ms', 'must be longer than for_ms (or 0 for once)')
  }
  p.duplicateReceiptRate = rate(f, 'duplicate_receipt_rate')
  p.receiptBeforeResponseRate = rate(f, 'receipt_before_response_rate')

  const own = n.list('overrides').map(parseOverride)
  p.overrides = n.bool('builtin_overrides', true) ? [...own, ...BUILTIN_OVERRIDES] : own
  if (n.has('handsets')) p.handsets = parseHandsets(n.child('handsets'), p.accounts)
  if (n.has('hlr')) p.hlr = parseHlr(n.child('hlr'))
  return p
}

function parseAccount (a: ConfigNode): SimAccount {
  a.allowOnly(['system_id', 'password', 'password_hash', 'max_binds'])
  const systemId = a.string('system_id')
  if (systemId.length === 0 || Buffer.byteLength(systemId, 'latin1') > 15) throw a.fail('system_id', 'must be 1-15 characters')
  const password = a.optionalString('password')
  const passwordHash = a.optionalString('password_hash')
  if ((password === null) === (passwordHash === null)) throw a.fail('password', 'give exactly one of password or password_hash')
  if (password !== null && password.length > 8) throw a.fail('password', 'SMPP passwords are at most 8 characters')
  // The SMPP server's format (src/smpp/auth.ts): scrypt$N$r$p$salt(base64)$hash(base64).
  if (passwordHash !== null && !/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(passwordHash)) {
    throw a.fail('password_hash', 'password hash must look like scrypt$N$r$p$salt$hash (instrada hash-password)')
  }
  return { systemId, password, passwordHash, maxBinds: a.int('max_binds', 16, { min: 1, max: 1000 }) }
}

function rate (n: ConfigNode, key: string): number {
  return n.number(key, 0, { min: 0, max: 1 })
}

const LATENCY_KEYS = ['dist', 'ms', 'low_ms', 'high_ms', 'mean_ms', 'stddev_ms', 'median_ms', 'sigma', 'min_ms', 'max_ms'] as const

/** A number (fixed ms) or a mapping `{ dist: fixed|uniform|normal|lognormal, ... }`. */
export function parseLatency (parent: ConfigNode, key: string): Latency {
  const v = parent.toJS(key)
  if (typeof v === 'number') {
    if (!(v >= 0)) throw parent.fail(key, 'must be at least 0 ms')
    return Latency.fixed(v)
  }
  const n = parent.child(key).allowOnly(LATENCY_KEYS)
  const dist = n.oneOf('dist', ['fixed', 'uniform', 'normal', 'lognormal'] as const)
  const allowed: Record<string, string[]> = {
    fixed: ['ms'], uniform: ['low_ms', 'high_ms'], normal: ['mean_ms', 'stddev_ms'], lognormal: ['median_ms', 'sigma']
  }
  n.allowOnly(['dist', 'min_ms', 'max_ms', ...allowed[dist]])
  const minMs = n.number('min_ms', 0, { min: 0 })
  const maxMs = n.number('max_ms', 86_400_000, { min: minMs })
  const pos = { min: 0 }
  let spec: LatencySpec
  switch (dist) {
    case 'fixed': spec = { dist, ms: n.number('ms', undefined, pos), minMs, maxMs }; break
    case 'uniform': {
      const lowMs = n.number('low_ms', undefined, pos)
      spec = { dist, lowMs, highMs: n.number('high_ms', undefined, { min: lowMs }), minMs, maxMs }
      break
    }
    case 'normal': spec = { dist, meanMs: n.number('mean_ms', undefined, pos), stddevMs: n.number('stddev_ms', undefined, pos), minMs, maxMs }; break
    case 'lognormal': {
      const medianMs = n.number('median_ms', undefined, pos)
      if (medianMs <= 0) throw n.fail('median_ms', 'must be above 0')
      spec = { dist, medianMs, sigma: n.number('sigma', undefined, { min: 0, max: 5 }), minMs, maxMs }
      break
    }
  }
  return new Latency(spec)
}

/** `STAT: weight` or `STAT: { weight, errors: [..] }` (or `err: n`); weights need not sum to 1. */
function parseOutcomes (n: ConfigNode): OutcomeMix {
  n.allowOnly(FINAL_STATS)
  const entries: OutcomeEntry[] = []
  for (const [name, v] of n.entries()) {
    const stat = statIndex(name)
    const raw = n.toJS(name)
    let weight: number
    let errors = [DEFAULT_ERR[stat]]
    if (typeof raw === 'number') {
      weight = n.number(name, undefined, { min: 0 })
    } else {
      v.allowOnly(['weight', 'err', 'errors'])
      weight = v.number('weight', undefined, { min: 0 })
      if (v.has('err') && v.has('errors')) throw v.fail('err', 'give err or errors, not both')
      if (v.has('err')) errors = [v.int('err', undefined, { min: 0, max: 0xffff })]
      if (v.has('errors')) {
        errors = v.strings('errors').map((s) => Number(s))
        if (errors.length === 0 || errors.some((e) => !Number.isInteger(e) || e < 0 || e > 0xffff)) throw v.fail('errors', 'must be a non-empty list of integers 0-65535')
      }
    }
    entries.push({ stat, weight, errors })
  }
  const mix = new OutcomeMix(entries)
  if (mix.entries.length === 0) throw n.fail('', 'at least one outcome needs a weight above 0')
  return mix
}

function parseOverride (o: ConfigNode): Override {
  o.allowOnly(['prefix', 'pattern', 'stat', 'err', 'submit_status', 'no_response', 'latency'])
  const prefix = o.optionalString('prefix')
  const patternText = o.optionalString('pattern')
  if ((prefix === null) === (patternText === null)) throw o.fail('prefix', 'give exactly one of prefix or pattern')
  let pattern: RegExp | null = null
  if (patternText !== null) {
    try { pattern = new RegExp(patternText) } catch (err) { throw o.fail('pattern', `not a valid regular expression: ${(err as Error).message}`) }
  }
  const statName = o.optionalString('stat')
  const stat = statName === null ? null : statIndex(statName)
  if (stat !== null && (stat < 0 || stat >= FINAL_STATS.length)) throw o.fail('stat', `must be one of ${FINAL_STATS.join(', ')}`)
  const ov: Override = {
    prefix: prefix === null ? null : prefix.replace(/^\+/, ''),
    suffix: null,
    pattern,
    stat,
    err: o.has('err') ? o.int('err', undefined, { min: 0, max: 0xffff }) : null,
    submitStatus: o.has('submit_status') ? o.int('submit_status', undefined, { min: 1, max: 0xffffffff }) : null,
    noResponse: o.bool('no_response', false),
    latency: o.has('latency') ? parseLatency(o, 'latency') : null,
    describe: ''
  }
  if (ov.stat === null && ov.submitStatus === null && !ov.noResponse && ov.latency === null) throw o.fail('', 'an override needs stat, submit_status, no_response or latency')
  if (ov.err !== null && ov.stat === null) throw o.fail('err', 'err needs a stat')
  ov.describe = (prefix ?? patternText) ?? ''
  return ov
}

function parseHandsets (n: ConfigNode, accounts: SimAccount[]): HandsetProfile {
  n.allowOnly(['reply_rate', 'reply_delay', 'reply_text', 'keywords', 'scheduled', 'long_mo'])
  const h: HandsetProfile = {
    replyRate: rate(n, 'reply_rate'),
    replyDelay: n.has('reply_delay') ? parseLatency(n, 'reply_delay') : Latency.fixed(1000),
    replyText: n.string('reply_text', 'Reply from {to}'),
    keywords: n.list('keywords').map((k): KeywordRule => {
      k.allowOnly(['match', 'reply', 'rate', 'delay'])
      let pattern: RegExp
      try { pattern = new RegExp(k.string('match'), 'i') } catch (err) { throw k.fail('match', `not a valid regular expression: ${(err as Error).message}`) }
      return { pattern, reply: k.string('reply'), rate: k.number('rate', 1, { min: 0, max: 1 }), delay: k.has('delay') ? parseLatency(k, 'delay') : Latency.fixed(1000) }
    }),
    scheduled: n.list('scheduled').map((s): ScheduledMo => {
      s.allowOnly(['from', 'to', 'text', 'system_id', 'after_ms', 'every_ms', 'count'])
      const systemId = s.optionalString('system_id')
      if (systemId !== null && !accounts.some((a) => a.systemId === systemId)) throw s.fail('system_id', `no account '${systemId}' on this carrier`)
      return {
        from: s.string('from'),
        to: s.string('to'),
        text: s.string('text'),
        systemId,
        afterMs: s.int('after_ms', 0, { min: 0 }),
        everyMs: s.int('every_ms', 0, { min: 0 }),
        count: s.int('count', 0, { min: 0 })
      }
    }),
    longMo: n.oneOf('long_mo', ['udh8', 'udh16', 'sar', 'payload'] as const, 'udh8')
  }
  return h
}

function parseNetwork (n: ConfigNode): HlrNetwork {
  const mcc = n.string('mcc')
  const mnc = n.string('mnc')
  if (!/^\d{3}$/.test(mcc)) throw n.fail('mcc', 'must be 3 digits')
  if (!/^\d{2,3}$/.test(mnc)) throw n.fail('mnc', 'must be 2 or 3 digits')
  return { mcc, mnc, operator: n.string('operator', `${mcc}-${mnc}`) }
}

function parseHlr (n: ConfigNode): HlrProfile {
  n.allowOnly(['ranges', 'unreachable_stat'])
  const ranges = n.list('ranges').map((r): HlrRange => {
    r.allowOnly(['prefix', 'mcc', 'mnc', 'operator', 'ported_rate', 'ported_to', 'reachable_rate'])
    const prefix = r.string('prefix').replace(/^\+/, '')
    if (!/^\d+$/.test(prefix)) throw r.fail('prefix', 'must be digits')
    const portedRate = rate(r, 'ported_rate')
    const portedTo = r.has('ported_to') ? parseNetwork(r.child('ported_to').allowOnly(['mcc', 'mnc', 'operator'])) : null
    if (portedRate > 0 && portedTo === null) throw r.fail('ported_to', 'is required when ported_rate is above 0')
    return { prefix, ...parseNetwork(r), portedRate, portedTo, reachableRate: r.number('reachable_rate', 1, { min: 0, max: 1 }) }
  })
  const u = n.optionalString('unreachable_stat')
  let unreachableStat: number | null = null
  if (u !== null) {
    unreachableStat = statIndex(u)
    if (unreachableStat < 0 || unreachableStat >= FINAL_STATS.length) throw n.fail('unreachable_stat', `must be one of ${FINAL_STATS.join(', ')}`)
  }
  return { ranges, unreachableStat }
}
