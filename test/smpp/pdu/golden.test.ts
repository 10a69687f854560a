// Golden bytes for every PDU: typed object → fixed hex, fixed hex → an equal object, nothing left.

import t from 'tap'
import {
  CommandId, decodePdu, encodePdu, encodePduInto, encodedLength, knownCommandIds, PduFramer
} from '../../../src/smpp/pdu/index.js'
import { fixtures } from './fixtures.js'

t.test('every command id has at least one golden fixture', async t => {
  const covered = new Set(fixtures.map(f => f.pdu.commandId))
  for (const id of Object.values(CommandId)) t.ok(covered.has(id), `0x${id.toString(16)} covered`)
  t.same(new Set(knownCommandIds()), new Set(Object.values(CommandId)), 'registry knows exactly the types.ts commands')
})

for (const f of fixtures) {
  t.test(f.name, async t => {
    const bytes = encodePdu(f.pdu)
    t.equal(bytes.toString('hex'), f.hex, 'encodes to the golden bytes')
    t.equal(encodedLength(f.pdu), bytes.length, 'encodedLength agrees')
    t.equal(bytes.readUInt32BE(0), bytes.length, 'command_length is the buffer length')

    const target = Buffer.alloc(bytes.length + 10, 0xee)
    t.equal(encodePduInto(f.pdu, target, 5), bytes.length, 'encodePduInto returns the bytes written')
    t.equal(target.subarray(5, 5 + bytes.length).toString('hex'), f.hex, 'encodePduInto writes the same bytes')
    t.equal(target[4], 0xee, 'nothing written before offset')
    t.equal(target[5 + bytes.length], 0xee, 'nothing written past the PDU')

    const golden = Buffer.from(f.hex, 'hex')
    const framer = new PduFramer(65536)
    framer.push(golden)
    const frame = framer.next()
    t.ok(Buffer.isBuffer(frame), 'the framer yields one frame')
    t.equal(framer.buffered, 0, 'nothing left in the framer')
    t.equal(framer.next(), null, 'no second frame')
    const r = decodePdu(frame as Buffer)
    if (!r.ok) return t.fail(`decode failed: ${r.reason}`)
    t.strictSame(r.pdu, f.pdu, 'decodes to an equal object')
    t.equal(encodePdu(r.pdu).toString('hex'), f.hex, 're-encodes to the same bytes')
  })
}
