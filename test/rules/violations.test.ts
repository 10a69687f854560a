import t from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { REASONS, RuleViolationError, Violation } from '../../src/rules/index.js'
import { statusName } from '../../src/smpp/pdu/status.js'

t.test('each reason maps to its statuses and field', async (t) => {
  for (const [reason, spec] of Object.entries(REASONS)) {
    const v = new Violation(reason as keyof typeof REASONS, 'm')
    const expectStatus = spec.field === 'from' ? 'ESME_RINVSRCADR' : spec.field === 'to' ? 'ESME_RINVDSTADR' : null
    if (expectStatus !== null) t.equal(statusName(v.smppStatus), expectStatus, `${reason} on SMPP`)
    else t.ok(['ESME_RINVMSGLEN', 'INSTRADA_RINVCHARS'].includes(statusName(v.smppStatus)), `${reason} on SMPP`)
    t.ok(v.httpStatus === 400 || v.httpStatus === 422, `${reason} on HTTP`)
  }
  const e = new RuleViolationError(new Violation('EMPTY_TEXT', 'empty'))
  t.equal(e.code, 'INS_ERR_RULE_VIOLATION')
  t.equal(e.name, 'RuleViolationError')
  t.equal(e.violation.reason, 'EMPTY_TEXT')
  t.equal(e.message, 'EMPTY_TEXT: empty')
})

t.test('docs/rules.md lists exactly the reason codes, with their statuses', async (t) => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/rules.md', import.meta.url)), 'utf8')
  const rows = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \| `?(\w+)`? \(0x([0-9a-f]+)\) \| (\d{3}) \| `(\w+)` \|/gm)]
  t.same(rows.map((r) => r[1]).sort(), Object.keys(REASONS).sort())
  for (const r of rows) {
    const spec = REASONS[r[1] as keyof typeof REASONS]
    t.equal(parseInt(r[3], 16), spec.smppStatus, `${r[1]} SMPP status`)
    t.equal(r[2], statusName(spec.smppStatus))
    t.equal(Number(r[4]), spec.httpStatus, `${r[1]} HTTP status`)
    t.equal(r[5], spec.field, `${r[1]} field`)
  }
})
