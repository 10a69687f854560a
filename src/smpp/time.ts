// SMPP 3.4 time fields (§7.1.1): absolute `YYMMDDhhmmsstnnp` and relative `YYMMDDhhmmss000R`.
// Absolute: local time plus `nn` quarter-hours ahead (`+`) or behind (`-`) UTC; t = tenths.
// Relative: years, months, days, hours, minutes and seconds from now. '' means "not set".

export type SmppTime =
  | { ok: true, kind: 'none', epochMs: null }
  | { ok: true, kind: 'absolute' | 'relative', epochMs: number }
  | { ok: false, reason: string }

const NONE: SmppTime = { ok: true, kind: 'none', epochMs: null }

function digits (s: string, from: number, n: number): number {
  let v = 0
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

/**
 * Parses a schedule_delivery_time / validity_period / final_date value to epoch ms (years
 * 00–99 are 2000–2099). `now` anchors relative times. Never throws: `{ ok: false, reason }` for a
 * malformed value (the router answers ESME_RINVSCHED / ESME_RINVEXPIRY).
 */
export function parseSmppTime (s: string, now: number = Date.now()): SmppTime {
  if (s === '') return NONE
  if (typeof s !== 'string' || s.length !== 16) return { ok: false, reason: `expected 16 characters, got ${String(s?.length)}` }
  const yy = digits(s, 0, 2)
  const mo = digits(s, 2, 2)
  const dd = digits(s, 4, 2)
  const hh = digits(s, 6, 2)
  const mi = digits(s, 8, 2)
  const ss = digits(s, 10, 2)
  const t = digits(s, 12, 1)
  const nn = digits(s, 13, 2)
  const p = s[15]
  if (yy < 0 || mo < 0 || dd < 0 || hh < 0 || mi < 0 || ss < 0 || t < 0 || nn < 0) {
    return { ok: false, reason: 'non-digit in the first 15 characters' }
  }
  if (p === 'R') {
    if (t !== 0 || nn !== 0) return { ok: false, reason: "relative time must end in '000R'" }
    if (mi > 59 || ss > 59 || hh > 23) return { ok: false, reason: 'relative hh/mm/ss out of range' }
    const d = new Date(now)
    if (yy !== 0 || mo !== 0) d.setUTCMonth(d.getUTCMonth() + yy * 12 + mo)
    const epochMs = d.getTime() + ((dd * 24 + hh) * 60 + mi) * 60_000 + ss * 1000
    return { ok: true, kind: 'relative', epochMs }
  }
  if (p !== '+' && p !== '-') return { ok: false, reason: `last character must be '+', '-' or 'R', got '${p}'` }
  if (mo < 1 || mo > 12 || dd < 1 || hh > 23 || mi > 59 || ss > 59) return { ok: false, reason: 'date or time field out of range' }
  if (nn > 48) return { ok: false, reason: `UTC offset ${nn} quarter-hours exceeds 48` }
  const year = 2000 + yy
  const local = Date.UTC(year, mo - 1, dd, hh, mi, ss, t * 100)
  const check = new Date(local)
  if (check.getUTCDate() !== dd || check.getUTCMonth() !== mo - 1) return { ok: false, reason: `no day ${dd} in month ${mo}` }
  const offsetMs = nn * 15 * 60_000
  return { ok: true, kind: 'absolute', epochMs: p === '+' ? local - offsetMs : local + offsetMs }
}

/** True for '', a valid absolute time or a valid relative time. */
export function isValidSmppTime (s: string): boolean {
  return parseSmppTime(s, 0).ok
}

function pad2 (n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/**
 * Absolute time for a Date: `YYMMDDhhmmsstnnp`. `offsetQuarterHours` (−48..48) writes the
 * local time of that zone; 0 (default) writes UTC with `00+`.
 */
export function formatAbsoluteTime (date: Date, offsetQuarterHours = 0): string {
  const q = Math.trunc(offsetQuarterHours)
  if (!(q >= -48 && q <= 48)) throw new RangeError(`offsetQuarterHours ${offsetQuarterHours} outside -48..48`)
  const d = new Date(date.getTime() + q * 15 * 60_000)
  return pad2(d.getUTCFullYear() % 100) + pad2(d.getUTCMonth() + 1) + pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) + pad2(d.getUTCMinutes()) + pad2(d.getUTCSeconds()) +
    String(Math.floor(d.getUTCMilliseconds() / 100)) + pad2(Math.abs(q)) + (q < 0 ? '-' : '+')
}

export interface RelativeTime {
  years?: number
  months?: number
  days?: number
  hours?: number
  minutes?: number
  seconds?: number
}

/** Relative time `YYMMDDhhmmss000R`; each part 0–99 (hours 0–23, minutes/seconds 0–59). */
export function formatRelativeTime (r: RelativeTime): string {
  const parts = [r.years ?? 0, r.months ?? 0, r.days ?? 0, r.hours ?? 0, r.minutes ?? 0, r.seconds ?? 0]
  const max = [99, 99, 99, 23, 59, 59]
  let s = ''
  for (let i = 0; i < 6; i++) {
    const v = parts[i]
    if (!Number.isInteger(v) || v < 0 || v > max[i]) throw new RangeError(`relative time part ${i} = ${v} outside 0..${max[i]}`)
    s += pad2(v)
  }
  return s + '000R'
}

/** A relative time for a duration in seconds (days carry up to 99; longer durations throw). */
export function relativeTimeFromSeconds (total: number): string {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`duration ${total} must be a non-negative integer`)
  const days = Math.floor(total / 86400)
  const rest = total % 86400
  return formatRelativeTime({ days, hours: Math.floor(rest / 3600), minutes: Math.floor((rest % 3600) / 60), seconds: rest % 60 })
}
