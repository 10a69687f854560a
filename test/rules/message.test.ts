import t from 'tap'
import { prepareSubmit, prepareText, PreparedMessage, splitMessage, submitContent, Violation, type MessageOptions } from '../../src/rules/index.js'

const pro: MessageOptions = { maxParts: 4, transliterate: false, unicode: true }
const smart: MessageOptions = { maxParts: 1, transliterate: false, unicode: true }

function ok (r: PreparedMessage | Violation): PreparedMessage {
  if (r instanceof Violation) throw new Error(`unexpected violation ${r.reason}: ${r.message}`)
  return r
}
function reason (r: PreparedMessage | Violation): string {
  return r instanceof Violation ? r.reason : `ok (${r.encoding}, ${r.parts} parts)`
}

t.test('DOMAIN.md and seed examples: lengths and parts', async (t) => {
  const rows: Array<[string, string, MessageOptions, string, number]> = [
    // name, text, options, encoding, parts
    ['160 GSM characters are one part', 'a'.repeat(160), pro, 'gsm7', 1],
    ['159 + one € (two septets) are two parts', 'a'.repeat(159) + '€', pro, 'gsm7', 2],
    ['158 + € fill exactly 160 septets: one part', 'a'.repeat(158) + '€', pro, 'gsm7', 1],
    ['161 GSM characters are two parts', 'a'.repeat(161), pro, 'gsm7', 2],
    ['306 = 2 × 153 are two parts', 'a'.repeat(306), pro, 'gsm7', 2],
    ['307 are three parts', 'a'.repeat(307), pro, 'gsm7', 3],
    ['612 = 4 × 153 are four parts (pro maximum)', 'a'.repeat(612), pro, 'gsm7', 4],
    ['70 UCS-2 characters are one part', 'ж'.repeat(70), pro, 'ucs2', 1],
    ['71 UCS-2 characters are two parts', 'ж'.repeat(71), pro, 'ucs2', 2],
    ['134 = 2 × 67 UCS-2 are two parts', 'ж'.repeat(134), pro, 'ucs2', 2],
    ['135 UCS-2 are three parts', 'ж'.repeat(135), pro, 'ucs2', 3],
    ['35 emoji = 70 UTF-16 units: one part', '😀'.repeat(35), pro, 'ucs2', 1],
    ['seed: short confirmation is one PRO SMS',
      "Ciao Mario, ti confermiamo l'appuntamento delle 15:00 di domani. Ti aspettiamo.", pro, 'gsm7', 1],
    ['seed: "long message, 2 credits" preview (à is GSM-7)',
      "Gentile Cliente, le comunico che il suo abbonamento scadrà alla fine di questo mese. Le invieremo un'email con la richiesta da controfirmare in ogni sua parte, che balle come conferma d'ordine per il rinnovo del servizio. Grazie",
      pro, 'gsm7', 2],
    ['smart: 160 characters fit', 'b'.repeat(160), smart, 'gsm7', 1]
  ]
  for (const [name, text, opts, enc, parts] of rows) {
    const m = ok(prepareText(text, opts))
    t.equal(`${m.encoding} ${m.parts}`, `${enc} ${parts}`, name)
  }
})

t.test('limits and refusals', async (t) => {
  const rows: Array<[string, string, MessageOptions, string]> = [
    ['613 characters are refused for pro', 'a'.repeat(613), pro, 'TOO_MANY_PARTS'],
    ['611 + € (613 septets) is refused for pro', 'a'.repeat(611) + '€', pro, 'TOO_MANY_PARTS'],
    ['161 characters are refused for smart (one part only)', 'a'.repeat(161), smart, 'TOO_MANY_PARTS'],
    ['159 + € is refused for smart', 'a'.repeat(159) + '€', smart, 'TOO_MANY_PARTS'],
    ['269 UCS-2 (5 parts) refused for pro', 'ж'.repeat(269), pro, 'TOO_MANY_PARTS'],
    ['empty text refused', '', pro, 'EMPTY_TEXT'],
    ['a lone surrogate is not a character', 'abc\ud83dxyz', pro, 'INVALID_CHARS'],
    ['UCS-2 refused when the account may not send it', 'Привет', { ...pro, unicode: false }, 'UNICODE_NOT_ALLOWED'],
    ['seed: Word ellipsis cannot be sent without UCS-2 or transliteration', 'Attendere…', { ...pro, unicode: false }, 'UNICODE_NOT_ALLOWED']
  ]
  for (const [name, text, opts, want] of rows) t.equal(reason(prepareText(text, opts)), want, name)
  const v = prepareText('a'.repeat(613), pro) as Violation
  t.equal(v.smppStatus, 0x01, 'over the limit is ESME_RINVMSGLEN')
  t.equal((prepareText('', pro) as Violation).smppStatus, 0x01, 'empty is ESME_RINVMSGLEN too')
  t.equal((prepareText('\ud800', pro) as Violation).smppStatus, 0x402, 'uncarriable is INSTRADA_RINVCHARS')
  t.equal(v.field, 'text')
})

t.test('seed: which characters count double', async (t) => {
  // The seed says "€, £, $, ^, \" count double. GSM 03.38 has £ (0x01) and $ (0x02) in the basic
  // table, so they are single; the seed's list is wrong for them (sms-segments-calculator agrees).
  for (const ch of ['€', '^', '\\', '{', '}', '[', ']', '~', '|', '\f']) t.equal(ok(prepareText(ch, pro)).units, 2, `${JSON.stringify(ch)} costs two septets`)
  for (const ch of ['£', '$', '@', 'è', '¥', '§']) t.equal(ok(prepareText(ch, pro)).units, 1, `${ch} costs one septet`)
  const m = ok(prepareText('5€ e 5$', pro))
  t.equal(m.characters, 7, 'characters as the phone shows them')
  t.equal(m.units, 8, 'septets')
  t.equal(m.doubleCounted, 1)
})

t.test('escape pairs and surrogate pairs are never split', async (t) => {
  const gsm = ok(prepareText('a'.repeat(152) + '€' + 'b'.repeat(10), pro))
  t.equal(gsm.parts, 2)
  const gp = splitMessage(gsm, 'udh8', 1).parts
  t.equal(gp[0].text, 'a'.repeat(152), '€ would straddle septet 153/154: it moves to part 2')
  t.equal(gp[0].shortMessage.length, 6 + 152)
  t.equal(gp[1].text, '€' + 'b'.repeat(10))
  const ucs = ok(prepareText('ж'.repeat(66) + '😀' + 'ж'.repeat(10), pro))
  t.equal(ucs.units, 78)
  t.equal(ucs.characters, 77, 'the emoji is one character')
  const up = splitMessage(ucs, 'udh8', 1).parts
  t.equal(up[0].text, 'ж'.repeat(66), 'the pair would straddle unit 67/68: it moves to part 2')
  t.equal(up[1].text.codePointAt(0), 0x1f600)
})

t.test('transliteration (per account, off by default)', async (t) => {
  const on = { ...pro, transliterate: true }
  const text = '“Offerta” – solo oggi… prezzo\u00a0speciale ‘ok’'
  t.equal(ok(prepareText(text, pro)).encoding, 'ucs2', 'off: look-alikes force UCS-2')
  const m = ok(prepareText(text, on))
  t.equal(m.encoding, 'gsm7')
  t.equal(m.text, '"Offerta" - solo oggi... prezzo speciale \'ok\'')
  t.ok(m.transliteration !== null)
  t.equal(m.transliteration!.count, 7)
  t.same(m.transliteration!.replaced.sort(), ['\u00a0', '…', '–', '‘', '’', '“', '”'].sort())
  const mixed = ok(prepareText('“Привет”', on))
  t.equal(mixed.encoding, 'ucs2', 'when UCS-2 is needed anyway the text is kept exactly')
  t.equal(mixed.text, '“Привет”')
  t.equal(mixed.transliteration, null)
  t.equal(ok(prepareText('Attendere…', { ...on, unicode: false })).text, 'Attendere...', 'transliteration saves a no-UCS-2 account')
  t.equal(reason(prepareText('a'.repeat(158) + '…', { ...on, maxParts: 1 })), 'TOO_MANY_PARTS', 'the ... costs three septets and counts')
})

t.test('HTTP fixed encodings', async (t) => {
  const u = ok(prepareText('hello', pro, 'ucs2'))
  t.equal(`${u.encoding} ${u.dataCoding} ${u.units}`, 'ucs2 8 5', 'ucs2 forced on a GSM text')
  t.equal(reason(prepareText('Привет', pro, 'gsm7')), 'INVALID_CHARS', 'gsm7 forced on Cyrillic')
  t.equal(ok(prepareText('hi', pro, 'gsm7')).dataCoding, 0)
})

const sm = (bytes: number[] | Buffer, dataCoding: number, esmClass = 0, payload: Buffer | null = null) =>
  ({ shortMessage: Buffer.from(bytes), dataCoding, esmClass, messagePayload: payload })

t.test('SMPP submits: every data_coding a customer may send', async (t) => {
  const rows: Array<[string, ReturnType<typeof sm>, string]> = [
    ['dc 0 GSM-7 unpacked, with an escape', sm([0x48, 0x69, 0x20, 0x1b, 0x65], 0), 'gsm7 dc=0x0 "Hi €"'],
    ['dc 0 @ is septet 0x00', sm([0x00, 0x01, 0x02], 0), 'gsm7 dc=0x0 "@£$"'],
    ['dc 1 IA5 → GSM-7', sm(Buffer.from('Hello'), 1), 'gsm7 dc=0x0 "Hello"'],
    ['dc 1 IA5 backtick is not GSM → UCS-2', sm(Buffer.from('a`b'), 1), 'ucs2 dc=0x8 "a`b"'],
    ['dc 3 Latin-1 café → GSM-7 (é is in GSM)', sm(Buffer.from('café', 'latin1'), 3), 'gsm7 dc=0x0 "café"'],
    ['dc 3 Latin-1 ê → UCS-2', sm(Buffer.from('crêpe', 'latin1'), 3), 'ucs2 dc=0x8 "crêpe"'],
    ['dc 8 UCS-2 kept even for GSM text (customer-fixed)', sm(Buffer.from([0, 0x68, 0, 0x69]), 8), 'ucs2 dc=0x8 "hi"'],
    ['dc 8 surrogate pair', sm(Buffer.from([0xd8, 0x3d, 0xde, 0x00]), 8), 'ucs2 dc=0x8 "😀"'],
    ['dc 0xF0 (flash, GSM-7) kept', sm([0x41], 0xf0), 'gsm7 dc=0xf0 "A"'],
    ['dc 0x18 (general group, UCS-2 class 0) kept', sm([0, 0x41], 0x18), 'ucs2 dc=0x18 "A"'],
    ['dc 4 binary', sm([1, 2, 3], 4), 'binary dc=0x4 ""'],
    ['dc 2 binary', sm([1, 2, 3], 2), 'binary dc=0x2 ""'],
    ['dc 0xF5 (8-bit data, class 1) binary', sm([0xff], 0xf5), 'binary dc=0xf5 ""']
  ]
  for (const [name, input, want] of rows) {
    const m = ok(prepareSubmit(input, pro))
    t.equal(`${m.encoding} dc=0x${m.dataCoding.toString(16)} ${JSON.stringify(m.text)}`, want, name)
  }
  const bad: Array<[string, ReturnType<typeof sm>, string]> = [
    ['dc 0 byte above 0x7F', sm([0x41, 0x80], 0), 'INVALID_CHARS'],
    ['dc 1 byte above 0x7F', sm([0xe9], 1), 'INVALID_CHARS'],
    ['dc 8 odd length', sm([0, 0x41, 0], 8), 'INVALID_CHARS'],
    ['dc 6 (Cyrillic) unsupported', sm([0x41], 6), 'DATA_CODING_UNSUPPORTED'],
    ['dc 0x24 (compressed) unsupported', sm([0x41], 0x24), 'DATA_CODING_UNSUPPORTED'],
    ['empty short_message, no payload', sm([], 0), 'EMPTY_TEXT'],
    ['binary 4 parts + 1 octet refused for pro', sm(Buffer.alloc(4 * 134 + 1), 4), 'TOO_MANY_PARTS']
  ]
  for (const [name, input, want] of bad) t.equal(reason(prepareSubmit(input, pro)), want, name)
  t.equal(ok(prepareSubmit(sm(Buffer.alloc(140), 4), pro)).parts, 1, '140 octets binary: one part')
  t.equal(ok(prepareSubmit(sm(Buffer.alloc(141), 4), pro)).parts, 2, '141 octets binary: two parts')
  t.equal(ok(prepareSubmit(sm(Buffer.alloc(268), 4), pro)).parts, 2, '268 = 2 × 134 octets: two parts')
})

t.test('message_payload in place of short_message', async (t) => {
  const fromPdu = submitContent({ shortMessage: Buffer.alloc(0), dataCoding: 8, esmClass: 0, tlvs: { messagePayload: Buffer.from([0, 0x41]) } })
  t.equal(ok(prepareSubmit(fromPdu, pro)).text, 'A', 'submitContent reads the TLV of a decoded PDU')
  t.equal(ok(prepareSubmit(submitContent({ dataCoding: 0, esmClass: 0, tlvs: { messagePayload: Buffer.from([0x41]) } }), pro)).text, 'A', 'data_sm: payload only')
  const m = ok(prepareSubmit(sm([], 0, 0, Buffer.alloc(400, 0x41)), pro))
  t.equal(`${m.encoding} ${m.units} ${m.parts}`, 'gsm7 400 3')
  t.equal(reason(prepareSubmit(sm([], 0, 0, Buffer.alloc(700, 0x41)), pro)), 'TOO_MANY_PARTS')
})

t.test('customer-made UDH (esm_class 0x40) is kept as one message', async (t) => {
  const udh = [0x05, 0x00, 0x03, 0x2a, 0x03, 0x01]
  const bytes = Buffer.from([...udh, ...Buffer.alloc(153, 0x41)])
  const m = ok(prepareSubmit(sm(bytes, 0, 0x40), pro))
  t.equal(m.parts, 1, 'one submit, one part')
  t.equal(m.text, 'A'.repeat(153))
  const split = splitMessage(m, 'sar', 7)
  t.equal(split.parts.length, 1)
  t.same(split.parts[0].shortMessage, bytes, 'sent byte for byte')
  t.equal(split.parts[0].esmClass, 0x40)
  t.equal(split.parts[0].sarTotal, 0, 'no SAR on a customer UDH part')
  t.equal(reason(prepareSubmit(sm(bytes, 0, 0x40), smart)), 'TOO_MANY_PARTS', 'a 3-part concatenation is refused for smart')
  t.equal(reason(prepareSubmit(sm([...udh, ...Buffer.alloc(154, 0x41)], 0, 0x40), pro)), 'UDH_PART_TOO_LONG', '6 octets of UDH leave 153 septets')
  t.equal(reason(prepareSubmit(sm([0x09, 0x00, 0x03, 1], 0, 0x40), pro)), 'UDH_MALFORMED', 'UDHL beyond the message')
  t.equal(reason(prepareSubmit(sm([0x03, 0x00, 0x05, 1], 0, 0x40), pro)), 'UDH_MALFORMED', 'IE beyond the UDH')
  const u16 = ok(prepareSubmit(sm([0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x02, 0x00, 0x41], 8, 0x40), pro))
  t.equal(`${u16.encoding} ${u16.text} ${u16.parts}`, 'ucs2 A 1')
  t.equal(reason(prepareSubmit(sm([0x05, 0x00, 0x03, 1, 1, 1, ...Buffer.alloc(135)], 4, 0x40), pro)), 'UDH_PART_TOO_LONG', '141 octets binary with UDH')
})
