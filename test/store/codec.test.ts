import t from 'tap'
import {
  ByteReader, ByteWriter, newState, readItems, readMessage, readState, stateRemaining, writeItem, writeMessage, writeNewState, writeState,
  type MessageRow
} from '../../src/store/codec.js'

const copy = (b: Buffer): Buffer => Buffer.from(b.subarray((b as Buffer & { start: number }).start, (b as Buffer & { end: number }).end))

t.test('a message row reads back as written, payload bytes and non-ASCII text included', async (t) => {
  const w = new ByteWriter(16) // small on purpose: the writer must grow
  const row: MessageRow = {
    origin: { kind: 'smpp', bindId: 'bind-7' },
    ref: 'cust-€-42',
    from: 'ACMÉ',
    to: '393331234567',
    cc: null,
    type: 'pro',
    dc: 8,
    esm: 0x40,
    rd: 1,
    pid: 0x40,
    pri: 3,
    cref: 65535,
    cut: 'udh16',
    pc: 625,
    rcv: 1_700_000_000_123,
    vu: null,
    sch: 1_700_000_060_000,
    p: [Buffer.from([0, 1, 2, 255]), new Uint8Array(0), Buffer.alloc(300, 0x41)],
    cb: 'https://hooks.example.com/sms?ü=1'
  }
  const bytes = copy(writeMessage(w, row))
  const back = readMessage(new ByteReader().on(bytes))
  t.same({ ...back, p: back.p.map((x) => Buffer.from(x).toString('hex')) }, { ...row, p: row.p.map((x) => Buffer.from(x).toString('hex')) })
  const http = readMessage(new ByteReader().on(copy(writeMessage(w, { ...row, origin: { kind: 'http' }, ref: null, ...{ cut: 'udh8' as const } }))))
  t.same([http.origin, http.ref, http.cut], [{ kind: 'http' }, null, 'udh8'])
  const none = readMessage(new ByteReader().on(copy(writeMessage(w, { ...row, cb: null }))))
  t.equal(none.cb, null, 'no callback url reads back as null')
  // A row written before the callback url existed ends after the payloads: it reads as null.
  const full = copy(writeMessage(w, { ...row, cb: null }))
  const old = readMessage(new ByteReader().on(full.subarray(0, full.length - 4)))
  t.equal(old.cb, null, 'an older row without the trailing field reads as no callback url')
  t.same(old.p.map((x) => x.length), [4, 0, 300])
})

t.test('state rows: a fresh row written directly equals the built one; every field survives', async (t) => {
  const w = new ByteWriter()
  const direct = copy(writeNewState(w, 2000, 1000, 2, null, 99, 5, 1))
  const built = copy(writeState(w, newState(2000, 1000, 2, null, 99, 5, 1)))
  t.same(direct, built)
  const st = newState(1250, 625, 2, 7, null, 5, 1)
  st.fin = 77
  st.st[1] = { st: 'submitted', q: 5, d: 6, s: 7, f: null, cid: 'carrierA', cmid: 'ÿ-12', err: 'x'.repeat(100), n: 2, chg: 625, due: null }
  const bytes = copy(writeState(w, st))
  t.same(readState(new ByteReader().on(bytes)), st)
  t.equal(stateRemaining(bytes), 1250, 'the reservation is read without decoding the parts')
  t.same(readState(new ByteReader().on(copy(writeState(w, newState(300, 300, 0, null, null, 1, 0))))).st, [], 'a generic hold has no parts')
})

t.test('traffic items pack and unpack in order', async (t) => {
  const w = new ByteWriter(8)
  writeItem(w, 'r', '0123456789abcdef', -1, 2000)
  writeItem(w, 'c', '0123456789abcdef', 1, 1000)
  writeItem(w, 'x', 'g:job-€', -1, 1)
  t.same(readItems(w.view()), [['r', '0123456789abcdef', -1, 2000], ['c', '0123456789abcdef', 1, 1000], ['x', 'g:job-€', -1, 1]])
})
