// Shared by the rules tests: a seeded PRNG (tests stay reproducible) and text generators.

/** mulberry32: small, fast, good enough to generate test texts from a seed. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
export const GSM_EXT = '\f^{}\\[~]|€'
export const NON_GSM_BMP = 'êâôûçÀÈÌÒÙЖжДдЯяαβγ中文日本語한국어“”‘’…–—\u00a0¢¬°±`'
export const ASTRAL = ['😀', '👍', '🎉', '𝄞', '🚀', '🙂']
/** Multi-code-point graphemes: ZWJ sequence, flag, skin tone, keycap, combining accent. */
export const CLUSTERS = ['👩‍💻', '🇮🇹', '👍🏽', '1️⃣', 'e\u0301', '❤️']

export type TextKind = 'gsm' | 'gsmExt' | 'ucs2' | 'astral' | 'clusters' | 'crlf'

/** A random text of `len` steps drawn for `kind` (an astral char or cluster is one step). */
export function genText (rand: () => number, kind: TextKind, len: number): string {
  let s = ''
  const pick = (alphabet: string | string[]): string => alphabet[Math.floor(rand() * alphabet.length)]
  for (let i = 0; i < len; i++) {
    const r = rand()
    if (kind === 'gsm') s += pick(GSM_BASIC)
    else if (kind === 'gsmExt') s += r < 0.15 ? pick(GSM_EXT) : pick(GSM_BASIC)
    else if (kind === 'ucs2') s += r < 0.1 ? pick(NON_GSM_BMP) : r < 0.15 ? pick(GSM_EXT) : pick(GSM_BASIC)
    else if (kind === 'astral') s += r < 0.15 ? pick(ASTRAL) : r < 0.2 ? pick(NON_GSM_BMP) : pick(GSM_BASIC)
    else if (kind === 'clusters') s += r < 0.1 ? pick(CLUSTERS) : r < 0.15 ? pick(ASTRAL) : pick(GSM_BASIC)
    else s += r < 0.1 ? '\r\n' : pick(GSM_BASIC)
  }
  return s
}
