// GSM 03.38 default alphabet and its extension table. SMPP carries GSM-7 unpacked (one septet per
// octet, data_coding 0), so there is no bit packing here: encoding is a table lookup per UTF-16
// code unit. The tables are typed arrays indexed by code unit so the hot path never hashes.

/** Basic table, septet → Unicode (0x1B is the escape to the extension table). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'

/** Extension table: septet after ESC → Unicode. Each costs two septets. */
const EXTENSION: ReadonlyArray<[number, string]> = [
  [0x0a, '\f'], [0x14, '^'], [0x28, '{'], [0x29, '}'], [0x2f, '\\'],
  [0x3c, '['], [0x3d, '~'], [0x3e, ']'], [0x40, '|'], [0x65, '€']
]

export const GSM7_ESCAPE = 0x1b

/** Septets a UTF-16 code unit costs in GSM-7: 0 = not representable, 1 = basic, 2 = extension. */
export const GSM7_COST = new Uint8Array(65536)
/** Code unit → septet (basic) or extension septet (when GSM7_COST is 2). */
const TO_SEPTET = new Uint8Array(65536)
/** Septet → code unit, for decoding. */
const FROM_BASIC = new Uint16Array(128)
/** Extension septet → code unit, 0 when the extension table has no character there. */
const FROM_EXT = new Uint16Array(128)

/** Septets whose GSM-7 character has the same code in ASCII (0x80–0xFF stay 0: not septets). */
const ASCII_SAME = new Uint8Array(256)

for (let i = 0; i < 128; i++) {
  const u = BASIC.charCodeAt(i)
  FROM_BASIC[i] = u
  if (u === i && i !== GSM7_ESCAPE) ASCII_SAME[i] = 1
  if (i === GSM7_ESCAPE) continue
  GSM7_COST[u] = 1
  TO_SEPTET[u] = i
}
for (const [septet, ch] of EXTENSION) {
  const u = ch.charCodeAt(0)
  FROM_EXT[septet] = u
  GSM7_COST[u] = 2
  TO_SEPTET[u] = septet
}

/** The extension characters, for documentation and warnings. */
export const GSM7_EXTENSION_CHARS: readonly string[] = EXTENSION.map(([, c]) => c)

/** Septets `text` needs in GSM-7, or -1 when some character is not in the alphabet. */
export function gsm7Septets (text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = GSM7_COST[text.charCodeAt(i)]
    if (c === 0) return -1
    n += c
  }
  return n
}

/** True when the code unit is in the basic table or the extension table. */
export function isGsm7 (codeUnit: number): boolean {
  return GSM7_COST[codeUnit] !== 0
}

/**
 * Writes `text[from, to)` as unpacked septets into `out` at `offset`; returns the new offset.
 * The caller has checked the text is GSM-7 (gsm7Septets ≥ 0) and sized `out`.
 */
export function writeGsm7 (text: string, from: number, to: number, out: Uint8Array, offset: number): number {
  let o = offset
  for (let i = from; i < to; i++) {
    const u = text.charCodeAt(i)
    if (GSM7_COST[u] === 2) out[o++] = GSM7_ESCAPE
    out[o++] = TO_SEPTET[u]
  }
  return o
}

// Decoding writes UTF-16LE into a reusable scratch buffer and lets Buffer's native decoder make
// the string: no per-character string concatenation. The scratch holds no state between calls.
let scratch = Buffer.allocUnsafe(1024)

/** A scratch buffer of at least `octets` bytes, shared by the decoders of this domain. */
export function decodeScratch (octets: number): Buffer {
  if (scratch.length < octets) scratch = Buffer.allocUnsafe(Math.max(octets, scratch.length * 2))
  return scratch
}

/** Unpacked septets → text; null when a byte is above 0x7F (not a septet). */
export function decodeGsm7 (bytes: Uint8Array, from = 0, to = bytes.length): string | null {
  // Plain text (letters, digits, most punctuation) has the same codes in GSM-7 and ASCII: one
  // table check per byte, then the native Latin-1 decoder.
  let plain = true
  for (let i = from; i < to; i++) if (ASCII_SAME[bytes[i]] === 0) { plain = false; break }
  if (plain) return Buffer.prototype.latin1Slice.call(bytes, from, to)
  // Other texts map to code units ≤ 0xFF: decode them as Latin-1 (a one-byte string, cheapest to
  // make and to scan later); fall back to UTF-16 on the first Greek letter or €.
  const out = decodeScratch(to - from)
  let o = 0
  for (let i = from; i < to; i++) {
    const b = bytes[i]
    if (b > 0x7f) return null
    let u: number
    if (b === GSM7_ESCAPE) {
      if (i + 1 >= to) break
      const e = bytes[++i]
      if (e > 0x7f) return null
      u = extensionUnit(e)
    } else {
      u = FROM_BASIC[b]
    }
    if (u > 0xff) return decodeGsm7Wide(bytes, from, to)
    out[o++] = u
  }
  return out.toString('latin1', 0, o)
}

/** 03.38: an unknown extension code shows the basic-table character; escape-escape a space. */
function extensionUnit (e: number): number {
  const u = FROM_EXT[e]
  return u !== 0 ? u : e === GSM7_ESCAPE ? 0x20 : FROM_BASIC[e]
}

function decodeGsm7Wide (bytes: Uint8Array, from: number, to: number): string | null {
  const out = decodeScratch((to - from) * 2)
  let o = 0
  for (let i = from; i < to; i++) {
    const b = bytes[i]
    if (b > 0x7f) return null
    let u: number
    if (b === GSM7_ESCAPE) {
      if (i + 1 >= to) break // a dangling escape carries nothing: the phone shows nothing
      const e = bytes[++i]
      if (e > 0x7f) return null
      u = extensionUnit(e)
    } else {
      u = FROM_BASIC[b]
    }
    out[o++] = u & 0xff
    out[o++] = u >>> 8
  }
  return out.toString('utf16le', 0, o)
}
