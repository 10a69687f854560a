import t from 'tap'
import {
  formatReceipt, formatReceiptDate, messageStateToStat, parseReceipt, parseReceiptDate, statToMessageState
} from '../../src/smpp/receipt.js'

t.test('formatReceipt writes the de facto format', async t => {
  const s = formatReceipt({
    id: '1a2b3c', sub: 1, dlvrd: 1, submitDate: new Date(Date.UTC(2026, 10, 23, 16, 0)), doneDate: new Date(Date.UTC(2026, 10, 23, 16, 1)),
    stat: 'DELIVRD', err: 0, text: 'hello world, this is longer than twenty'
  })
  t.equal(s, 'id:1a2b3c sub:001 dlvrd:001 submit date:2611231600 done date:2611231601 stat:DELIVRD err:000 text:hello world, this is')
  t.equal(formatReceiptDate(new Date(Date.UTC(2001, 0, 2, 3, 4))), '0101020304')
})

t.test('parseReceipt reads what it writes', async t => {
  const s = formatReceipt({ id: '42', sub: '001', dlvrd: '000', submitDate: '2611231600', doneDate: '2611231700', stat: 'UNDELIV', err: 1, text: 'x' })
  t.strictSame(parseReceipt(s), { id: '42', sub: '001', dlvrd: '000', submitDate: '2611231600', doneDate: '2611231700', stat: 'UNDELIV', err: '001', text: 'x' })
})

t.test('parseReceipt is tolerant', async t => {
  const cases: Array<[string, Record<string, string | null>]> = [
    ['ID:ABC123 SUB:001 DLVRD:001 SUBMIT DATE:2611231600 DONE DATE:2611231601 STAT:delivrd ERR:000 TEXT:Hi', { id: 'ABC123', stat: 'DELIVRD', submitDate: '2611231600', text: 'Hi' }],
    ['id:12345 submit_date:2611231600 done_date:2611231601 stat:EXPIRED err:000', { id: '12345', submitDate: '2611231600', doneDate: '2611231601', stat: 'EXPIRED', sub: null, text: null }],
    ['id:0xff01 submitdate:2611231600 donedate:2611231601 stat:DELIVRD', { id: '0xff01', submitDate: '2611231600', doneDate: '2611231601' }],
    ['id:7 stat:DELIVRD', { id: '7', stat: 'DELIVRD', err: null, dlvrd: null }],
    ['stat:REJECTD err:069', { id: null, stat: 'REJECTD', err: '069' }],
    ['id:5 sub:001 dlvrd:001 submit date:2611231600 done date:2611231601 stat:DELIVRD err:000 text:stat:FAKE id:9', { id: '5', stat: 'DELIVRD', text: 'stat:FAKE id:9' }],
    ['id:  99   stat: ACCEPTD ', { id: '99', stat: 'ACCEPTD' }],
    ['id:1 Text:', { id: '1', text: '' }]
  ]
  for (const [input, want] of cases) {
    const got = parseReceipt(input)
    if (got === null) { t.fail(`${input}: null`); continue }
    for (const [k, v] of Object.entries(want)) t.equal((got as any)[k], v, `${input} → ${k}`)
  }
  t.equal(parseReceipt('hello, how are you?'), null, 'ordinary MO text is not a receipt')
  t.equal(parseReceipt(''), null)
})

t.test('dates and states', async t => {
  t.equal(parseReceiptDate('2611231600'), Date.UTC(2026, 10, 23, 16, 0))
  t.equal(parseReceiptDate('261123160059'), Date.UTC(2026, 10, 23, 16, 0, 59))
  t.equal(parseReceiptDate('2613231600'), null)
  t.equal(parseReceiptDate('2602301600'), null)
  t.equal(parseReceiptDate('26112316'), null)
  t.equal(statToMessageState('DELIVRD'), 2)
  t.equal(statToMessageState('undeliv'), 5)
  t.equal(statToMessageState('BOGUS'), null)
  t.equal(messageStateToStat(8), 'REJECTD')
  t.equal(messageStateToStat(99), 'UNKNOWN')
})
