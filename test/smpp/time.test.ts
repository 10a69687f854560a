import t from 'tap'
import {
  formatAbsoluteTime, formatRelativeTime, isValidSmppTime, parseSmppTime, relativeTimeFromSeconds
} from '../../src/smpp/time.js'

const now = Date.UTC(2026, 10, 23, 16, 0, 0) // 2026-11-23T16:00:00Z

t.test('empty means not set', async t => {
  t.strictSame(parseSmppTime('', now), { ok: true, kind: 'none', epochMs: null })
  t.ok(isValidSmppTime(''))
})

t.test('absolute times', async t => {
  const at = (s: string): number | null => {
    const r = parseSmppTime(s, now)
    return r.ok ? r.epochMs : null
  }
  t.equal(at('261123160000000+'), Date.UTC(2026, 10, 23, 16, 0, 0), 'UTC')
  t.equal(at('261123170000004+'), Date.UTC(2026, 10, 23, 16, 0, 0), 'one hour ahead of UTC (4 quarter-hours)')
  t.equal(at('261123110000020-'), Date.UTC(2026, 10, 23, 16, 0, 0), 'five hours behind UTC')
  t.equal(at('261123160000548+'), Date.UTC(2026, 10, 23, 4, 0, 0, 500), 'tenths and +12h')
  t.equal(at('000101000000000+'), Date.UTC(2000, 0, 1), 'year 00 is 2000')
  t.equal(at('280229120000000+'), Date.UTC(2028, 1, 29, 12), 'leap day')
  t.equal(parseSmppTime('261123160000000+', now).ok && (parseSmppTime('261123160000000+', now) as any).kind, 'absolute')
})

t.test('relative times', async t => {
  const r = parseSmppTime('000001020304000R', now)
  t.strictSame(r, { ok: true, kind: 'relative', epochMs: now + ((24 + 2) * 3600 + 3 * 60 + 4) * 1000 })
  const y = parseSmppTime('010200000000000R', now)
  t.equal(y.ok && y.epochMs, Date.UTC(2028, 0, 23, 16), 'one year two months on')
  t.equal((parseSmppTime('000000000000000R', now) as any).epochMs, now, 'zero is now')
})

t.test('malformed values tell what is wrong', async t => {
  for (const bad of [
    '2611231600', // too short
    '261123160000000+0', // too long
    '261123160000000*', // bad sign
    '261323160000000+', // month 13
    '261100160000000+', // day 0
    '260230160000000+', // 30 February
    '261123240000000+', // hour 24
    '261123166000000+', // minute 60
    '261123160060000+', // second 60
    '261123160000049+', // offset > 48
    '2611231600a0000+', // non-digit
    '000001000000001R', // relative must end 000R
    '000000240000000R' // relative hour 24
  ]) {
    const r = parseSmppTime(bad, now)
    t.equal(r.ok, false, `${bad} rejected`)
    t.ok(!r.ok && r.reason.length > 0, 'with a reason')
    t.notOk(isValidSmppTime(bad))
  }
})

t.test('formatting round-trips', async t => {
  const d = new Date(Date.UTC(2026, 10, 23, 16, 5, 9, 700))
  t.equal(formatAbsoluteTime(d), '261123160509700+')
  t.equal(formatAbsoluteTime(d, 4), '261123170509704+')
  t.equal(formatAbsoluteTime(d, -20), '261123110509720-')
  for (const q of [0, 4, -20, 48, -48]) {
    const r = parseSmppTime(formatAbsoluteTime(d, q), 0)
    t.equal(r.ok && r.epochMs, d.getTime(), `offset ${q} round-trips`)
  }
  t.throws(() => formatAbsoluteTime(d, 49), RangeError)
  t.equal(formatRelativeTime({ days: 2, hours: 3 }), '000002030000000R')
  t.equal(relativeTimeFromSeconds(90061), '000001010101000R')
  t.throws(() => formatRelativeTime({ hours: 24 }), RangeError)
  t.throws(() => relativeTimeFromSeconds(-1), RangeError)
})
