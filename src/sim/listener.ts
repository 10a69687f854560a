// The SMPP face of one simulated carrier: a TCP listener whose SmppSessions (src/smpp/session.ts,
// smsc role) authenticate binds against the carrier's accounts and pass every request to the engine.
// It does not use SmppServer because a carrier must be able to refuse binds with a configured status
// for a period, and plain-text test passwords must not cost an scrypt run per bind.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { timingSafeEqual } from 'node:crypto'
import type { Logger } from '../log.js'
import { PasswordVerifier, SmppSession, type SessionHandler, CommandStatus, type BindRequest, type DeliverSm, type RequestPdu, type ResponsePdu, type ResponseFields } from '../smpp/index.js'
import type { SimCarrier } from './carrier.js'
import type { LinkState, SimLink } from './delivery.js'

export interface ListenerOptions {
  /** Outstanding deliver_sm per bind. */
  window: number
  logger: Logger
}

class SessionLink implements SimLink {
  readonly session: SmppSession
  readonly systemId: string
  readonly receives: boolean
  readonly peer: string
  state: LinkState | null = null

  constructor (session: SmppSession, readonly carrier: SimCarrier) {
    this.session = session
    this.systemId = session.systemId
    this.receives = session.bindType !== 'transmitter'
    this.peer = `${session.remoteAddress}:${session.remotePort}`
  }

  canSend (): boolean { return this.session.canSend() }
  deliver (pdu: DeliverSm): void { this.session.request(pdu, onDeliverResp, new Pending(this, pdu)) }
  respond (req: RequestPdu, status: number, body: Record<string, unknown> | null): void {
    this.session.respond(req, status, body as ResponseFields | null)
  }

  drop (): void { this.session.destroy('dropped by the simulator (fault)') }
}

class Pending {
  constructor (readonly link: SessionLink, readonly pdu: DeliverSm) {}
}

/** A deliver_sm not acknowledged OK (refused, timed out, or the bind dropped) is delivered again. */
function onDeliverResp (err: Error | null, resp: ResponsePdu | null, p: Pending): void {
  if (err === null && resp !== null && resp.commandStatus === 0) return
  if (p.link.state !== null) p.link.state.deliverErrors++
  p.link.carrier.redeliver(p.link.systemId, p.pdu)
}

function sameText (a: string, b: string): boolean {
  const x = Buffer.from(a, 'latin1')
  const y = Buffer.from(b, 'latin1')
  return x.length === y.length && timingSafeEqual(x, y)
}

export class SimListener {
  readonly carrier: SimCarrier
  readonly closed: Promise<void>
  private readonly opts: ListenerOptions
  private readonly verifier = new PasswordVerifier()
  private readonly sessions = new Set<SmppSession>()
  private server: Server | null = null
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private resolveClosed!: () => void
  private readonly handler: SessionHandler

  constructor (carrier: SimCarrier, opts: ListenerOptions) {
    this.carrier = carrier
    this.opts = opts
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve })
    this.handler = {
      onBind: (session, pdu) => { this.onBind(session, pdu).catch((err: unknown) => this.bindFailed(session, pdu, err)) },
      onRequest: (session, pdu) => this.onRequest(session, pdu)
    }
  }

  get port (): number { return (this.server?.address() as AddressInfo | null)?.port ?? 0 }
  get sessionCount (): number { return this.sessions.size }

  start (): Promise<void> {
    if (this.starting === null) this.starting = this.listen()
    return this.starting
  }

  private async listen (): Promise<void> {
    const p = this.carrier.profile
    const server = createServer({ noDelay: true }, (socket) => this.onConnection(socket))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(p.port, p.host, () => { server.off('error', reject); resolve() })
    })
    server.on('error', (err) => this.opts.logger.error({ err }, 'listener error'))
  }

  /** Stops listening and closes every session (unbinding the bound ones). Idempotent. */
  close (): Promise<void> {
    if (this.closing === null) this.closing = this.shutdown()
    return this.closing
  }

  private async shutdown (): Promise<void> {
    await this.starting?.catch(() => {})
    const server = this.server
    const stopped = server === null ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()))
    await Promise.all([...this.sessions].map(async (s) => await s.close('simulator shutting down')))
    await stopped
    this.resolveClosed()
  }

  private onConnection (socket: Socket): void {
    if (this.closing !== null) { socket.destroy(); return }
    const session = new SmppSession(socket, {
      role: 'smsc',
      window: this.opts.window,
      requestTimeoutMs: 30_000,
      enquireLinkIntervalMs: 30_000,
      inactivityTimeoutMs: 0,
      bindTimeoutMs: 30_000,
      handler: this.handler,
      logger: this.opts.logger
    })
    this.sessions.add(session)
    session.once('close', (reason: string) => this.onClosed(session, reason))
    session.on('drain', () => {
      const ls = (session.data as SessionLink | null)?.state
      if (ls !== null && ls !== undefined) this.carrier.drained(ls)
    })
  }

  private async onBind (session: SmppSession, pdu: BindRequest): Promise<void> {
    const acct = this.carrier.profile.accounts.find((a) => a.systemId === pdu.systemId)
    let status: number = CommandStatus.ESME_ROK
    if (acct === undefined) status = CommandStatus.ESME_RINVSYSID
    else if (acct.password !== null ? !sameText(acct.password, pdu.password) : !(await this.verifier.verify(pdu.password, acct.passwordHash!))) status = CommandStatus.ESME_RINVPASWD
    else status = this.carrier.bindStatus(pdu.systemId)
    if (session.isClosed || this.closing !== null) return
    if (status !== 0) {
      this.opts.logger.info({ carrier: this.carrier.name, systemId: pdu.systemId, status }, 'bind refused')
      session.rejectBind(pdu, status)
      return
    }
    if (!session.acceptBind(pdu, this.carrier.name.slice(0, 15))) return
    const link = new SessionLink(session, this.carrier)
    session.data = link
    link.state = this.carrier.attach(link)
    this.opts.logger.info({ carrier: this.carrier.name, systemId: pdu.systemId, bindType: session.bindType, peer: link.peer }, 'bound')
  }

  private bindFailed (session: SmppSession, pdu: BindRequest, err: unknown): void {
    this.opts.logger.error({ err, systemId: pdu.systemId }, 'bind failed with an internal error')
    if (!session.isClosed) session.rejectBind(pdu, CommandStatus.ESME_RSYSERR)
  }

  private onRequest (session: SmppSession, pdu: RequestPdu): void {
    const ls = (session.data as SessionLink | null)?.state
    if (ls === null || ls === undefined || !this.carrier.handle(ls, pdu)) {
      session.respond(pdu, pdu.commandId === 0x00000005 ? CommandStatus.ESME_RINVCMDID : CommandStatus.ESME_RSYSERR)
    }
  }

  private onClosed (session: SmppSession, reason: string): void {
    this.sessions.delete(session)
    const link = session.data as SessionLink | null
    if (link?.state != null) {
      this.carrier.detach(link.state)
      this.opts.logger.info({ carrier: this.carrier.name, systemId: link.systemId, peer: link.peer, reason }, 'session closed')
    }
  }

  /** Bound sessions' links, for the control view. */
  links (): SessionLink[] {
    const out: SessionLink[] = []
    for (const s of this.sessions) if (s.data !== null) out.push(s.data as SessionLink)
    return out
  }
}
