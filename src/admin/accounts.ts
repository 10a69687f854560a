// Account changes made by an operator (or, for senders, by the account itself): each one edits
// the account's overlay document, is checked by parsing the whole effective config with the same
// parsers as the file, is stored, and then applied through the router's reload path. Changes run
// one at a time, so two concurrent requests cannot lose each other's edits.

import { createHash, randomBytes } from 'node:crypto'
import { parseConfigText, type AccountConfig, type ConfigOverlay, type InstradaConfig } from '../config/instrada.js'
import { ConfigError } from '../errors.js'
import { normaliseNumber, Msisdn, type SenderEntry, type SenderState } from '../rules/index.js'
import { hashPassword } from '../smpp/auth.js'
import type { DocStore } from '../store/types.js'
import { ACCOUNT_DOC, effectiveMapping, fileAccount, type AccountMapping } from './overlay.js'
import { AdminProblem, badInput, conflict, fromConfigError, notFound } from './problem.js'

export interface AdminDeps {
  store: DocStore
  /** The config in force. */
  current: () => InstradaConfig
  /** Applies a checked config (accounts, keys, senders) everywhere: the router's reload path. */
  apply: (next: InstradaConfig) => Promise<void>
}

/** Where an account's settings come from. */
export type AccountSource = 'file' | 'admin' | 'file+admin'

/** Keys set through their own endpoints, not through create/update. */
const MANAGED_KEYS = new Set(['system_id', 'api_keys', 'senders', 'suspended', 'password_hash'])

/** Stable short id of a key hash: what an operator names to revoke a key. */
export function keyIdOf (hash: string): string {
  if (hash.startsWith('sha256$')) return hash.slice(7, 19)
  return createHash('sha256').update(hash).digest('hex').slice(0, 12)
}

export class AdminAccounts {
  private queue: Promise<unknown> = Promise.resolve()

  constructor (private readonly deps: AdminDeps) {}

  list (): AccountConfig[] { return this.deps.current().accounts }

  get (id: string): AccountConfig | null {
    return this.deps.current().accounts.find((a) => a.id === id) ?? null
  }

  source (id: string): AccountSource {
    const config = this.deps.current()
    const inFile = fileAccount(config, id) !== null
    const doc = config.overlay?.accounts[id]
    if (!inFile) return 'admin'
    return doc === undefined ? 'file' : 'file+admin'
  }

  /** Runs `fn` after every change already queued (a reload from the file goes through here too). */
  exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return run
  }

  /** A new account from its full mapping (`password` in plain text; stored only as a hash). */
  async create (body: AccountMapping): Promise<AccountConfig | AdminProblem> {
    const input = await this.input(body, true)
    if (input instanceof AdminProblem) return input
    const id = input.system_id
    if (typeof id !== 'string' || id === '') return badInput('system_id', 'REQUIRED', "'system_id' is required (1 to 15 characters)")
    // A leftover document of a file account since removed is replaced, not merged.
    return await this.change(id, () => {
      if (this.get(id) !== null) return conflict('system_id', 'ACCOUNT_EXISTS', `account '${id}' already exists`)
      return { doc: input }
    })
  }

  /** Changes some keys of an account; a null value returns the key to the file's value (or the default). */
  async update (id: string, body: AccountMapping): Promise<AccountConfig | AdminProblem> {
    if (this.get(id) === null) return unknownAccount(id)
    const input = await this.input(body, false)
    if (input instanceof AdminProblem) return input
    return await this.change(id, (doc) => {
      const next: AccountMapping = { ...(doc ?? {}) }
      for (const [k, v] of Object.entries(input)) {
        if (v === null) delete next[k]
        else next[k] = v
      }
      return { doc: next }
    })
  }

  async setSuspended (id: string, suspended: boolean): Promise<AccountConfig | AdminProblem> {
    if (this.get(id) === null) return unknownAccount(id)
    return await this.change(id, (doc) => ({ doc: { ...(doc ?? {}), suspended } }))
  }

  /** A new random API key (32 bytes, base64url): its hash is stored, the key itself returned once. */
  async addKey (id: string): Promise<{ keyId: string, key: string } | AdminProblem> {
    if (this.get(id) === null) return unknownAccount(id)
    const key = randomBytes(32).toString('base64url')
    const hash = `sha256$${createHash('sha256').update(key).digest('hex')}`
    const r = await this.change(id, (doc, mapping) => ({ doc: { ...(doc ?? {}), api_keys: [...keysOf(mapping), hash] } }))
    return r instanceof AdminProblem ? r : { keyId: keyIdOf(hash), key }
  }

  async revokeKey (id: string, keyId: string): Promise<AccountConfig | AdminProblem> {
    if (this.get(id) === null) return unknownAccount(id)
    return await this.change(id, (doc, mapping) => {
      const keys = keysOf(mapping)
      const left = keys.filter((h) => keyIdOf(h) !== keyId)
      if (left.length === keys.length) return notFound('keyId', 'UNKNOWN_KEY', `account '${id}' has no key ${keyId}`)
      return { doc: { ...(doc ?? {}), api_keys: left } }
    })
  }

  /** The account's sender matching `addr` as written by a customer (a number in any usual form). */
  findSender (id: string, addr: string): { index: number, entry: SenderEntry } | null {
    const account = this.get(id)
    if (account === null || account.rules.senders === null) return null
    const want = this.senderKey(addr)
    const index = account.rules.senders.findIndex((s) => s.addr === want)
    return index < 0 ? null : { index, entry: account.rules.senders[index] }
  }

  /** Registers an alias or a number: pending (and unverified) until approved (and, numbers, verified). */
  async addSender (id: string, addr: string): Promise<SenderEntry | AdminProblem> {
    if (this.get(id) === null) return unknownAccount(id)
    if (this.findSender(id, addr) !== null) return conflict('sender', 'SENDER_EXISTS', `'${addr}' is already registered for this account`)
    const r = await this.change(id, (doc, mapping) => {
      const list = sendersOf(mapping)
      // Numbers are kept as international digits, whatever form the customer wrote them in.
      const stored = /^\+?[0-9][0-9 ]*$/.test(addr) ? this.senderKey(addr).replace(/ /g, '') : addr
      return { doc: { ...(doc ?? {}), senders: [...list, { addr: stored, state: 'pending', verified: false }] }, rename: senderField(list.length) }
    })
    if (r instanceof AdminProblem) return r
    return r.rules.senders![r.rules.senders!.length - 1]
  }

  async setSenderState (id: string, addr: string, state: SenderState): Promise<SenderEntry | AdminProblem> {
    return await this.editSender(id, addr, (s) => ({ ...s, state }))
  }

  async markVerified (id: string, addr: string): Promise<SenderEntry | AdminProblem> {
    return await this.editSender(id, addr, (s) => ({ ...s, verified: true }))
  }

  private async editSender (id: string, addr: string, edit: (s: AccountMapping) => AccountMapping): Promise<SenderEntry | AdminProblem> {
    if (this.get(id) === null) return unknownAccount(id)
    const found = this.findSender(id, addr)
    if (found === null) return notFound('sender', 'UNKNOWN_SENDER', `account '${id}' has no sender '${addr}'`)
    const r = await this.change(id, (doc, mapping) => {
      const list = sendersOf(mapping)
      list[found.index] = edit(list[found.index])
      return { doc: { ...(doc ?? {}), senders: list } }
    })
    return r instanceof AdminProblem ? r : r.rules.senders![found.index]
  }

  /** Numbers as international digits (as the rules store them); aliases as written. */
  private senderKey (addr: string): string {
    if (!/^\+?[0-9][0-9 ]*$/.test(addr)) return addr
    const n = normaliseNumber(addr.replace(/ /g, ''), 1, this.deps.current().rules.plan)
    return n instanceof Msisdn ? n.digits : addr
  }

  /** The request body as account keys: `password` hashed, managed keys refused. */
  private async input (body: AccountMapping, creating: boolean): Promise<AccountMapping | AdminProblem> {
    const out: AccountMapping = {}
    for (const [k, v] of Object.entries(body)) {
      if (k === 'password') continue
      // A new account may bring its first senders; later changes go through the sender endpoints.
      if (MANAGED_KEYS.has(k) && !(creating && (k === 'system_id' || k === 'senders'))) {
        return badInput(k, 'NOT_ALLOWED', `'${k}' cannot be set here (${managedHint(k)})`)
      }
      out[k] = v
    }
    if (Object.hasOwn(body, 'password')) {
      const p = body.password
      if (typeof p !== 'string' || p.length < 1 || p.length > 8) return badInput('password', 'OUT_OF_RANGE', "'password' must be a string of 1 to 8 characters (SMPP allows 8)")
      out.password_hash = await hashPassword(p)
    } else if (creating) {
      return badInput('password', 'REQUIRED', "'password' is required")
    }
    return out
  }

  /**
   * One change: `edit` gets the account's document (null when none) and its effective mapping and
   * returns the new document (or a refusal). The result is parsed with the file, stored, applied.
   */
  private async change (
    id: string,
    edit: (doc: AccountMapping | null, mapping: AccountMapping | null) => { doc: AccountMapping, rename?: (key: string) => string } | AdminProblem
  ): Promise<AccountConfig | AdminProblem> {
    return await this.exclusive(async () => {
      const config = this.deps.current()
      const doc = config.overlay?.accounts[id] ?? null
      const out = edit(doc === null ? null : structuredClone(doc), effectiveMapping(config, id))
      if (out instanceof AdminProblem) return out
      const overlay: ConfigOverlay = { accounts: { ...(config.overlay?.accounts ?? {}), [id]: out.doc } }
      let next: InstradaConfig
      try {
        next = parseConfigText(config.text, config.file, overlay)
      } catch (err) {
        if (err instanceof ConfigError) return fromConfigError(err, out.rename)
        throw err
      }
      await this.deps.store.putDoc(ACCOUNT_DOC, id, out.doc)
      await this.deps.apply(next)
      return next.accounts.find((a) => a.id === id)!
    })
  }
}

function unknownAccount (id: string): AdminProblem {
  return notFound('id', 'UNKNOWN_ACCOUNT', `no account '${id}'`)
}

function keysOf (mapping: AccountMapping | null): string[] {
  const k = mapping?.api_keys
  return Array.isArray(k) ? k.map(String) : []
}

function sendersOf (mapping: AccountMapping | null): AccountMapping[] {
  const s = mapping?.senders
  return Array.isArray(s) ? s.map((e) => ({ ...(e as AccountMapping) })) : []
}

/** Errors in the new sender entry name the request's `sender` field. */
function senderField (index: number): (key: string) => string {
  return (key) => key.startsWith(`senders[${index}]`) ? 'sender' : key
}

function managedHint (k: string): string {
  switch (k) {
    case 'api_keys': return 'use POST /v1/admin/accounts/{id}/keys'
    case 'senders': return 'use the senders endpoints'
    case 'suspended': return 'use POST /v1/admin/accounts/{id}/suspend or /resume'
    case 'password_hash': return "send 'password' in plain text: only its hash is stored"
    default: return 'it names the account'
  }
}

