// The admin overlay at rest: one document per account (kind 'account', key system_id) in the
// store's documents table, in the config's own account shape. Loading checks it against the
// current file with the same parsers; an account document that no longer fits (the file changed
// under it) is left out with an error logged, so a bad document cannot keep the router down.

import { ConfigNode } from '../config/node.js'
import { parseConfigText, type ConfigOverlay, type InstradaConfig } from '../config/instrada.js'
import type { Logger } from '../log.js'
import type { DocStore } from '../store/types.js'

export const ACCOUNT_DOC = 'account'

export type AccountMapping = Record<string, unknown>

/** Every stored account document, as an overlay (null when there is none). */
export async function readOverlay (store: DocStore): Promise<ConfigOverlay | null> {
  const accounts: Record<string, AccountMapping> = {}
  let after: string | undefined
  for (;;) {
    const page = await store.listDocs<AccountMapping>(ACCOUNT_DOC, { after, limit: 500 })
    for (const d of page) accounts[d.key] = d.value
    if (page.length < 500) break
    after = page[page.length - 1].key
  }
  return Object.keys(accounts).length === 0 ? null : { accounts }
}

/**
 * The effective config of `base`'s file with the stored overlay; documents that fail to parse
 * against this file are dropped (and logged), the rest apply.
 */
export async function configWithStoredOverlay (store: DocStore, base: InstradaConfig, log: Logger): Promise<InstradaConfig> {
  const overlay = await readOverlay(store)
  if (overlay === null) return base
  try {
    return parseConfigText(base.text, base.file, overlay)
  } catch (err) {
    const kept: Record<string, AccountMapping> = {}
    for (const [id, doc] of Object.entries(overlay.accounts)) {
      try {
        parseConfigText(base.text, base.file, { accounts: { ...kept, [id]: doc } })
        kept[id] = doc
      } catch (e) {
        log.error({ account: id, err: (e as Error).message }, 'admin changes of this account do not fit the config file; left out')
      }
    }
    return parseConfigText(base.text, base.file, { accounts: kept })
  }
}

/** The account's mapping as the file writes it (null when the file has no such account). */
export function fileAccount (config: InstradaConfig, id: string): AccountMapping | null {
  let m = fileCache.get(config.text)
  if (m === undefined) {
    m = new Map()
    for (const node of ConfigNode.parse(config.text, config.file).list('accounts')) {
      const raw = node.toJS() as AccountMapping | null
      if (raw !== null && typeof raw === 'object' && raw.system_id !== undefined) m.set(String(raw.system_id), raw)
    }
    fileCache.clear() // one file at a time
    fileCache.set(config.text, m)
  }
  const found = m.get(id)
  return found === undefined ? null : structuredClone(found)
}

const fileCache = new Map<string, Map<string, AccountMapping>>()

/** The account's effective mapping: the file's with the admin document over it (null keys removed). */
export function effectiveMapping (config: InstradaConfig, id: string): AccountMapping | null {
  const file = fileAccount(config, id)
  const doc = config.overlay?.accounts[id] ?? null
  if (file === null && (doc === null || !Object.hasOwn(doc, 'system_id'))) return null
  const merged: AccountMapping = { ...(file ?? {}), ...structuredClone(doc ?? {}) }
  for (const [k, v] of Object.entries(merged)) if (v === null || v === undefined) delete merged[k]
  return merged
}
