import t from 'tap'
import {
  ByteReader, ByteWriter, FLAG_RECEIPT, FLAG_WEBHOOK, messageState, newState, readItems, readMessage, readState, stateRemaining, writeItem, writeMessage, writeState,
  type MessageRow
} from '../../src/store/codec.js'
import { readSet, writeSet } from '../../src/store/open-sets.js'

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
    cb: 'https://hooks.example.com/sms?ü=1',
    set: '0123456789abcdef'
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

t.test('a message row implies its first state: every part queued, the whole price held, its flags', async (t) => {
  const w = new ByteWriter()
  const row: MessageRow = {
    origin: { kind: 'smpp', bindId: 'b' }, ref: null, from: 'A', to: '39', cc: 'IT', type: 'pro', dc: 0, esm: 0, rd: 1, pid: 0, pri: 0, cref: 0,
    cut: 'udh8', pc: 625, rcv: 1000, vu: 9000, sch: 2000, p: [Buffer.from('one'), Buffer.alloc(200, 1)], cb: null, set: 'fedcba9876543210'
  }
  t.same(messageState(new ByteReader().on(copy(writeMessage(w, row)))), newState(1250, 625, 2, 2000, 9000, 1000, FLAG_RECEIPT, 'fedcba9876543210'))
  const http = { ...row, origin: { kind: 'http' as const }, cb: 'https://x.example/€', sch: null, vu: null }
  t.same(messageState(new ByteReader().on(copy(writeMessage(w, http)))), newState(1250, 625, 2, null, null, 1000, FLAG_WEBHOOK, 'fedcba9876543210'), 'http: no receipt, a webhook')
})

t.test('open sets pack their member ids', async (t) => {
  const w = new ByteWriter(4)
  const ids = ['0123456789abcdef', '0123456789abcdf0', 'x-€']
  t.same(readSet(copy(writeSet(w, ids))), ids)
  t.same(readSet(copy(writeSet(w, []))), [])
})

t.test('state rows: every field survives', async (t) => {
  const w = new ByteWriter()
  const st = newState(1250, 625, 2, 7, null, 5, 1, '0123456789abcdef')
  st.fin = 77
  st.st[1] = { st: 'submitted', q: 5, d: 6, s: 7, f: null, cid: 'carrierA', cmid: 'ÿ-12', err: 'x'.repeat(100), n: 2, chg: 625, due: null }
  const bytes = copy(writeState(w, st))
  t.same(readState(new ByteReader().on(bytes)), st)
  t.equal(stateRemaining(bytes), 1250, 'the reservation is read without decoding the parts')
  t.same(readState(new ByteReader().on(copy(writeState(w, newState(300, 300, 0, null, null, 1, 0, null))))).st, [], 'a generic hold has no parts')
})

t.test('traffic items pack and unpack in order', async (t) => {
  const w = new ByteWriter(8)
  writeItem(w, 'r', '0123456789abcdef', -1, 2000)
  writeItem(w, 'c', '0123456789abcdef', 1, 1000)
  writeItem(w, 'x', 'g:job-€', -1, 1)
  t.same(readItems(w.view()), [['r', '0123456789abcdef', -1, 2000], ['c', '0123456789abcdef', 1, 1000], ['x', 'g:job-€', -1, 1]])
})
