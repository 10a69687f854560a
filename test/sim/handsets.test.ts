import t from 'tap'
import { engine, binomialTolerance } from './engine-helpers.js'
import { ourClient, nodeSmppClient, startSim, submitPdu, until } from './helpers.js'
import { decodeSm } from '../../src/sim/text.js'

t.test('a configured share of recipients replies after the delay, to the sender, with the template', async (t) => {
  const e = engine("handsets:\n  reply_rate: 0.3\n  reply_delay: 100\n  reply_text: 'Re: {id} from {to}'\nreceipts:\n  latency: 5\n")
  const ls = [...e.carrier.links][0]
  const N = 5000
  for (let i = 0; i < N; i++) e.carrier.handle(ls, submitPdu('39333' + i, 'hi', { registeredDelivery: 0 }))
  e.advance(99)
  t.equal(e.link.delivered.length, 0, 'nothing before the delay')
  e.advance(20)
  const mo = e.link.delivered
  const tol = binomialTolerance(N, 0.3)
  t.ok(Math.abs(mo.length - N * 0.3) <= tol, `${mo.length} replies within ${N * 0.3} ± ${tol.toFixed(0)}`)
  const first = mo[0]
  t.equal(first.esmClass, 0)
  t.equal(first.destinationAddr, 'Instrada')
  t.match(first.sourceAddr, /^39333\d+$/)
  const idOf = (addr: string): string => (Number(addr.slice(5)) + 1).toString(16)
  t.equal(decodeSm(first.esmClass, first.dataCoding, first.shortMessage, first.tlvs).text, `Re: ${idOf(first.sourceAddr)} from ${first.sourceAddr}`)
})

t.test('keyword replies over TCP (our client and node-smpp)', async (t) => {
  const sim = await startSim(t, `carriers:
  - name: sim
    port: 0
    handsets:
      keywords:
        - { match: 'reply YES', reply: 'YES', delay: 50 }
        - { match: '^stop', reply: 'STOP', rate: 0 }
`)
  const ours = await ourClient(t, sim.port())
  await ours.session.requestAsync(submitPdu('393330001', 'Confirm? Reply YES to accept', { registeredDelivery: 0 }))
  await ours.session.requestAsync(submitPdu('393330002', 'stop it', { registeredDelivery: 0 }))
  t.ok(await until(() => ours.delivers.length === 1))
  const d = ours.delivers[0]
  t.equal(d.sourceAddr, '393330001')
  t.equal(d.shortMessage.toString('latin1'), 'YES')
  const theirs = await nodeSmppClient(t, sim.port())
  await theirs.submit({ destination_addr: '393330003', short_message: 'please reply yes', registered_delivery: 0 })
  t.ok(await until(() => theirs.delivers.length === 1), 'case-insensitive match')
  t.equal(theirs.delivers[0].source_addr, '393330003')
  t.equal(String(theirs.delivers[0].short_message.message ?? theirs.delivers[0].short_message), 'YES')
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(ours.delivers.length, 1, 'rate 0 rule never replies')
})

t.test('scheduled MO: repeated to one account, a bounded number of times, long text in parts', async (t) => {
  const sim = await startSim(t, `carriers:
  - name: sim
    port: 0
    accounts:
      - { system_id: sim, password: simpass }
      - { system_id: other, password: other }
    handsets:
      long_mo: udh16
      scheduled:
        - { from: '393339999999', to: '4040', text: 'tick', system_id: sim, after_ms: 50, every_ms: 60, count: 3 }
        - { from: '393338888888', to: '4041', text: '${'L'.repeat(200)}', system_id: other, after_ms: 50 }
`)
  const c = await ourClient(t, sim.port())
  const o = await ourClient(t, sim.port(), { systemId: 'other', password: 'other' })
  t.ok(await until(() => c.delivers.length === 3, 2000))
  await new Promise((resolve) => setTimeout(resolve, 150))
  t.equal(c.delivers.length, 3, 'count respected')
  t.ok(c.delivers.every((d) => d.shortMessage.toString('latin1') === 'tick' && d.destinationAddr === '4040'))
  t.ok(await until(() => o.delivers.length === 2))
  t.ok(o.delivers.every((d) => d.esmClass === 0x40 && d.shortMessage[1] === 0x08), '16-bit UDH parts')
  const text = o.delivers.map((d) => decodeSm(d.esmClass, d.dataCoding, d.shortMessage, d.tlvs).text).join('')
  t.equal(text, 'L'.repeat(200))
})
