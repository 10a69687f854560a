// `carriers:` from YAML → CarrierConfig[]. Checked completely at load (unknown keys, ranges,
// duplicate names, SMPP field lengths), every error naming file, line and key, so a reload with a
// bad file changes nothing.

import type { ConfigNode } from '../config/node.js'
import { CONCAT_METHODS, type ConcatMethod } from '../rules/index.js'

export type BindMode = 'transceiver' | 'transmitter+receiver'
export const BIND_MODES: readonly BindMode[] = ['transceiver', 'transmitter+receiver']

/**
 * What data_coding goes to the carrier (docs/carriers.md):
 * - `as-is`: the part's data_coding unchanged (0 GSM-7, 8 UCS-2, or what the customer fixed).
 * - `gsm7-as-0`: every GSM-7 coding (message-class and coding-group values 0x10–0x13, 0xC0–0xDF,
 *   0xF0–0xF3) goes as 0; for carriers that refuse class-coded values. Loses the message class.
 * - `plain`: like gsm7-as-0, and UCS-2 codings go as 8, binary ones as 4.
 */
export type DataCodingPolicy = 'as-is' | 'gsm7-as-0' | 'plain'
export const DATA_CODING_POLICIES: readonly DataCodingPolicy[] = ['as-is', 'gsm7-as-0', 'plain']

export interface SubmitSettings {
  concat: ConcatMethod
  dataCoding: DataCodingPolicy
  alphaTon: number
  alphaNpi: number
  numericTon: number
  numericNpi: number
  /** Default 1: we always need receipts to correlate. */
  registeredDelivery: number
  serviceType: string
  /** -1: the part's priority_flag; 0..3: always this one. */
  priorityFlag: number
}

export interface ReconnectSettings {
  initialDelayMs: number
  maxDelayMs: number
}

export interface CarrierConfig {
  name: string
  host: string
  port: number
  /** TLS to the carrier (system CAs). */
  tls: boolean
  systemId: string
  password: string
  systemType: string
  bindMode: BindMode
  /** Sessions in the pool (with transmitter+receiver: this many of each). */
  binds: number
  /** Outstanding submits per bind. */
  window: number
  /** Submits per second for the whole carrier; 0 = unlimited. */
  tps: number
  requestTimeoutMs: number
  enquireLinkIntervalMs: number
  /** Connect plus bind must finish within this. */
  bindTimeoutMs: number
  reconnect: ReconnectSettings
  submit: SubmitSettings
  /**
   * How the carrier writes its message ids: in submit_sm_resp and in receipts. Most use one
   * form for both ('same'); some answer in hex and quote decimal in receipts, or the reverse
   * (Kannel's msg-id-type). Receipts are matched on the exact id after this conversion only:
   * guessing the other reading of an all-digit id could pick another message.
   */
  messageIds: MessageIdForms | null
}

export interface MessageIdForms {
  submitResp: 'hex' | 'decimal'
  receipt: 'hex' | 'decimal'
}

const CARRIER_KEYS = ['name', 'host', 'port', 'tls', 'system_id', 'password', 'system_type', 'bind_mode', 'binds', 'window',
  'tps', 'request_timeout_ms', 'enquire_link_interval_ms', 'bind_timeout_ms', 'reconnect', 'submit', 'message_ids'] as const
const RECONNECT_KEYS = ['initial_delay_ms', 'max_delay_ms'] as const
const SUBMIT_KEYS = ['concat', 'data_coding', 'alpha_ton', 'alpha_npi', 'numeric_ton', 'numeric_npi', 'registered_delivery',
  'service_type', 'priority_flag'] as const

export const SUBMIT_DEFAULTS: SubmitSettings = {
  concat: 'udh8',
  dataCoding: 'as-is',
  alphaTon: 5,
  alphaNpi: 0,
  numericTon: 1,
  numericNpi: 1,
  registeredDelivery: 1,
  serviceType: '',
  priorityFlag: -1
}

/** `root` is the config root holding `carriers:` (a list). An absent or empty list gives []. */
export function parseCarriers (root: ConfigNode): CarrierConfig[] {
  const out: CarrierConfig[] = []
  const names = new Set<string>()
  for (const node of root.list('carriers')) {
    const c = parseCarrier(node)
    if (names.has(c.name)) throw node.fail('name', `carrier name '${c.name}' is used twice`)
    names.add(c.name)
    out.push(c)
  }
  return out
}

export function parseCarrier (n: ConfigNode): CarrierConfig {
  if (!n.isMap()) throw n.fail('', 'a carrier must be a mapping')
  n.allowOnly(CARRIER_KEYS)
  const name = n.string('name')
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(name)) throw n.fail('name', 'use 1-32 letters, digits, _ . -')
  const systemId = n.string('system_id')
  if (systemId === '' || Buffer.byteLength(systemId, 'latin1') > 15) throw n.fail('system_id', 'must be 1 to 15 characters')
  const password = n.string('password', '')
  if (Buffer.byteLength(password, 'latin1') > 8) throw n.fail('password', 'SMPP passwords are at most 8 characters')
  const systemType = n.string('system_type', '')
  if (Buffer.byteLength(systemType, 'latin1') > 12) throw n.fail('system_type', 'must be at most 12 characters')

  const r = n.child('reconnect').allowOnly(RECONNECT_KEYS)
  const initialDelayMs = r.int('initial_delay_ms', 1000, { min: 1, max: 3_600_000 })
  const reconnect: ReconnectSettings = {
    initialDelayMs,
    maxDelayMs: r.int('max_delay_ms', Math.max(60_000, initialDelayMs), { min: initialDelayMs, max: 3_600_000 })
  }

  return {
    name,
    host: n.string('host', '127.0.0.1'),
    port: n.int('port', undefined, { min: 1, max: 65535 }),
    tls: n.bool('tls', false),
    systemId,
    password,
    systemType,
    bindMode: n.oneOf('bind_mode', BIND_MODES, 'transceiver'),
    binds: n.int('binds', 1, { min: 1, max: 64 }),
    window: n.int('window', 100, { min: 1, max: 100_000 }),
    tps: n.number('tps', 0, { min: 0, max: 1_000_000 }),
    requestTimeoutMs: n.int('request_timeout_ms', 30_000, { min: 100, max: 600_000 }),
    enquireLinkIntervalMs: n.int('enquire_link_interval_ms', 30_000, { min: 0, max: 3_600_000 }),
    bindTimeoutMs: n.int('bind_timeout_ms', 10_000, { min: 100, max: 600_000 }),
    reconnect,
    submit: parseSubmit(n.child('submit')),
    messageIds: parseMessageIds(n.child('message_ids'))
  }
}

/** `message_ids: { submit_resp: hex, receipt: decimal }`; absent = the same form in both. */
function parseMessageIds (m: ConfigNode): MessageIdForms | null {
  if (!m.exists) return null
  m.allowOnly(['submit_resp', 'receipt'])
  const forms = ['hex', 'decimal'] as const
  const f: MessageIdForms = { submitResp: m.oneOf('submit_resp', forms), receipt: m.oneOf('receipt', forms) }
  return f.submitResp === f.receipt ? null : f
}

function parseSubmit (s: ConfigNode): SubmitSettings {
  s.allowOnly(SUBMIT_KEYS)
  const d = SUBMIT_DEFAULTS
  const serviceType = s.string('service_type', d.serviceType)
  if (Buffer.byteLength(serviceType, 'latin1') > 5) throw s.fail('service_type', 'must be at most 5 characters')
  let priorityFlag = d.priorityFlag
  if (s.has('priority_flag')) {
    const raw = s.toJS('priority_flag')
    if (raw !== 'as-is') priorityFlag = s.int('priority_flag', undefined, { min: 0, max: 3 })
  }
  const byte = { min: 0, max: 255 }
  return {
    concat: s.oneOf('concat', CONCAT_METHODS, d.concat),
    dataCoding: s.oneOf('data_coding', DATA_CODING_POLICIES, d.dataCoding),
    alphaTon: s.int('alpha_ton', d.alphaTon, byte),
    alphaNpi: s.int('alpha_npi', d.alphaNpi, byte),
    numericTon: s.int('numeric_ton', d.numericTon, byte),
    numericNpi: s.int('numeric_npi', d.numericNpi, byte),
    registeredDelivery: s.int('registered_delivery', d.registeredDelivery, byte),
    serviceType,
    priorityFlag
  }
}
