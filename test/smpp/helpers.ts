// Shared by the SMPP tests: a server on 127.0.0.1:0 with test accounts, raw-socket helpers.

import { connect, type Socket } from 'node:net'
import type { Test } from 'tap'
import { hashPassword } from '../../src/smpp/auth.js'
import type { SmppAccount, SmppServerConfig } from '../../src/smpp/config.js'
import { SmppServer, type ServerHandler } from '../../src/smpp/server.js'
import { decodePdu, encodePdu } from '../../src/smpp/pdu/codec.js'
import { PduFramer } from '../../src/smpp/pdu/framer.js'
import type { Pdu } from '../../src/smpp/pdu/types.js'
import { Registry } from '../../src/metrics.js'
import type { Logger } from '../../src/log.js'

// Cheap scrypt parameters: tests bind thousands of times and verify wrong passwords often.
const TEST_SCRYPT = { N: 1024, r: 8, p: 1 }
const hashes = new Map<string, Promise<string>>()
export function testHash (password: string): Promise<string> {
  let h = hashes.get(password)
  if (h === undefined) { h = hashPassword(password, TEST_SCRYPT); hashes.set(password, h) }
  return h
}

export async function account (systemId: string, password: string, extra: Partial<SmppAccount> = {}): Promise<SmppAccount> {
  return { systemId, passwordHash: await testHash(password), bindTypes: ['transmitter', 'receiver', 'transceiver'], maxBinds: 10, allowedIps: [], ...extra }
}

export interface StartedServer { server: SmppServer, port: number, registry: Registry }

export async function startServer (t: Test, opts: { config?: Partial<SmppServerConfig>, accounts?: SmppAccount[], handler?: ServerHandler, logger?: Logger } = {}): Promise<StartedServer> {
  const registry = new Registry()
  const accounts = opts.accounts ?? [await account('demo', 'demopass')]
  const server = new SmppServer({
    config: { port: 0, authFailureDelayMs: 0, enquireLinkIntervalMs: 0, inactivityTimeoutMs: 0, ...opts.config },
    accounts,
    handler: opts.handler,
    logger: opts.logger,
    registry
  })
  t.teardown(() => server.close())
  await server.start()
  return { server, port: server.port, registry }
}

/** A raw TCP peer that collects decoded PDUs. */
export class RawPeer {
  readonly socket: Socket
  readonly received: Pdu[] = []
  closed = false
  bytesIn = 0
  private readonly framer = new PduFramer(1 << 20)
  private waiters: Array<() => void> = []
  private readonly done: Promise<void>

  constructor (port: number) {
    this.socket = connect({ host: '127.0.0.1', port })
    this.socket.on('data', (c: Buffer) => {
      this.bytesIn += c.length
      this.framer.push(c)
      for (let f = this.framer.next(); f !== null; f = this.framer.next()) {
        if (!Buffer.isBuffer(f)) throw new Error('peer sent a bad frame')
        const r = decodePdu(f)
        if (!r.ok) throw new Error('peer sent an undecodable PDU: ' + r.reason)
        this.received.push(r.pdu)
      }
      this.wake()
    })
    this.socket.on('error', () => {})
    this.done = new Promise((resolve) => this.socket.on('close', () => { this.closed = true; this.wake(); resolve() }))
  }

  connected (): Promise<void> {
    return new Promise((resolve) => { if (this.socket.readyState === 'open') resolve(); else this.socket.once('connect', () => resolve()) })
  }

  send (pdu: Pdu | Buffer): void { this.socket.write(Buffer.isBuffer(pdu) ? pdu : encodePdu(pdu)) }

  /** Waits until `n` PDUs have arrived (or the socket closed, or timeoutMs). */
  async waitFor (n: number, timeoutMs = 3000): Promise<Pdu[]> {
    const until = Date.now() + timeoutMs
    while (this.received.length < n && !this.closed && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, until - Date.now())
        this.waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
    return this.received
  }

  whenClosed (timeoutMs = 3000): Promise<boolean> {
    return Promise.race([this.done.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())])
  }

  close (): void { this.socket.destroy() }

  private wake (): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }
}

export function bindPdu (commandId: 1 | 2 | 9, systemId: string, password: string, seq = 1): Pdu {
  return { commandId, commandStatus: 0, sequenceNumber: seq, systemId, password, systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' } as Pdu
}

export function submitPdu (seq = 0, text = 'hello'): Pdu {
  return {
    commandId: 0x00000004, commandStatus: 0, sequenceNumber: seq, serviceType: '', sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '393331234567',
    destAddrTon: 1, destAddrNpi: 1, destinationAddr: '393337654321', esmClass: 0, protocolId: 0, priorityFlag: 0, scheduleDeliveryTime: '',
    validityPeriod: '', registeredDelivery: 1, replaceIfPresentFlag: 0, dataCoding: 0, smDefaultMsgId: 0, shortMessage: Buffer.from(text), tlvs: null
  } as Pdu
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
