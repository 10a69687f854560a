// Part counts cross-checked against an independent implementation, sms-segments-calculator
// (Twilio's). It segments by grapheme cluster, 1120 bits per SMS, 6 UDH octets per part — the
// same geometry as ours. The one class of disagreement: it never splits a grapheme cluster (a
// ZWJ emoji, a flag, a keycap, a letter plus combining accent) across parts, while we only keep
// surrogate pairs and escape pairs whole — phones rejoin the parts before display, so a cluster
// split across parts still shows intact, and the cheaper split is what carriers bill.
// The second test proves that is the only difference: our walk, made to step by grapheme
// cluster, matches the library on every text.

import t from 'tap'
import { SegmentedMessage } from 'sms-segments-calculator'
import { prepareText, PreparedMessage } from '../../src/rules/index.js'
import { GSM7_COST } from '../../src/rules/gsm7.js'
import { genText, prng, type TextKind } from './fixtures.js'

const opts = { maxParts: 255, transliterate: false, unicode: true }
const kinds: TextKind[] = ['gsm', 'gsmExt', 'ucs2', 'astral', 'clusters', 'crlf']
const PER_KIND = 500

interface Case { kind: TextKind, text: string, ours: PreparedMessage, theirs: SegmentedMessage }
const cases: Case[] = []
const rand = prng(20261123)
for (const kind of kinds) {
  for (let i = 0; i < PER_KIND; i++) {
    const text = genText(rand, kind, 1 + Math.floor(rand() * 700))
    cases.push({ kind, text, ours: prepareText(text, opts) as PreparedMessage, theirs: new SegmentedMessage(text) })
  }
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** Our walk, stepping by grapheme cluster as the library does (CR LF counted as two). */
function graphemeParts (text: string, enc: 'gsm7' | 'ucs2'): number {
  const steps: number[] = []
  for (const { segment } of segmenter.segment(text)) {
    if (segment === '\r\n') { steps.push(1, 1); continue }
    steps.push(enc === 'gsm7' ? GSM7_COST[segment.charCodeAt(0)] : segment.length)
  }
  const total = steps.reduce((a, b) => a + b, 0)
  if (total <= (enc === 'gsm7' ? 160 : 70)) return 1
  const per = enc === 'gsm7' ? 153 : 67
  let parts = 1
  let used = 0
  for (const c of steps) { if (used + c > per) { parts++; used = 0 } used += c }
  return parts
}

t.test('encoding and part count agree except where a grapheme cluster straddles a part boundary', async (t) => {
  const disagreements: Record<string, number> = {}
  for (const c of cases) {
    const enc = c.theirs.encodingName === 'GSM-7' ? 'gsm7' : 'ucs2'
    if (enc !== c.ours.encoding) { disagreements[`${c.kind} encoding`] = (disagreements[`${c.kind} encoding`] ?? 0) + 1; continue }
    if (c.theirs.segmentsCount !== c.ours.parts) {
      const key = `${c.kind} parts`
      disagreements[key] = (disagreements[key] ?? 0) + 1
      // Explained: only texts with multi-code-point clusters, and the library needs more parts.
      t.equal(c.kind, 'clusters', 'only cluster texts disagree')
      t.ok(c.theirs.segmentsCount > c.ours.parts, 'keeping clusters whole can only add parts')
    }
  }
  t.same(Object.keys(disagreements).filter((k) => !k.startsWith('clusters parts')), [], 'no other disagreement class')
  t.comment(`${cases.length} texts; disagreements: ${JSON.stringify(disagreements)}`)
})

t.test('stepping our walk by grapheme cluster reproduces the library on every text', async (t) => {
  let mismatches = 0
  for (const c of cases) {
    if (graphemeParts(c.text, c.ours.encoding as 'gsm7' | 'ucs2') !== c.theirs.segmentsCount) mismatches++
  }
  t.equal(mismatches, 0)
})

t.test('characters: GSM counts septets in the library, characters in ours; units agree', async (t) => {
  const gsm = cases.filter((c) => c.ours.encoding === 'gsm7')
  t.ok(gsm.length > 1000, 'enough GSM texts')
  t.same(gsm.filter((c) => c.ours.units !== c.theirs.numberOfCharacters).map((c) => c.text), [], 'library numberOfCharacters is our septet count')
})
