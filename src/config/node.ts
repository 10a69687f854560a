// A read-only view of one YAML mapping or sequence that knows where it came from, so every
// config error names the file, the line and the full key (`accounts[0].max_binds`).
// Each domain reads its own section with these typed getters and rejects unknown keys.

import { readFileSync } from 'node:fs'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml'
import { ConfigError } from '../errors.js'

interface Source {
  file: string
  lines: LineCounter
}

export interface IntOptions {
  min?: number
  max?: number
}

export class ConfigNode {
  readonly path: string
  private readonly source: Source
  private readonly node: YamlNode | null

  private constructor (source: Source, node: YamlNode | null, path: string) {
    this.source = source
    this.node = node
    this.path = path
  }

  /** Parses YAML text; syntax errors become ConfigErrors with the line. */
  static parse (text: string, file: string): ConfigNode {
    const lines = new LineCounter()
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
    const source = { file, lines }
    if (doc.errors.length > 0) {
      const err = doc.errors[0]
      const line = lines.linePos(err.pos[0]).line
      throw new ConfigError(file, line, '(yaml)', err.message.split('\n')[0])
    }
    const root = new ConfigNode(source, (doc.contents as YamlNode | null) ?? null, '')
    if (root.node !== null && !isMap(root.node)) throw root.fail('', 'the top level must be a mapping')
    return root
  }

  static load (file: string): ConfigNode {
    return ConfigNode.parse(ConfigNode.readText(file), file)
  }

  /** The file's text; an unreadable file is a ConfigError naming it. */
  static readText (file: string): string {
    try {
      return readFileSync(file, 'utf8')
    } catch (err) {
      throw new ConfigError(file, 0, '(file)', `cannot read: ${(err as Error).message}`, { cause: err })
    }
  }

  /** An empty mapping: lets code that takes a ConfigNode run on built-in defaults. */
  static empty (file = '(defaults)'): ConfigNode {
    return ConfigNode.parse('{}', file)
  }

  get file (): string { return this.source.file }

  /** 1-based line of this node (0 when it has no position, e.g. defaults). */
  get line (): number {
    const range = this.node?.range
    return range ? this.source.lines.linePos(range[0]).line : 0
  }

  get exists (): boolean { return this.node !== null && !(isScalar(this.node) && this.node.value === null) }

  isMap (): boolean { return this.node !== null && isMap(this.node) }
  isSeq (): boolean { return this.node !== null && isSeq(this.node) }

  keyPath (key: string | number): string {
    if (typeof key === 'number') return `${this.path}[${key}]`
    return this.path === '' ? key : `${this.path}.${key}`
  }

  /** A ConfigError pointing at `key` of this mapping (or at this node when key is ''). */
  fail (key: string, problem: string): ConfigError {
    const pair = key === '' ? null : this.pair(key)
    let line = this.line
    const pos = pair?.key?.range ?? pair?.value?.range
    if (pos) line = this.source.lines.linePos(pos[0]).line
    return new ConfigError(this.source.file, line, key === '' ? (this.path || '(root)') : this.keyPath(key), problem)
  }

  has (key: string): boolean {
    const p = this.pair(key)
    return p !== null && p.value !== null && !(isScalar(p.value) && p.value.value === null)
  }

  keys (): string[] {
    if (this.node === null || !isMap(this.node)) return []
    return this.node.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key))
  }

  /** Throws on the first key not in `allowed`: a typo must not silently fall back to a default. */
  allowOnly (allowed: readonly string[]): this {
    for (const k of this.keys()) {
      if (!allowed.includes(k)) throw this.fail(k, `unknown key (allowed: ${allowed.join(', ')})`)
    }
    return this
  }

  /** The mapping or sequence under `key`; a missing key gives an empty node. */
  child (key: string): ConfigNode {
    const p = this.pair(key)
    const value = (p?.value as YamlNode | null | undefined) ?? null
    const node = new ConfigNode(this.source, value, this.keyPath(key))
    if (node.exists && !isMap(value) && !isSeq(value)) throw this.fail(key, 'must be a mapping or a list')
    return node
  }

  /** Items of the sequence under `key` (or of this node when key is omitted). */
  list (key?: string): ConfigNode[] {
    const seq = key === undefined ? this : this.child(key)
    if (!seq.exists) return []
    if (!seq.isSeq()) throw key === undefined ? this.fail('', 'must be a list') : this.fail(key, 'must be a list')
    const items = (seq.node as unknown as { items: YamlNode[] }).items
    return items.map((n, i) => new ConfigNode(this.source, n, seq.keyPath(i)))
  }

  /** Entries of the mapping under `key` as [name, node] pairs. */
  entries (key?: string): Array<[string, ConfigNode]> {
    const map = key === undefined ? this : this.child(key)
    if (!map.exists) return []
    if (!map.isMap()) throw this.fail(key ?? '', 'must be a mapping')
    return map.keys().map((k) => [k, new ConfigNode(this.source, map.pair(k)?.value as YamlNode ?? null, map.keyPath(k))])
  }

  /** The scalar value of this node itself (for list items that are plain values). */
  scalar (): unknown {
    if (this.node === null) return undefined
    if (!isScalar(this.node)) throw this.fail('', 'must be a plain value')
    return this.node.value
  }

  string (key: string, fallback?: string): string {
    const v = this.raw(key)
    if (v === undefined) return this.need(key, fallback)
    if (typeof v === 'number') return String(v)
    if (typeof v !== 'string') throw this.fail(key, 'must be a string')
    return v
  }

  optionalString (key: string): string | null {
    return this.raw(key) === undefined ? null : this.string(key)
  }

  int (key: string, fallback?: number, opts: IntOptions = {}): number {
    const v = this.raw(key)
    const n = v === undefined ? this.need(key, fallback) : v
    if (typeof n !== 'number' || !Number.isInteger(n)) throw this.fail(key, 'must be an integer')
    return this.range(key, n, opts)
  }

  number (key: string, fallback?: number, opts: IntOptions = {}): number {
    const v = this.raw(key)
    const n = v === undefined ? this.need(key, fallback) : v
    if (typeof n !== 'number' || !Number.isFinite(n)) throw this.fail(key, 'must be a number')
    return this.range(key, n, opts)
  }

  bool (key: string, fallback?: boolean): boolean {
    const v = this.raw(key)
    const b = v === undefined ? this.need(key, fallback) : v
    if (typeof b !== 'boolean') throw this.fail(key, 'must be true or false')
    return b
  }

  oneOf<T extends string> (key: string, values: readonly T[], fallback?: T): T {
    const v = this.string(key, fallback)
    if (!(values as readonly string[]).includes(v)) throw this.fail(key, `must be one of ${values.join(', ')} (got '${v}')`)
    return v as T
  }

  strings (key: string, fallback?: string[]): string[] {
    const c = this.child(key)
    if (!c.exists) return this.need(key, fallback)
    return c.list().map((item, i) => {
      const v = item.scalar()
      if (typeof v !== 'string' && typeof v !== 'number') throw c.fail('', `item ${i} must be a string`)
      return String(v)
    })
  }

  /** The plain JS value under `key` (for free-form sections). */
  toJS (key?: string): unknown {
    const n = key === undefined ? this.node : (this.pair(key)?.value as YamlNode | null | undefined) ?? null
    if (n === null) return undefined
    return (n as unknown as { toJSON: () => unknown }).toJSON()
  }

  private range (key: string, n: number, opts: IntOptions): number {
    if (opts.min !== undefined && n < opts.min) throw this.fail(key, `must be at least ${opts.min} (got ${n})`)
    if (opts.max !== undefined && n > opts.max) throw this.fail(key, `must be at most ${opts.max} (got ${n})`)
    return n
  }

  private need<T> (key: string, fallback: T | undefined): T {
    if (fallback === undefined) throw this.fail(key === '' ? '' : key, 'is required')
    return fallback
  }

  private raw (key: string): unknown {
    const p = this.pair(key)
    if (p === null || p.value === null) return undefined
    if (!isScalar(p.value)) throw this.fail(key, 'must be a plain value, not a list or mapping')
    return p.value.value === null ? undefined : p.value.value
  }

  private pair (key: string): { key: YamlNode | null, value: YamlNode | null } | null {
    if (this.node === null || !isMap(this.node)) return null
    for (const p of this.node.items) {
      const k = isScalar(p.key) ? p.key.value : p.key
      if (String(k) === key) return p as unknown as { key: YamlNode | null, value: YamlNode | null }
    }
    return null
  }
}
