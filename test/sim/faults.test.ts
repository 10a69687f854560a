// Every carrier misbehaviour, exercised against node-smpp (an independent implementation) and
// against our own client, over real TCP.

import t from 'tap'
import { nodeSmppClient, ourClient, startSim, submitPdu, until, type Tap } from './helpers.js'
import { type SubmitSmResp, connectAndBind } from '../../src/smpp/index.js'

interface Submitted { status: number | null, id: string | null }
interface Client {
  submit: (dest: string, rd?: number) => Promise<Submitted>
  /** Receipt ids with the order index of their arrival among all events. */
  receipts: () => Array<{ id: string, stat: string }>
  events: string[]
  closed: () => boolean
}

const NO_ANSWER = 600

async function viaOurs (t: Tap, port: number): Promise<Client> {
  const c = await ourClient(t, port)
  const events: string[] = []
  let closed = false
  void c.session.closed.then(() => { closed = true })
  const orig = c.delivers.push.bind(c.delivers)
  c.delivers.push = (...items) => { for (const d of items) events.push('receipt:' + (d.tlvs?.receiptedMessageId ?? '')); return orig(...items) }
  return {
    events,
    closed: () => closed,
    receipts: () => c.delivers.map((d) => ({ id: d.tlvs?.receiptedMessageId ?? '', stat: /stat:(\w+)/.exec(d.shortMessage.toString('latin1'))?.[1] ?? '' })),
    submit: async (dest, rd = 1) => {
      const p = c.session.requestAsync(submitPdu(dest, 'fault test', { registeredDelivery: rd })).then((r) => {
        events.push('resp:' + (r as SubmitSmResp).messageId)
        return { status: r.commandStatus, id: (r as SubmitSmResp).messageId }
      }, () => ({ status: null, id: null }))
      return await Promise.race([p, new Promise<Submitted>((resolve) => setTimeout(() => resolve({ status: null, id: null }), NO_ANSWER))])
    }
  }
}

async function viaNodeSmpp (t: Tap, port: number): Promise<Client> {
  const c = await nodeSmppClient(t, port)
  const events: string[] = []
  let closed = false
  c.session.on('close', () => { closed = true })
  c.session.on('deliver_sm', (d: any) => events.push('receipt:' + d.receipted_message_id))
  return {
    events,
    closed: () => closed,
    receipts: () => c.delivers.map((d) => ({ id: d.receipted_message_id, stat: /stat:(\w+)/.exec(String(d.short_message?.message ?? d.short_message))?.[1] ?? '' })),
    submit: async (dest, rd = 1) => {
      const p = c.submit({ destination_addr: dest, short_message: 'fault test', registered_delivery: rd }).then((r: any) => {
        events.push('resp:' + r.message_id)
        return { status: r.command_status, id: r.message_id ?? null }
      })
      return await Promise.race([p, new Promise<Submitted>((resolve) => setTimeout(() => resolve({ status: null, id: null }), NO_ANSWER))])
    }
  }
}

const clients: Array<[string, (t: Tap, port: number) => Promise<Client>]> = [['our client', viaOurs], ['node-smpp', viaNodeSmpp]]

function carrier (extra: string): string {
  return 'carriers:\n  - name: sim\n    port: 0\n' + extra.split('\n').map((l) => (l === '' ? l : '    ' + l)).join('\n')
}

for (const [who, connect] of clients) {
  t.test(`${who}: throttled with 0x58 above tps_limit`, async (t) => {
    const sim = await startSim(t, carrier('submit:\n  tps_limit: 5\n'))
    const c = await connect(t, sim.port())
    const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => c.submit('39' + i)))
    t.equal(rs.filter((r) => r.status === 0).length, 5)
    t.equal(rs.filter((r) => r.status === 0x58).length, 7)
  })

  t.test(`${who}: queue full 0x14 above max_pending`, async (t) => {
    const sim = await startSim(t, carrier('submit:\n  max_pending: 3\nreceipts:\n  latency: 5000\n'))
    const c = await connect(t, sim.port())
    const rs = await Promise.all(Array.from({ length: 5 }, (_, i) => c.submit('39' + i)))
    t.same(rs.map((r) => r.status), [0, 0, 0, 0x14, 0x14])
  })

  t.test(`${who}: system error 0x08 and random rejection with a chosen status`, async (t) => {
    const sim = await startSim(t, carrier('submit:\n  system_error_rate: 1\n'))
    const c = await connect(t, sim.port())
    t.equal((await c.submit('391')).status, 0x08)
    const sim2 = await startSim(t, carrier('submit:\n  reject_rate: 1\n  reject_status: 0x0b\n'))
    const c2 = await connect(t, sim2.port())
    t.equal((await c2.submit('391')).status, 0x0b)
  })

  t.test(`${who}: slow responses arrive after the configured delay`, async (t) => {
    const sim = await startSim(t, carrier('faults:\n  slow_response_rate: 1\n  slow_response_latency: 250\n'))
    const c = await connect(t, sim.port())
    const start = Date.now()
    const r = await c.submit('391', 0)
    t.equal(r.status, 0)
    t.ok(Date.now() - start >= 240, `answered after ${Date.now() - start} ms`)
  })

  t.test(`${who}: missing responses`, async (t) => {
    const sim = await startSim(t, carrier('faults:\n  no_response_rate: 1\n'))
    const c = await connect(t, sim.port())
    t.same(await c.submit('391'), { status: null, id: null }, 'no answer within the wait')
    t.equal(sim.carrier().counters.unanswered, 1)
  })

  t.test(`${who}: the connection drops every N messages`, async (t) => {
    const sim = await startSim(t, carrier('faults:\n  drop_every: 3\n'))
    const c = await connect(t, sim.port())
    t.equal((await c.submit('391', 0)).status, 0)
    t.equal((await c.submit('392', 0)).status, 0)
    t.equal((await c.submit('393', 0)).status, null, 'third one: no answer')
    t.ok(await until(() => c.closed()), 'connection closed')
  })

  t.test(`${who}: the connection drops at a rate`, async (t) => {
    const sim = await startSim(t, carrier('faults:\n  drop_rate: 1\n'))
    const c = await connect(t, sim.port())
    await c.submit('391', 0)
    t.ok(await until(() => c.closed()), 'connection closed')
  })

  t.test(`${who}: duplicated receipts`, async (t) => {
    const sim = await startSim(t, carrier('faults:\n  duplicate_receipt_rate: 1\n'))
    const c = await connect(t, sim.port())
    const r = await c.submit('391')
    t.ok(await until(() => c.receipts().length === 2))
    t.same(c.receipts().map((x) => x.id), [r.id, r.id])
  })

  t.test(`${who}: receipts sent before the submit_sm_resp`, async (t) => {
    const sim = await startSim(t, carrier('faults:\n  receipt_before_response_rate: 1\n'))
    const c = await connect(t, sim.port())
    const r = await c.submit('391')
    t.ok(await until(() => c.receipts().length === 1))
    t.same(c.events, ['receipt:' + r.id!, 'resp:' + r.id!], 'receipt first')
  })

  t.test(`${who}: hex ids in responses, decimal ids in receipts`, async (t) => {
    const sim = await startSim(t, carrier('message_id: { format: hex, receipt_format: decimal, start: 255 }\n'))
    const c = await connect(t, sim.port())
    const r = await c.submit('391')
    t.equal(r.id, 'ff')
    t.ok(await until(() => c.receipts().length === 1))
    t.equal(c.receipts()[0].id, '255')
  })

  t.test(`${who}: per-destination overrides force outcomes and submit errors`, async (t) => {
    const sim = await startSim(t, carrier("overrides:\n  - { prefix: '3933300', stat: EXPIRED, err: 27 }\n  - { pattern: '^44\\d+7$', submit_status: 0x0a }\n"))
    const c = await connect(t, sim.port())
    await c.submit('39333001')
    t.equal((await c.submit('44123457')).status, 0x0a)
    await c.submit('99903123')
    t.ok(await until(() => c.receipts().length === 2))
    t.same(c.receipts().map((x) => x.stat).sort(), ['EXPIRED', 'REJECTD'])
  })
}

t.test('binds are refused for a period, then accepted (both clients)', async (t) => {
  const sim = await startSim(t, carrier('faults:\n  refuse_binds: { after_ms: 0, for_ms: 400, status: 0x0d }\n'))
  await t.rejects(connectAndBind({ port: sim.port(), systemId: 'sim', password: 'simpass' }), { name: 'BindError', status: 0x0d })
  await t.rejects(viaNodeSmpp(t, sim.port()), /bind refused: 13/)
  await new Promise((resolve) => setTimeout(resolve, 450))
  const ours = await connectAndBind({ port: sim.port(), systemId: 'sim', password: 'simpass', enquireLinkIntervalMs: 0 })
  t.teardown(() => ours.destroy('done'))
  t.equal(ours.systemId, 'sim', 'our client binds after the window')
  const theirs = await viaNodeSmpp(t, sim.port())
  t.equal((await theirs.submit('391', 0)).status, 0, 'node-smpp binds after the window')
  t.equal(sim.carrier().counters.bindsRefused, 2)
})
