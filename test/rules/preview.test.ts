import t from 'tap'
import { AccountPolicy, defaultRulesConfig, preview } from '../../src/rules/index.js'

const rules = defaultRulesConfig()
const policy = new AccountPolicy(rules, { type: 'pro', senders: null, transliterate: false, unicode: true, italianVat: true })
const req = { type: null, from: 'ACME', fromTon: 5, to: '+447911123456', toTon: 1 }

t.test('seed preview: a long message, its parts and cost inputs', async (t) => {
  const text = "Gentile Cliente, le comunico che il suo abbonamento scadrà alla fine di questo mese. Le invieremo un'email con la richiesta da controfirmare in ogni sua parte, che balle come conferma d'ordine per il rinnovo del servizio. Grazie"
  const p = preview(policy, req, text)
  t.equal(p.ok, true)
  t.equal(p.encoding, 'gsm7')
  t.equal(p.parts.length, 2)
  t.equal(p.parts[0].characters, 153)
  t.equal(p.parts[0].capacity, 153)
  t.equal(p.parts.map((x) => x.text).join(''), text, 'parts show the text as the phone will')
  t.same(p.cost, { type: 'pro', parts: 2, country: 'GB' })
  t.same(p.warnings.map((w) => w.code), ['LONG_MESSAGE'])
})

t.test('warnings: double-counted, UCS-2 forced, transliterated, sender replaced', async (t) => {
  const a = preview(policy, req, 'Prezzo: 10€ [promo]')
  t.same(a.warnings.map((w) => [w.code, w.chars]), [['DOUBLE_COUNTED', ['€', '[', ']']]])
  t.equal(a.characters, 19)
  t.equal(a.units, 22)
  const b = preview(policy, req, 'Ciao “Mario”')
  t.same(b.warnings.map((w) => [w.code, w.chars]), [['UCS2_FORCED', ['“', '”']]])
  t.equal(b.parts[0].capacity, 70)
  const tr = new AccountPolicy(rules, { ...policy.account, transliterate: true })
  const c = preview(tr, req, 'Ciao “Mario”…')
  t.same(c.warnings.map((w) => [w.code, w.chars]), [['TRANSLITERATED', ['“', '”', '…']]])
  t.equal(c.parts[0].text, 'Ciao "Mario"...')
  const d = preview(policy, { ...req, type: 'smart' as const }, 'hi')
  t.same(d.warnings.map((w) => w.code), ['SENDER_REPLACED'])
  t.equal(d.from!.addr, 'Instrada')
})

t.test('every violation is reported at once, and nothing is priced', async (t) => {
  const p = preview(policy, { ...req, from: 'AB', to: '+39' }, '')
  t.equal(p.ok, false)
  t.same(p.violations.map((v) => v.reason), ['DEST_BAD_LENGTH', 'ALIAS_TOO_SHORT', 'EMPTY_TEXT'])
  t.equal(p.cost.parts, 0)
  t.same(JSON.parse(JSON.stringify(p.violations[2])), { reason: 'EMPTY_TEXT', field: 'text', message: 'the message text is empty', smppStatus: 1, httpStatus: 400 })
})
