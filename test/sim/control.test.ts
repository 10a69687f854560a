import t from 'tap'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ourClient, startSim, submitPdu, until, receiptText } from './helpers.js'
import { loadSimulatorConfig, Simulator } from '../../src/sim/index.js'
import { encodeGsm, encodeUcs2 } from '../../src/sim/text.js'

async function http (port: number, method: string, path: string, body?: unknown): Promise<{ status: number, json: any, text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  let json: any = null
  try { json = JSON.parse(text) } catch {}
  return { status: res.status, json, text }
}

const HLR = `    hlr:
      ranges:
        - { prefix: '39333', mcc: '222', mnc: '01', operator: TIM, ported_rate: 0.5, ported_to: { mcc: '222', mnc: '10', operator: Vodafone }, reachable_rate: 0.9 }
        - { prefix: '39', mcc: '222', mnc: '88', operator: WindTre }
`

t.test('status: counters per carrier, per bind and per outcome', async (t) => {
  const sim = await startSim(t, 'carriers:\n  - name: sim\n    port: 0\n', 0)
  const c = await ourClient(t, sim.port())
  await c.session.requestAsync(submitPdu('391', 'x'))
  await c.session.requestAsync(submitPdu('99901000', 'x'))
  await c.session.requestAsync(submitPdu('99958000', 'x'))
  t.ok(await until(() => c.delivers.length === 2))
  const s = await http(sim.controlPort, 'GET', '/status')
  t.equal(s.status, 200)
  const carrier = s.json.carriers[0]
  t.equal(carrier.counters.submits, 3)
  t.same(carrier.counters.outcomes, { DELIVRD: 1, UNDELIV: 1 })
  t.same(carrier.counters.submitStatus, { ESME_RTHROTTLED: 1 })
  t.equal(carrier.binds.length, 1)
  t.match(carrier.binds[0], { systemId: 'sim', submits: 3, accepted: 2, rejected: 1, receipts: 2 })
})

t.test('recent messages show decoded text and reassembled parts (UDH 8-bit, 16-bit, SAR)', async (t) => {
  const sim = await startSim(t, 'carriers:\n  - name: sim\n    port: 0\n', 0)
  const c = await ourClient(t, sim.port())
  const udh8 = (seq: number, text: string): Buffer => Buffer.concat([Buffer.from([5, 0, 3, 0x42, 2, seq]), Buffer.from(text)])
  const udh16 = (seq: number, text: string): Buffer => Buffer.concat([Buffer.from([6, 8, 4, 0x12, 0x34, 3, seq]), encodeUcs2(text)])
  await c.session.requestAsync(submitPdu('391', '', { esmClass: 0x40, shortMessage: udh8(2, ' world') }))
  await c.session.requestAsync(submitPdu('391', '', { esmClass: 0x40, shortMessage: udh8(1, 'hello') }))
  await c.session.requestAsync(submitPdu('392', '', { esmClass: 0x40, dataCoding: 8, shortMessage: udh16(1, 'Caffè ') }))
  await c.session.requestAsync(submitPdu('392', '', { esmClass: 0x40, dataCoding: 8, shortMessage: udh16(3, '€uro') }))
  for (let seq = 1; seq <= 2; seq++) {
    await c.session.requestAsync(submitPdu('393', seq === 1 ? 'sar ' : 'parts', { tlvs: { sarMsgRefNum: 7, sarTotalSegments: 2, sarSegmentSeqnum: seq } }))
  }
  await c.session.requestAsync(submitPdu('394', '', { shortMessage: encodeGsm('plain @£$ text')! }))
  const m = await http(sim.controlPort, 'GET', '/messages?limit=10')
  t.equal(m.json.messages.length, 7)
  t.equal(m.json.messages[6].text, 'plain @£$ text', 'GSM text decoded')
  t.equal(m.json.messages[2].text, 'Caffè ', 'UCS-2 decoded')
  t.same(m.json.messages[0].part, { ref: 0x42, total: 2, seq: 2, via: 'udh8' })
  const a = await http(sim.controlPort, 'GET', '/messages/assembled')
  const by = Object.fromEntries(a.json.messages.map((x: any) => [x.to, x]))
  t.match(by['391'], { complete: true, text: 'hello world', total: 2, ref: 0x42 })
  t.match(by['392'], { complete: false, text: 'Caffè …€uro', received: 2, total: 3 })
  t.match(by['393'], { complete: true, text: 'sar parts' })
})

t.test('MO injection: a long MO arrives in UDH parts and the control view reassembles it', async (t) => {
  const sim = await startSim(t, 'carriers:\n  - name: sim\n    port: 0\n', 0)
  const c = await ourClient(t, sim.port())
  const text = 'A'.repeat(150) + 'B'.repeat(100)
  for (const [mode, expect] of [['udh8', 0x40], ['udh16', 0x40], ['sar', 0]] as const) {
    c.delivers.length = 0
    const r = await http(sim.controlPort, 'POST', '/mo', { from: '393331234567', to: '4040', text, long_mo: mode })
    t.equal(r.status, 202)
    t.equal(r.json.parts, 2)
    t.ok(await until(() => c.delivers.length === 2), mode)
    t.ok(c.delivers.every((d) => d.esmClass === expect && d.sourceAddr === '393331234567' && d.destinationAddr === '4040'))
  }
  const whole = await http(sim.controlPort, 'POST', '/mo', { from: '39333', to: '4040', text: 'Ciao ☺ '.repeat(20), long_mo: 'payload' })
  t.equal(whole.json.parts, 1)
  t.ok(await until(() => c.delivers.length === 3))
  t.equal(c.delivers[2].dataCoding, 8, 'UCS-2 for text GSM cannot carry')
  t.ok(c.delivers[2].tlvs?.messagePayload !== undefined, 'in message_payload')
  const a = await http(sim.controlPort, 'GET', '/messages/assembled')
  t.equal(a.json.messages.filter((x: any) => x.direction === 'mo' && x.complete && x.text === text).length, 3, 'each mode reassembled')
  const bad = await http(sim.controlPort, 'POST', '/mo', { from: '1', to: '2', text: 'x', system_id: 'nobody' })
  t.equal(bad.status, 400)
  t.equal((await http(sim.controlPort, 'POST', '/mo', { to: '2', text: 'x' })).status, 400, 'from is required')
  const notBool = await http(sim.controlPort, 'POST', '/mo', { from: '1', to: '2', text: 'x', reverse: 'yes' })
  t.match(notBool, { status: 400 }, 'reverse must be a boolean')
  t.match(notBool.json, { error: /reverse must be true or false/ })
  const before = c.delivers.length
  const reversed = await http(sim.controlPort, 'POST', '/mo', { from: '39334', to: '4040', text: 'Ciao '.repeat(40), long_mo: 'udh8', reverse: true })
  t.equal(reversed.json.parts, 2)
  t.ok(await until(() => c.delivers.length === before + 2))
  t.same(c.delivers.slice(before).map((d) => (d.shortMessage as Buffer)[5]), [2, 1], 'reverse: the last part first')
})

t.test('reset forgets messages and counters and restarts ids', async (t) => {
  const sim = await startSim(t, 'carriers:\n  - name: sim\n    port: 0\n    receipts:\n      latency: 10000\n', 0)
  const c = await ourClient(t, sim.port())
  await c.session.requestAsync(submitPdu('391', 'x'))
  t.equal(sim.carrier().pendingReceipts, 1)
  t.equal((await http(sim.controlPort, 'POST', '/reset', {})).status, 200)
  t.equal(sim.carrier().pendingReceipts, 0)
  const s = await http(sim.controlPort, 'GET', '/status')
  t.equal(s.json.carriers[0].counters.submits, 0)
  t.equal(((await c.session.requestAsync(submitPdu('391', 'x'))) as any).messageId, '1', 'ids start again')
  t.equal((await http(sim.controlPort, 'POST', '/reset', { carrier: 'nope' })).status, 400)
})

t.test('reload applies a new profile without dropping binds; a bad file changes nothing and says why', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-reload-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'sim.yaml')
  const base = 'control: { port: 0 }\ncarriers:\n  - name: sim\n    port: 0\n    receipts: { latency: 1 }\n'
  writeFileSync(file, base)
  const sim = new Simulator(loadSimulatorConfig(file), { configFile: file })
  t.teardown(async () => await sim.close())
  await sim.start()
  const c = await ourClient(t, sim.port())
  await c.session.requestAsync(submitPdu('391', 'x'))
  t.ok(await until(() => c.delivers.length === 1))
  t.match(receiptText(c.delivers[0]), /DELIVRD/)

  writeFileSync(file, base + '    outcomes: { UNDELIV: 1 }\n')
  t.equal((await http(sim.controlPort, 'POST', '/reload')).status, 200)
  await c.session.requestAsync(submitPdu('392', 'x'))
  t.ok(await until(() => c.delivers.length === 2))
  t.match(receiptText(c.delivers[1]), /UNDELIV/, 'the new mix applies to the same bind')

  writeFileSync(file, base + '    outcomes: { UNDELIVERED: 1 }\n')
  const bad = await http(sim.controlPort, 'POST', '/reload')
  t.equal(bad.status, 400)
  t.match(bad.json.error, /sim\.yaml:\d+: carriers\[0\]\.outcomes\.UNDELIVERED: unknown key/)
  writeFileSync(file, base.replace('name: sim', 'name: other'))
  t.match((await http(sim.controlPort, 'POST', '/reload')).json.error, /needs a restart/)
  await c.session.requestAsync(submitPdu('393', 'x'))
  t.ok(await until(() => c.delivers.length === 3))
  t.match(receiptText(c.delivers[2]), /UNDELIV/, 'the last good profile still runs')
})

t.test('HLR lookups from the range table: operator, porting and reachability', async (t) => {
  const sim = await startSim(t, 'carriers:\n  - name: sim\n    port: 0\n' + HLR, 0)
  const a = await http(sim.controlPort, 'GET', '/hlr/+393331234567')
  t.equal(a.status, 200)
  t.match(a.json, { msisdn: '393331234567', known: true, mcc: '222' })
  t.ok(['TIM', 'Vodafone'].includes(a.json.operator))
  t.same((await http(sim.controlPort, 'GET', '/hlr/+393331234567')).json, a.json, 'same number, same answer')
  t.match((await http(sim.controlPort, 'GET', '/hlr/393471234567')).json, { known: true, operator: 'WindTre', mnc: '88', ported: false })
  t.match((await http(sim.controlPort, 'GET', '/hlr/4412345')).json, { known: false, operator: null })
})

t.test('/metrics exposes the engine counters in prom-client format; unknown routes 404', async (t) => {
  const sim = await startSim(t, 'carriers:\n  - name: sim\n    port: 0\n', 0)
  const c = await ourClient(t, sim.port())
  await c.session.requestAsync(submitPdu('391', 'x'))
  await c.session.requestAsync(submitPdu('99908000', 'x'))
  t.ok(await until(() => c.delivers.length === 1))
  const m = await http(sim.controlPort, 'GET', '/metrics')
  t.match(m.text, /sim_submits_total\{carrier="sim"\} 2/)
  t.match(m.text, /sim_submit_responses_total\{carrier="sim",status="ESME_RSYSERR"\} 1/)
  t.match(m.text, /sim_outcomes_total\{carrier="sim",stat="DELIVRD"\} 1/)
  t.match(m.text, /sim_binds\{carrier="sim"\} 1/)
  t.equal((await http(sim.controlPort, 'GET', '/nothing')).status, 404)
})
