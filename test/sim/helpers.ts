// Shared by the simulator tests: start a simulator from YAML on port 0, bind our client or a
// node-smpp client, collect what arrives, wait for conditions with a bounded loop.

import { ConfigNode } from '../../src/config/node.js'
import { parseSimulatorConfig, Simulator } from '../../src/sim/index.js'
import { connectAndBind, type SmppSession, CommandId, type DeliverSm, type RequestPdu, type SubmitSm } from '../../src/smpp/index.js'

// node-smpp ships no type declarations; loaded through a variable so the import stays untyped.
const NODE_SMPP = 'smpp'
const smpp = (await import(NODE_SMPP)).default as any

export interface Tap {
  teardown: (fn: () => unknown) => void
}

/** A simulator from YAML text (carriers default to port 0), started; closed in teardown. */
export async function startSim (t: Tap, yaml = 'carriers:\n  - name: sim\n    port: 0\n', controlPort: number | null = null): Promise<Simulator> {
  const cfg = parseSimulatorConfig(ConfigNode.parse(yaml, 'test.yaml'))
  if (controlPort !== null) cfg.control.port = controlPort
  const sim = new Simulator(cfg)
  t.teardown(async () => await sim.close())
  await sim.start()
  return sim
}

export interface OurClient {
  session: SmppSession
  delivers: DeliverSm[]
}

/** Binds our own SmppSession client; answers and collects every deliver_sm. */
export async function ourClient (t: Tap, port: number, opts: { systemId?: string, password?: string, bindType?: 'transmitter' | 'receiver' | 'transceiver', window?: number } = {}): Promise<OurClient> {
  const delivers: DeliverSm[] = []
  const session = await connectAndBind({
    port,
    systemId: opts.systemId ?? 'sim',
    password: opts.password ?? 'simpass',
    bindType: opts.bindType ?? 'transceiver',
    window: opts.window ?? 1000,
    enquireLinkIntervalMs: 0,
    handler: {
      onRequest (s: SmppSession, pdu: RequestPdu) {
        if (pdu.commandId === CommandId.DeliverSm) delivers.push(pdu)
        s.respond(pdu)
      }
    }
  })
  t.teardown(async () => { session.destroy('test over'); await session.closed })
  return { session, delivers }
}

export function submitPdu (dest: string, text: string, fields: Partial<SubmitSm> = {}): SubmitSm {
  return {
    commandId: CommandId.SubmitSm,
    commandStatus: 0,
    sequenceNumber: 0,
    serviceType: '',
    sourceAddrTon: 5,
    sourceAddrNpi: 0,
    sourceAddr: 'Instrada',
    destAddrTon: 1,
    destAddrNpi: 1,
    destinationAddr: dest,
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 1,
    replaceIfPresentFlag: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: Buffer.from(text, 'latin1'),
    tlvs: null,
    ...fields
  }
}

export interface NodeSmppClient {
  session: any
  delivers: any[]
  submit: (fields: Record<string, unknown>) => Promise<any>
}

/** A node-smpp (independent implementation) client bound to the simulator. */
export async function nodeSmppClient (t: Tap, port: number, opts: { systemId?: string, password?: string, bindType?: 'bind_transceiver' | 'bind_receiver' | 'bind_transmitter' } = {}): Promise<NodeSmppClient> {
  const session = smpp.connect({ url: `smpp://127.0.0.1:${port}`, auto_enquire_link_period: 0 })
  const delivers: any[] = []
  session.on('error', () => {})
  t.teardown(() => { session.destroy?.(); session.close?.() })
  session.on('deliver_sm', (pdu: any) => {
    delivers.push(pdu)
    session.send(pdu.response())
  })
  const status = await new Promise<number>((resolve) => {
    session.on('connect', () => {
      session[opts.bindType ?? 'bind_transceiver']({ system_id: opts.systemId ?? 'sim', password: opts.password ?? 'simpass' }, (pdu: any) => resolve(pdu.command_status))
    })
  })
  if (status !== 0) throw new Error(`node-smpp bind refused: ${status}`)
  const submit = (fields: Record<string, unknown>): Promise<any> => new Promise((resolve) => session.submit_sm({ source_addr: 'Test', ...fields }, resolve))
  return { session, delivers, submit }
}

/** Waits until `cond()` is true, polling every 5 ms, at most `ms`. Returns the last value of cond(). */
export async function until (cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) return false
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return true
}

export function receiptText (d: DeliverSm): string {
  return d.shortMessage.toString('latin1')
}
