import t from 'tap'
import { Alphabet, alphabetOf } from '../../src/rules/charsets.js'

t.test('alphabet of every data_coding family', async (t) => {
  const rows: Array<[number, keyof typeof Alphabet]> = [
    [0x00, 'GSM7'], [0x01, 'ASCII'], [0x02, 'BINARY'], [0x03, 'LATIN1'], [0x04, 'BINARY'], [0x05, 'UNSUPPORTED'],
    [0x06, 'UNSUPPORTED'], [0x07, 'UNSUPPORTED'], [0x08, 'UCS2'], [0x09, 'UNSUPPORTED'], [0x0e, 'UNSUPPORTED'],
    [0x10, 'GSM7'], [0x11, 'GSM7'], [0x14, 'BINARY'], [0x18, 'UCS2'], [0x1c, 'UNSUPPORTED'], [0x24, 'UNSUPPORTED'],
    [0x40, 'UNSUPPORTED'], [0xc0, 'GSM7'], [0xd8, 'GSM7'], [0xe0, 'UCS2'], [0xf0, 'GSM7'], [0xf1, 'GSM7'],
    [0xf4, 'BINARY'], [0xf7, 'BINARY']
  ]
  for (const [dc, want] of rows) t.equal(alphabetOf(dc), Alphabet[want], `0x${dc.toString(16)} → ${want}`)
})
