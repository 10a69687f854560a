// The `smpp:` config section and the SMPP keys of each account. Accounts also carry keys owned
// by other domains (type, senders, credit, ...), so the account parser reads only
// SMPP_ACCOUNT_KEYS and never calls allowOnly on an account node: the config loader that owns
// `accounts:` checks the union of every domain's keys.

import type { ConfigNode } from '../config/node.js'
import { parsePasswordHash } from './auth.js'
import { cidrProblem } from './auth.js'
import type { BindType } from './states.js'

export interface TlsListenerConfig {
  host: string
  port: number
  cert: string
  key: string
}

export interface SmppServerConfig {
  host: string
  port: number
  tls: TlsListenerConfig | null
  /** system_id the server returns in bind responses. */
  systemId: string
  window: number
  requestTimeoutMs: number
  enquireLinkIntervalMs: number
  inactivityTimeoutMs: number
  maxPduSize: number
  bindTimeoutMs: number
  unbindTimeoutMs: number
  authFailureDelayMs: number
  authFailureDelayMaxMs: number
}

export const SMPP_DEFAULTS: SmppServerConfig = {
  host: '127.0.0.1',
  port: 2775,
  tls: null,
  systemId: 'instrada',
  window: 100,
  requestTimeoutMs: 30_000,
  enquireLinkIntervalMs: 30_000,
  inactivityTimeoutMs: 120_000,
  maxPduSize: 65_536,
  bindTimeoutMs: 10_000,
  unbindTimeoutMs: 5_000,
  authFailureDelayMs: 250,
  authFailureDelayMaxMs: 5_000
}

const SMPP_KEYS = [
  'host', 'port', 'tls', 'system_id', 'window', 'request_timeout_ms', 'enquire_link_interval_ms',
  'inactivity_timeout_ms', 'max_pdu_size', 'bind_timeout_ms', 'unbind_timeout_ms',
  'auth_failure_delay_ms', 'auth_failure_delay_max_ms'
] as const

/** `node` is the `smpp:` mapping (an empty node gives the defaults). */
export function parseSmppConfig (node: ConfigNode): SmppServerConfig {
  const d = SMPP_DEFAULTS
  node.allowOnly(SMPP_KEYS)
  let tls: TlsListenerConfig | null = null
  const t = node.child('tls')
  if (t.exists) {
    t.allowOnly(['host', 'port', 'cert', 'key'])
    tls = {
      host: t.string('host', node.string('host', d.host)),
      port: t.int('port', 3550, { min: 0, max: 65535 }),
      cert: t.string('cert'),
      key: t.string('key')
    }
  }
  const systemId = node.string('system_id', d.systemId)
  if (Buffer.byteLength(systemId, 'latin1') > 15) throw node.fail('system_id', 'must be at most 15 characters')
  const cfg: SmppServerConfig = {
    host: node.string('host', d.host),
    port: node.int('port', d.port, { min: 0, max: 65535 }),
    tls,
    systemId,
    window: node.int('window', d.window, { min: 1, max: 100_000 }),
    requestTimeoutMs: node.int('request_timeout_ms', d.requestTimeoutMs, { min: 1 }),
    enquireLinkIntervalMs: node.int('enquire_link_interval_ms', d.enquireLinkIntervalMs, { min: 0 }),
    inactivityTimeoutMs: node.int('inactivity_timeout_ms', d.inactivityTimeoutMs, { min: 0 }),
    maxPduSize: node.int('max_pdu_size', d.maxPduSize, { min: 64, max: 16 * 1024 * 1024 }),
    bindTimeoutMs: node.int('bind_timeout_ms', d.bindTimeoutMs, { min: 1 }),
    unbindTimeoutMs: node.int('unbind_timeout_ms', d.unbindTimeoutMs, { min: 1 }),
    authFailureDelayMs: node.int('auth_failure_delay_ms', d.authFailureDelayMs, { min: 0 }),
    authFailureDelayMaxMs: node.int('auth_failure_delay_max_ms', d.authFailureDelayMaxMs, { min: 0 })
  }
  if (cfg.authFailureDelayMaxMs < cfg.authFailureDelayMs) throw node.fail('auth_failure_delay_max_ms', 'must be at least auth_failure_delay_ms')
  return cfg
}

export interface SmppAccount {
  systemId: string
  /** `scrypt$N$r$p$salt$hash`, see `instrada hash-password`. */
  passwordHash: string
  bindTypes: readonly BindType[]
  /** Concurrent bound sessions allowed for this system_id. */
  maxBinds: number
  /** CIDRs; empty means any address. */
  allowedIps: readonly string[]
}

/** The account keys this domain owns; the accounts loader refuses keys no domain owns. */
export const SMPP_ACCOUNT_KEYS = ['system_id', 'password_hash', 'bind_types', 'max_binds', 'allowed_ips'] as const

const BIND_TYPES: readonly BindType[] = ['transmitter', 'receiver', 'transceiver']

/** Reads only SMPP_ACCOUNT_KEYS of one account mapping. */
export function parseSmppAccount (node: ConfigNode): SmppAccount {
  if (!node.isMap()) throw node.fail('', 'an account must be a mapping')
  const systemId = node.string('system_id')
  if (systemId === '' || Buffer.byteLength(systemId, 'latin1') > 15) throw node.fail('system_id', 'must be 1 to 15 characters')
  const passwordHash = node.string('password_hash')
  try {
    parsePasswordHash(passwordHash)
  } catch (err) {
    throw node.fail('password_hash', `${(err as Error).message} (make one with \`instrada hash-password\`)`)
  }
  const bindTypes = node.strings('bind_types', [...BIND_TYPES])
  for (const b of bindTypes) {
    if (!(BIND_TYPES as readonly string[]).includes(b)) throw node.fail('bind_types', `'${b}' is not one of ${BIND_TYPES.join(', ')}`)
  }
  const allowedIps = node.strings('allowed_ips', [])
  for (const c of allowedIps) {
    const problem = cidrProblem(c)
    if (problem !== null) throw node.fail('allowed_ips', problem)
  }
  return {
    systemId,
    passwordHash,
    bindTypes: bindTypes as BindType[],
    maxBinds: node.int('max_binds', 10, { min: 1, max: 100_000 }),
    allowedIps
  }
}

/** Every account of the `accounts:` list, system_ids unique. */
export function parseSmppAccounts (list: ConfigNode[]): SmppAccount[] {
  const seen = new Set<string>()
  return list.map((node) => {
    const a = parseSmppAccount(node)
    if (seen.has(a.systemId)) throw node.fail('system_id', `duplicate system_id '${a.systemId}'`)
    seen.add(a.systemId)
    return a
  })
}
