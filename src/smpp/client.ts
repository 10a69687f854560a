// The ESME side: connect (TCP or TLS), bind, and hand back a bound SmppSession. No reconnect
// logic here: the router's carrier pools build reconnection and backoff on top of this.

import { connect as tcpConnect, type Socket } from 'node:net'
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls'
import { BindError } from '../errors.js'
import { CommandStatus, statusName } from './pdu/status.js'
import { CommandId, type BindRequest } from './pdu/types.js'
import { SmppSession, type SessionOptions } from './session.js'
import { bindCommandFor, type BindType } from './states.js'

export interface ConnectOptions extends Omit<SessionOptions, 'role'> {
  host?: string
  port: number
  systemId: string
  password: string
  bindType?: BindType
  systemType?: string
  interfaceVersion?: number
  addrTon?: number
  addrNpi?: number
  addressRange?: string
  /** TLS: true for defaults, or tls.connect options (ca, servername, rejectUnauthorized, ...). */
  tls?: boolean | ConnectionOptions
  /** Connect plus bind must finish within this. Default 10 s. */
  bindTimeoutMs?: number
}

/** Connects and binds; resolves with the bound session, rejects with BindError (status 0 for transport failures). */
export async function connectAndBind (opts: ConnectOptions): Promise<SmppSession> {
  const host = opts.host ?? '127.0.0.1'
  const timeoutMs = opts.bindTimeoutMs ?? 10_000
  const socket = await openSocket(host, opts.port, opts.tls ?? false, timeoutMs)
  const session = new SmppSession(socket, { ...opts, role: 'esme', bindTimeoutMs: 0 })
  const pdu: BindRequest = {
    commandId: bindCommandFor(opts.bindType ?? 'transceiver'),
    commandStatus: 0,
    sequenceNumber: 0,
    systemId: opts.systemId,
    password: opts.password,
    systemType: opts.systemType ?? '',
    interfaceVersion: opts.interfaceVersion ?? 0x34,
    addrTon: opts.addrTon ?? 0,
    addrNpi: opts.addrNpi ?? 0,
    addressRange: opts.addressRange ?? ''
  } as BindRequest
  let timer: NodeJS.Timeout | null = null
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BindError(0, `no bind response from ${host}:${opts.port} within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    const resp = await Promise.race([session.bind(pdu), timeout])
    if (resp.commandStatus !== CommandStatus.ESME_ROK || resp.commandId === CommandId.GenericNack) {
      throw new BindError(resp.commandStatus, `bind as ${opts.systemId} refused: ${statusName(resp.commandStatus)}`)
    }
    return session
  } catch (err) {
    session.destroy('bind failed')
    await session.closed
    if (err instanceof BindError) throw err
    throw new BindError(0, `bind as ${opts.systemId} to ${host}:${opts.port} failed: ${(err as Error).message}`, { cause: err })
  } finally {
    if (timer !== null) clearTimeout(timer)
  }
}

function openSocket (host: string, port: number, tls: boolean | ConnectionOptions, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tls === false
      ? tcpConnect({ host, port, noDelay: true })
      : tlsConnect({ host, port, ...(tls === true ? {} : tls) })
    const ready = tls === false ? 'connect' : 'secureConnect'
    const timer = setTimeout(() => socket.destroy(new BindError(0, `connecting to ${host}:${port} timed out after ${timeoutMs} ms`)), timeoutMs)
    const onError = (err: Error): void => {
      clearTimeout(timer)
      reject(err instanceof BindError ? err : new BindError(0, `cannot connect to ${host}:${port}: ${err.message}`, { cause: err }))
    }
    socket.once('error', onError)
    socket.once(ready, () => {
      clearTimeout(timer)
      socket.off('error', onError)
      resolve(socket)
    })
  })
}
