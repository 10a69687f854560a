import t from 'tap'
import { ConfigNode } from '../../src/config/node.js'
import { Accepted, AccountPolicy, parseAccountRules, parseRulesConfig, Violation, type SendRequest } from '../../src/rules/index.js'

const rules = parseRulesConfig(ConfigNode.parse(`
types:
  smart: { sender: Instrada }
  reply: { sender: '393399900000' }
`, 'r.yaml'))
const acct = parseAccountRules(ConfigNode.parse(`
italian_vat: true
senders:
  - { addr: ACME, state: active }
  - { addr: NEWCO, state: pending }
  - { addr: '393201234567', state: active, verified: true }
  - { addr: '14155550100', state: active, verified: true, brand: B1, campaign: C1, sms_enabled: true }
`, 'a.yaml'), rules)
const policy = new AccountPolicy(rules, acct)

const req = (over: Partial<SendRequest>): SendRequest => ({ type: null, from: 'ACME', fromTon: 5, to: '+393471234567', toTon: 1, ...over })
const outcome = (r: Accepted | Violation): string => r instanceof Violation
  ? `${r.reason} 0x${r.smppStatus.toString(16)} ${r.httpStatus} ${r.field}`
  : `ok ${r.source.addr}/${r.source.ton}/${r.source.npi} → ${r.dest.addr}/${r.dest.ton}/${r.dest.npi} ${r.country} ${r.message.parts}p`

t.test('accept: table of whole-message outcomes', async (t) => {
  const rows: Array<[string, Partial<SendRequest>, string, string]> = [
    ['pro from an active alias', {}, 'hi', 'ok ACME/5/0 → 393471234567/1/1 IT 1p'],
    ['numeric sender in national format normalised to TON 1/NPI 1', { from: '3201234567', fromTon: 0 }, 'hi', 'ok 393201234567/1/1 → 393471234567/1/1 IT 1p'],
    ['destination with 00 and TON unknown', { to: '0039 347 1234567', toTon: 0 }, 'hi', 'ok ACME/5/0 → 393471234567/1/1 IT 1p'],
    ['pending alias', { from: 'NEWCO' }, 'hi', 'SENDER_NOT_ACTIVE 0xa 422 from'],
    ['alias too long', { from: 'ABCDEFGHIJKL' }, 'hi', 'ALIAS_TOO_LONG 0xa 400 from'],
    ['no sender', { from: '' }, 'hi', 'SENDER_MISSING 0xa 400 from'],
    ['smart ignores the customer sender', { type: 'smart', from: 'WHATEVER' }, 'hi', 'ok Instrada/5/0 → 393471234567/1/1 IT 1p'],
    ['reply uses the shared reply number', { type: 'reply', from: 'ACME' }, 'hi', 'ok 393399900000/1/1 → 393471234567/1/1 IT 1p'],
    ['smart: one part only', { type: 'smart' }, 'x'.repeat(161), 'TOO_MANY_PARTS 0x1 422 text'],
    ['pro: 612 ok', {}, 'x'.repeat(612), 'ok ACME/5/0 → 393471234567/1/1 IT 4p'],
    ['pro: 613 refused', {}, 'x'.repeat(613), 'TOO_MANY_PARTS 0x1 422 text'],
    ['empty', {}, '', 'EMPTY_TEXT 0x1 400 text'],
    ['bad destination', { to: '+39 abc' }, 'hi', 'DEST_INVALID_CHARS 0xb 400 to'],
    ['no destination', { to: '' }, 'hi', 'DEST_MISSING 0xb 400 to'],
    ['destination too short', { to: '+39347' }, 'hi', 'DEST_BAD_LENGTH 0xb 422 to'],
    ['unknown country', { to: '+999123456' }, 'hi', 'DEST_UNKNOWN_COUNTRY 0xb 422 to'],
    ['US from an alias', { to: '+12125551234' }, 'hi', 'NANP_SENDER_NOT_REGISTERED 0xa 422 from'],
    ['US from the enabled number', { to: '+12125551234', from: '14155550100', fromTon: 1 }, 'hi', 'ok 14155550100/1/1 → 12125551234/1/1 US 1p'],
    ['unregistered alias to Italy', { from: 'OTHER' }, 'hi', 'SENDER_NOT_REGISTERED 0xa 422 from']
  ]
  for (const [name, r, text, want] of rows) t.equal(outcome(policy.accept(req(r), text)), want, name)
})

t.test('accept an SMPP submit', async (t) => {
  const r = policy.accept(req({}), { shortMessage: Buffer.from([0, 0x41]), dataCoding: 8, esmClass: 0, messagePayload: null })
  t.ok(r instanceof Accepted)
  t.equal((r as Accepted).message.dataCoding, 8)
})

t.test('accounts without a sender list: formats checked, Italy still needs registration', async (t) => {
  const open = new AccountPolicy(rules, { ...acct, senders: null })
  t.equal(outcome(open.accept(req({ from: 'ANYNAME', to: '+447911123456' }), 'hi')), 'ok ANYNAME/5/0 → 447911123456/1/1 GB 1p')
  t.equal(outcome(open.accept(req({ from: 'ANYNAME' }), 'hi')), 'SENDER_NOT_REGISTERED 0xa 422 from')
  t.equal(outcome(open.accept(req({ from: 'ANY NAME', to: '+447911123456' }), 'hi')), 'ALIAS_INVALID_CHARS 0xa 400 from')
})

t.test('account switches: unicode off, transliteration on', async (t) => {
  const strict = new AccountPolicy(rules, { ...acct, unicode: false, transliterate: false })
  t.equal(outcome(strict.accept(req({}), 'Привет')), 'UNICODE_NOT_ALLOWED 0x402 422 text')
  const tr = new AccountPolicy(rules, { ...acct, transliterate: true })
  const r = tr.accept(req({}), '“ciao”') as Accepted
  t.equal(r.message.text, '"ciao"')
})

t.test('reply without a configured sender', async (t) => {
  const bare = new AccountPolicy(parseRulesConfig(ConfigNode.empty()), acct)
  t.equal(outcome(bare.accept(req({ type: 'reply' }), 'hi')), 'SENDER_MISSING 0xa 400 from')
})
