// Hand-written binary rows for the hot tables (messages, status, generic holds) and for the
// items of a `traffic` ledger entry. msgpack spent about a quarter of the writer's time
// on these rows; a fixed layout written straight into one reusable buffer costs a fraction of
// that and allocates nothing but the decoded result.
//
// Encoding goes into a scratch buffer that is overwritten by the next row, which is safe only
// because every put of these rows happens inside the writer's transaction callback, where
// lmdb-js executes the put (and copies the bytes) before `put` returns.
//
// Numbers are float64 (null = NaN), small enums and flags are bytes, strings are a uint32 byte
// length (0xffffffff = null) followed by UTF-8.

import type { CutFor, Origin, PartState } from './types.js'

const NULL_LEN = 0xffffffff
// 2: the open-set layout (2026-11-23): message and state rows name their open set.
const ROW_VERSION = 2

export class ByteWriter {
  buf: Buffer
  private dv: DataView
  pos = 0

  constructor (size = 1 << 16) {
    // Not pooled, so byteOffset is 0: lmdb-js takes the address of `buf.buffer` plus `start`.
    this.buf = Buffer.allocUnsafeSlow(size)
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length)
  }

  reset (): this {
    this.pos = 0
    return this
  }

  /** The bytes written since reset(), as a view (valid until the next reset). */
  view (): Buffer {
    return this.buf.subarray(0, this.pos)
  }

  /** The bytes written since reset() as a value for an lmdb put, without allocating a view:
   *  lmdb-js honours `start`/`end` on a value buffer (the protocol msgpackr uses). */
  out (): Buffer {
    const b = this.buf as PutBuffer
    b.start = 0
    b.end = this.pos
    return b
  }

  private room (n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
    this.dv = new DataView(next.buffer, next.byteOffset, next.length)
  }

  u8 (v: number): void {
    this.room(1)
    this.buf[this.pos++] = v
  }

  u32 (v: number): void {
    this.room(4)
    this.dv.setUint32(this.pos, v, true)
    this.pos += 4
  }

  f64 (v: number | null): void {
    this.room(8)
    this.dv.setFloat64(this.pos, v === null ? NaN : v, true)
    this.pos += 8
  }

  str (s: string | null): void {
    if (s === null) { this.u32(NULL_LEN); return }
    const len = s.length
    this.room(4 + len * 3)
    const buf = this.buf
    const at = this.pos + 4
    // Our strings are short and almost always ASCII (ids, numbers, names): copy them by hand,
    // which beats Buffer#write's call overhead; anything else takes the UTF-8 path.
    if (len <= 64) {
      let i = 0
      for (; i < len; i++) {
        const c = s.charCodeAt(i)
        if (c >= 0x80) break
        buf[at + i] = c
      }
      if (i === len) {
        this.dv.setUint32(this.pos, len, true)
        this.pos = at + len
        return
      }
    }
    const n = buf.write(s, at, 'utf8')
    this.dv.setUint32(this.pos, n, true)
    this.pos = at + n
  }

  bytes (b: Uint8Array): void {
    this.room(4 + b.length)
    this.dv.setUint32(this.pos, b.length, true)
    this.buf.set(b, this.pos + 4)
    this.pos += 4 + b.length
  }
}

interface PutBuffer extends Buffer {
  start: number
  end: number
}

export class ByteReader {
  buf: Buffer = EMPTY
  pos = 0

  on (buf: Buffer): this {
    this.buf = buf
    this.pos = 0
    return this
  }

  u8 (): number { return this.buf[this.pos++] }

  u32 (): number {
    const v = this.buf.readUInt32LE(this.pos)
    this.pos += 4
    return v
  }

  f64 (): number {
    const v = this.buf.readDoubleLE(this.pos)
    this.pos += 8
    return v
  }

  f64n (): number | null {
    const v = this.f64()
    return Number.isNaN(v) ? null : v
  }

  str (): string {
    return this.strn() ?? ''
  }

  strn (): string | null {
    const n = this.u32()
    if (n === NULL_LEN) return null
    const s = this.buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return s
  }

  /** A copy: the source buffer may be lmdb's reused read buffer. */
  bytes (): Uint8Array {
    const n = this.u32()
    const out = new Uint8Array(n)
    out.set(this.buf.subarray(this.pos, this.pos + n))
    this.pos += n
    return out
  }
}

const EMPTY = Buffer.alloc(0)

// ---------------------------------------------------------------------------------------------
// messages: written once at accept, never re-encoded.

export interface MessageRow {
  origin: Origin
  ref: string | null
  from: string
  to: string
  cc: string | null
  type: string
  dc: number
  esm: number
  rd: number
  pid: number
  pri: number
  cref: number
  cut: CutFor
  pc: number
  rcv: number
  vu: number | null
  sch: number | null
  p: Uint8Array[]
  /** Status webhook URL; a trailing field (rows written before it have none: null). */
  cb: string | null
  /** The open set (key [account, set] in `open`) that listed this message at accept. */
  set: string
}

export function writeMessage (w: ByteWriter, m: MessageRow): Buffer {
  w.reset()
  w.u8(ROW_VERSION)
  w.str(m.set)
  if (m.origin.kind === 'smpp') { w.u8(0); w.str(m.origin.bindId) } else w.u8(1)
  w.str(m.ref)
  w.str(m.from)
  w.str(m.to)
  w.str(m.cc)
  w.str(m.type)
  w.f64(m.dc)
  w.f64(m.esm)
  w.f64(m.rd)
  w.f64(m.pid)
  w.f64(m.pri)
  w.f64(m.cref)
  w.u8(m.cut === 'udh16' ? 1 : 0)
  w.f64(m.pc)
  w.f64(m.rcv)
  w.f64(m.vu)
  w.f64(m.sch)
  w.u32(m.p.length)
  for (let i = 0; i < m.p.length; i++) w.bytes(m.p[i])
  w.str(m.cb)
  return w.out()
}

export function readMessage (r: ByteReader): MessageRow {
  r.u8()
  const set = r.str()
  const origin: Origin = r.u8() === 0 ? { kind: 'smpp', bindId: r.str() } : { kind: 'http' }
  const ref = r.strn()
  const from = r.str()
  const to = r.str()
  const cc = r.strn()
  const type = r.str()
  const dc = r.f64()
  const esm = r.f64()
  const rd = r.f64()
  const pid = r.f64()
  const pri = r.f64()
  const cref = r.f64()
  const cut: CutFor = r.u8() === 1 ? 'udh16' : 'udh8'
  const pc = r.f64()
  const rcv = r.f64()
  const vu = r.f64n()
  const sch = r.f64n()
  const n = r.u32()
  const p: Uint8Array[] = new Array(n)
  for (let i = 0; i < n; i++) p[i] = r.bytes()
  const cb = r.pos < r.buf.length ? r.strn() : null
  return { origin, ref, from, to, cc, type, dc, esm, rd, pid, pri, cref, cut, pc, rcv, vu, sch, p, cb, set }
}

/**
 * The state a message has until its first change, read from its message row without copying
 * the payloads: every part queued, the whole price held. A message has no `status` row until
 * something happens to it, so this is its state whenever that row is missing.
 */
export function messageState (r: ByteReader): StateRow {
  r.u8()
  const set = r.str()
  const smpp = r.u8() === 0
  if (smpp) skipStr(r)
  skipStr(r) // ref
  skipStr(r) // from
  skipStr(r) // to
  skipStr(r) // cc
  skipStr(r) // type
  r.pos += 16 // dc, esm
  const rd = r.f64()
  r.pos += 24 + 1 // pid, pri, cref, cut
  const pc = r.f64()
  const rcv = r.f64()
  const vu = r.f64n()
  const sch = r.f64n()
  const n = r.u32()
  for (let i = 0; i < n; i++) r.pos += 4 + r.buf.readUInt32LE(r.pos)
  const webhook = r.pos < r.buf.length && r.buf.readUInt32LE(r.pos) !== NULL_LEN
  const flags = (smpp && (rd & 3) !== 0 ? FLAG_RECEIPT : 0) | (webhook ? FLAG_WEBHOOK : 0)
  return newState(pc * n, pc, n, sch, vu, rcv, flags, set)
}

function skipStr (r: ByteReader): void {
  const n = r.u32()
  if (n !== NULL_LEN) r.pos += n
}

/** The receipt / webhook flags a message row implies. */
export function messageFlags (m: MessageRow): number {
  return (m.origin.kind === 'smpp' && (m.rd & 3) !== 0 ? FLAG_RECEIPT : 0) | (m.cb !== null ? FLAG_WEBHOOK : 0)
}

// ---------------------------------------------------------------------------------------------
// status (and generic holds): the life of a message. Written only once something happened to
// the message (messageState() is its state before that); the open sets (`open`) say which
// messages are unfinished. One row, one read per transition.

export interface PartStatus {
  st: PartState
  q: number
  d: number | null
  s: number | null
  f: number | null
  cid: string | null
  cmid: string | null
  err: string | null
  n: number
  chg: number
  due: number | null
}

/** The receipt outbox marker is owed when the message completes (SMPP, registered_delivery & 3). */
export const FLAG_RECEIPT = 1
/** A `message.status` webhook event is owed when the message completes (it has a callback URL). */
export const FLAG_WEBHOOK = 2

export interface StateRow {
  /** Open reservation in milli-credits. */
  rem: number
  /** Price of one part. */
  pc: number
  /** Parts (0 = a generic ledger hold: no part statuses). */
  parts: number
  sch: number | null
  vu: number | null
  rcv: number
  flags: number
  fin: number | null
  /** The message's open set (null for a generic hold). */
  set: string | null
  st: PartStatus[]
}

const STATES: PartState[] = ['queued', 'submitting', 'submitted', 'delivered', 'undeliverable', 'expired', 'rejected', 'failed']
const STATE_CODE = new Map<string, number>(STATES.map((s, i) => [s, i]))

export function writeState (w: ByteWriter, s: StateRow): Buffer {
  w.reset()
  w.u8(ROW_VERSION)
  w.u8(s.flags)
  w.f64(s.rem)
  w.f64(s.pc)
  w.u32(s.parts)
  w.f64(s.sch)
  w.f64(s.vu)
  w.f64(s.rcv)
  w.f64(s.fin)
  w.str(s.set)
  for (let i = 0; i < s.st.length; i++) {
    const p = s.st[i]
    w.u8(STATE_CODE.get(p.st) ?? 0)
    w.f64(p.q)
    w.f64(p.d)
    w.f64(p.s)
    w.f64(p.f)
    w.f64(p.n)
    w.f64(p.chg)
    w.f64(p.due)
    w.str(p.cid)
    w.str(p.cmid)
    w.str(p.err)
  }
  return w.out()
}

export function readState (r: ByteReader): StateRow {
  r.u8()
  const flags = r.u8()
  const rem = r.f64()
  const pc = r.f64()
  const parts = r.u32()
  const sch = r.f64n()
  const vu = r.f64n()
  const rcv = r.f64()
  const fin = r.f64n()
  const set = r.strn()
  const st: PartStatus[] = new Array(parts)
  for (let i = 0; i < parts && r.pos < r.buf.length; i++) {
    st[i] = {
      st: STATES[r.u8()],
      q: r.f64(),
      d: r.f64n(),
      s: r.f64n(),
      f: r.f64n(),
      n: r.f64(),
      chg: r.f64(),
      due: r.f64n(),
      cid: r.strn(),
      cmid: r.strn(),
      err: r.strn()
    }
  }
  return { rem, pc, parts, sch, vu, rcv, flags, fin, set, st }
}

/** Only the open reservation (reconcile sums it without decoding the parts). */
export function stateRemaining (buf: Buffer): number {
  return buf.readDoubleLE(2)
}

/** A new state row: every part queued, nothing charged. */
export function newState (rem: number, pc: number, parts: number, sch: number | null, vu: number | null, rcv: number, flags: number, set: string | null): StateRow {
  const st: PartStatus[] = new Array(parts)
  for (let i = 0; i < parts; i++) {
    st[i] = { st: 'queued', q: rcv, d: null, s: null, f: null, cid: null, cmid: null, err: null, n: 0, chg: 0, due: sch }
  }
  return { rem, pc, parts, sch, vu, rcv, flags, fin: null, set, st }
}

// ---------------------------------------------------------------------------------------------
// traffic items: [op, ref, part, amount] per reservation / charge / release, packed.

export type TrafficOp = 'r' | 'c' | 'x'
const OP_CODE: Record<TrafficOp, number> = { r: 0, c: 1, x: 2 }
const OPS: TrafficOp[] = ['r', 'c', 'x']

export function writeItem (w: ByteWriter, op: TrafficOp, ref: string, part: number, amount: number): void {
  w.u8(OP_CODE[op])
  w.f64(part)
  w.f64(amount)
  w.str(ref)
}

export function readItems (buf: Uint8Array): Array<[TrafficOp, string, number, number]> {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  const r = new ByteReader().on(b)
  const out: Array<[TrafficOp, string, number, number]> = []
  while (r.pos < b.length) {
    const op = OPS[r.u8()]
    const part = r.f64()
    const amount = r.f64()
    out.push([op, r.str(), part, amount])
  }
  return out
}
