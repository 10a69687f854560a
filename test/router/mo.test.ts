// MO routing (mo.ts) through a running router and its simulated carriers: dedicated numbers,
// receive codes on a shared number, answers to reply-type messages, concatenated MO following
// its first part; and the reply window against a real store.

import t, { type Test } from 'tap'
import { Router } from '../../src/router/router.js'
import { Customer } from './customer.js'
import { DEMO_HASH, startRouter, type SetupOptions } from './helpers.js'
import { MoRouter } from '../../src/router/mo.js'
import { MoInbox } from '../../src/router/mo-inbox.js'
import type { OutboxItem } from '../../src/router/protocol.js'
import { counter, Registry } from '../../src/metrics.js'
import { silentLogger } from '../../src/log.js'
import { CommandId, type DeliverSm } from '../../src/smpp/pdu/types.js'
import { openStore, message, tempDir } from '../store/helpers.js'
import { parseConfigText } from '../../src/config/instrada.js'

const SHARED = '393311846119'

async function start (t: Test, o: SetupOptions): Promise<{ router: Router, demo: Customer, other: Customer }> {
  const { router, c: demo } = await startRouter(t, o)
  const other = await Customer.bind(router.port, { systemId: 'other' })
  t.teardown(() => other.close())
  return { router, demo, other }
}

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

t.test('a shared number: receive codes pick the account, answers to reply messages go back to their sender', async (t) => {
  const { router, demo, other } = await start(t, {
    extra: `rules: { types: { reply: { sender: '${SHARED}' } } }`,
    demo: 'mo_keyword: esempio1',
    other: "mo_keyword: '01234'",
    // Handsets answer a reply-type message (the shared number is its sender) after 20 ms.
    simIt: "handsets: { reply_rate: 1, reply_delay: 20, reply_text: 'yes please' }"
  })
  const sent = await other.submit({ service_type: 'reply', source_addr: 'OtherCo', destination_addr: '393475550001', short_message: 'Coming tonight?', registered_delivery: 0 })
  t.equal(sent.status, 0, 'other sends a reply-type message')
  t.ok(await other.waitFor((r) => r.some((m) => m.text === 'yes please' && m.sourceAddr === '393475550001')), "the handset's answer reaches other")
  const answer = other.received.find((m) => m.text === 'yes please')
  t.equal(answer?.destinationAddr, SHARED, 'to the shared number the message came from')

  router.simulator!.injectMo('sim-it', { systemId: null, from: '393476660002', to: SHARED, text: 'Esempio1 Mario Rossi', longMo: 'udh8' })
  router.simulator!.injectMo('sim-it', { systemId: null, from: '393476660003', to: `+${SHARED}`, text: '01234, count me in', longMo: 'udh8' })
  router.simulator!.injectMo('sim-it', { systemId: null, from: '393476660004', to: SHARED, text: 'hello who is this', longMo: 'udh8' })
  t.ok(await demo.waitFor((r) => r.some((m) => m.text === 'Esempio1 Mario Rossi')), 'a receive code in any case picks demo')
  t.ok(await other.waitFor((r) => r.some((m) => m.text === '01234, count me in')), 'a numeric code picks other, however the number is written')

  // A long MO: only its first part starts with the code; it is routed once whole, so the order
  // the parts come in doesn't matter, and the customer gets them in order with their numbering.
  const long = 'ESEMPIO1 ' + 'a long answer that does not fit in one message '.repeat(5)
  router.simulator!.injectMo('sim-it', { systemId: null, from: '393476660005', to: SHARED, text: long, longMo: 'udh8', reverse: true })
  t.ok(await demo.waitFor((r) => r.filter((m) => m.sourceAddr === '393476660005').length === 2), 'both parts reach demo, though part 2 came first')
  const udhParts = demo.received.filter((m) => m.sourceAddr === '393476660005')
  t.same(udhParts.map((m) => m.part), [{ seq: 1, total: 2 }, { seq: 2, total: 2 }], 'in order, with their UDH')
  t.equal(udhParts.map((m) => m.text).join(''), long, 'the whole text')
  router.simulator!.injectMo('sim-it', { systemId: null, from: '393476660006', to: SHARED, text: long.replace('ESEMPIO1', '01234'), longMo: 'sar', reverse: true })
  t.ok(await other.waitFor((r) => r.filter((m) => m.sourceAddr === '393476660006').length === 2), 'SAR parts (numbered in TLVs) too')
  t.same(other.received.filter((m) => m.sourceAddr === '393476660006').map((m) => m.part), [{ seq: 1, total: 2 }, { seq: 2, total: 2 }], 'the SAR numbering reaches the customer')

  await sleep(300)
  t.notOk([...demo.received, ...other.received].some((m) => m.text === 'hello who is this'), 'no code and no reply to answer: nobody gets it')
  t.notOk(demo.received.some((m) => m.text === 'yes please' || m.text.startsWith('01234')), "demo gets none of other's")
  t.notOk(other.received.some((m) => m.sourceAddr === '393476660005'), "nor other any of demo's")
})

t.test('the reply window: an answer after it, or to a number the message did not come from, is unrouted', async (t) => {
  const store = await openStore(t, tempDir(t))
  await store.ledger.ensureAccount('acme', { initialCredit: 10_000, alerts: [] })
  const config = parseConfigText(`
accounts: [{ system_id: acme, password_hash: '${DEMO_HASH}', mo_keyword: ACME1 }]
carriers: [{ name: c, port: 2776, system_id: x }]
routes: [{ carrier: c }]
router: { reply_window_s: 3600 }`, 'f.yaml')
  const mo = new MoRouter(config, store)
  const r = await store.accept(message('acme', { type: 'reply', sender: SHARED, destination: '393475550001' }))
  t.ok(r.ok)
  t.same(await mo.route('+393475550001', SHARED, 'ok'), { account: 'acme', via: 'reply' }, 'within the window')
  t.equal(await mo.route('393475550001', SHARED, 'ok', Date.now() + 3601_000), null, 'after it')
  t.equal(await mo.route('393475550001', '393339999999', 'ok'), null, 'to another number')
  t.equal(await mo.route('393475550009', SHARED, 'ok'), null, 'from a handset it was not sent to')
  t.same(await mo.route('393475550009', SHARED, ' acme1: hi'), { account: 'acme', via: 'keyword' }, 'a receive code works anywhere but a dedicated number')
  t.same(await mo.route('393475550009', SHARED, null), null, 'an MO that cannot be read has no receive code')
})

t.test('receive codes are checked in the config', async (t) => {
  const base = (a: string, b: string): string => `
accounts:
  - { system_id: a, password_hash: '${DEMO_HASH}', mo_keyword: ${a} }
  - { system_id: b, password_hash: '${DEMO_HASH}', mo_keyword: ${b} }
carriers: [{ name: c, port: 2776, system_id: x }]
routes: [{ carrier: c }]`
  t.throws(() => parseConfigText(base('abc', 'BCDEF'), 'f.yaml'), /f\.yaml:3: accounts\[0\]\.mo_keyword: must be digits .* or 5–11 letters and digits/)
  t.throws(() => parseConfigText(base('Promo1', 'PROMO1'), 'f.yaml'), /accounts\[1\]\.mo_keyword: 'PROMO1' is already account 'a's receive code/)
  t.doesNotThrow(() => parseConfigText(base("'01234'", 'PROMO1'), 'f.yaml'))
})

for (const workers of [0, 1]) {
t.test(`an account answers MO by its receive code automatically, once per handset for a while, and pays for it (workers ${workers})`, async (t) => {
  const { router, demo } = await start(t, {
    workers,
    extra: `rules: { types: { reply: { sender: '${SHARED}' } } }`,
    demo: "mo_keyword: ESEMPIO1\nmo_auto_reply: { text: 'Grazie! Ti ricontattiamo presto.' }"
  })
  const before = (await router.store.ledger.balance('demo'))!.available
  router.simulator!.injectMo('sim-it', { systemId: null, from: '393476660011', to: SHARED, text: 'ESEMPIO1 Mario Rossi', longMo: 'udh8' })
  t.ok(await demo.waitFor((r) => r.some((m) => m.text === 'ESEMPIO1 Mario Rossi')), 'demo gets the MO')
  const answers = (): Array<{ to: string, from: string, text: string }> =>
    router.simulator!.carrier('sim-it').recent.view().filter((m) => m.direction === 'mt' && m.to === '393476660011')
  const until = async (pred: () => boolean, ms = 5000): Promise<boolean> => {
    const end = Date.now() + ms
    while (!pred() && Date.now() < end) await sleep(20)
    return pred()
  }
  t.ok(await until(() => answers().length === 1), 'the carrier got the answer')
  t.match(answers()[0], { from: SHARED, text: 'Grazie! Ti ricontattiamo presto.' }, 'from the shared reply number')
  // The same handset again, and an answer to nothing (no code): no second automatic answer.
  router.simulator!.injectMo('sim-it', { systemId: null, from: '393476660011', to: SHARED, text: 'esempio1 ancora io', longMo: 'udh8' })
  t.ok(await demo.waitFor((r) => r.some((m) => m.text === 'esempio1 ancora io')))
  await sleep(300)
  t.equal(answers().length, 1, 'one answer per handset within 10 minutes')
  const after = (await router.store.ledger.balance('demo'))!
  t.equal(before - after.available, 1000, 'the answer costs what any reply message costs (1 credit, held or charged)')
})
}

t.test('mo_auto_reply is checked in the config', async (t) => {
  const cfg = (reply: string): string => `
accounts: [{ system_id: a, password_hash: '${DEMO_HASH}', mo_auto_reply: ${reply} }]
carriers: [{ name: c, port: 2776, system_id: x }]
routes: [{ carrier: c }]`
  t.throws(() => parseConfigText(cfg('{ text: hi, type: loud }'), 'f.yaml'), /accounts\[0\]\.mo_auto_reply\.type: must be one of smart, pro, reply/)
  t.throws(() => parseConfigText(cfg('{ text: hi, type: pro }'), 'f.yaml'), /accounts\[0\]\.mo_auto_reply\.from: is required for type 'pro'/)
  t.throws(() => parseConfigText(cfg("{ text: '' }"), 'f.yaml'), /mo_auto_reply\.text: must be 1 to 1000 characters/)
  t.equal(parseConfigText(cfg('{ text: hi }'), 'f.yaml').accounts[0].limits.moAutoReply?.type, 'reply', 'reply type by default')
})

t.test('a concatenation header that makes no sense (part 3 of 2, or 1 part) is taken as a whole message, at once', async (t) => {
  const store = await openStore(t, tempDir(t))
  const config = parseConfigText(`
accounts: [{ system_id: acme, password_hash: '${DEMO_HASH}', senders: [{ addr: '393331234567', kind: numeric }] }]
carriers: [{ name: c, port: 2776, system_id: x }]
routes: [{ carrier: c }]`, 'f.yaml')
  const out: OutboxItem[] = []
  const registry = new Registry()
  const inbox = new MoInbox({
    store,
    router: new MoRouter(config, store),
    wantsWebhook: () => false,
    toOutbox: (item) => out.push(item),
    onAutoReply: () => {},
    counter: counter(registry, 'instrada_carrier_mo_total', 'MO by result', ['result']),
    log: silentLogger
  }, 600_000)
  const mo = (udh: number[], text: string): DeliverSm => ({
    commandId: CommandId.DeliverSm, serviceType: '', sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '393471119999', destAddrTon: 1, destAddrNpi: 1,
    destinationAddr: '393331234567', esmClass: 0x40, protocolId: 0, dataCoding: 0, shortMessage: Buffer.concat([Buffer.from(udh), Buffer.from(text, 'latin1')]), tlvs: null
  }) as unknown as DeliverSm
  const acks: number[] = []
  inbox.receive(mo([5, 0, 3, 9, 2, 3], 'third of two'), (s) => acks.push(s))
  inbox.receive(mo([5, 0, 3, 9, 1, 1], 'one of one'), (s) => acks.push(s))
  const until = Date.now() + 3000
  while (out.length < 2 && Date.now() < until) await sleep(10)
  t.same(acks, [0, 0], 'both answered OK')
  t.same(out.map((o) => o.account), ['acme', 'acme'], 'both handed on to the number\'s account at once, not kept waiting for siblings')
  t.same(await store.claimStaleMoSets(Date.now() + 60_000, Date.now() + 60_000, Date.now(), 10), [], 'nothing stored as a part')
})
