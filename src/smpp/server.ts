// The SMPP server: TCP (and optionally TLS) listeners, bind authentication against the account
// table, and hand-off of each bound session to the application through ServerHandler. The
// server itself answers nothing but binds; everything after the bind goes to the handler.

import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls'
import { counter, gauge, Registry } from '../metrics.js'
import { silentLogger, type Logger } from '../log.js'
import { AuthFailures, IpAllowList, normalizeIp, PasswordVerifier } from './auth.js'
import { SMPP_DEFAULTS, type SmppAccount, type SmppServerConfig } from './config.js'
import { CommandStatus, statusName } from './pdu/status.js'
import type { BindRequest, RequestPdu } from './pdu/types.js'
import { SmppSession, type SessionHandler } from './session.js'
import { bindTypeOf } from './states.js'
import type { FlushMode } from './writer.js'

/**
 * What the application (the simulator, the router) plugs into the server. onRequest receives
 * every request of a bound session that the session does not answer itself (enquire_link and
 * unbind it does), and must answer each with session.respond(pdu, status, fields), now or later.
 */
export interface ServerHandler {
  onBound? (session: SmppSession, account: SmppAccount): void
  onRequest (session: SmppSession, pdu: RequestPdu): void
  onClosed? (session: SmppSession, reason: string): void
}

/**
 * Until an application handler is given, requests are answered ESME_RSYSERR (0x08): a client
 * sees a retryable "system error" at once instead of waiting for a timeout.
 */
export const DEFAULT_SERVER_HANDLER: ServerHandler = {
  onRequest (session, pdu) { session.respond(pdu, CommandStatus.ESME_RSYSERR) }
}

export interface SmppServerOptions {
  config?: Partial<SmppServerConfig>
  accounts?: readonly SmppAccount[]
  handler?: ServerHandler
  logger?: Logger
  registry?: Registry
  flushMode?: FlushMode
}

interface AccountEntry { account: SmppAccount, ips: IpAllowList }

export class SmppServer {
  readonly config: SmppServerConfig
  readonly closed: Promise<void>
  readonly verifier = new PasswordVerifier()
  private readonly app: ServerHandler
  private readonly log: Logger
  private readonly flushMode: FlushMode
  private accounts = new Map<string, AccountEntry>()
  private suspended: ReadonlySet<string> = new Set()
  private readonly sessions = new Set<SmppSession>()
  private readonly bound = new Map<SmppSession, SmppAccount>()
  private readonly bindCounts = new Map<string, number>()
  private readonly failures: AuthFailures
  private readonly delayTimers = new Set<NodeJS.Timeout>()
  private tcp: Server | null = null
  private tls: TlsServer | null = null
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private resolveClosed!: () => void
  private readonly bindHandler: SessionHandler
  private readonly m: ReturnType<typeof serverMetrics>

  constructor (opts: SmppServerOptions = {}) {
    this.config = { ...SMPP_DEFAULTS, ...opts.config }
    this.failures = new AuthFailures(this.config.authFailureDelayMs, this.config.authFailureDelayMaxMs)
    this.app = opts.handler ?? DEFAULT_SERVER_HANDLER
    this.log = (opts.logger ?? silentLogger).child({ component: 'smpp-server' })
    this.flushMode = opts.flushMode ?? 'immediate'
    this.setAccounts(opts.accounts ?? [])
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve })
    const reg = opts.registry ?? new Registry()
    this.m = serverMetrics(reg)
    this.bindHandler = {
      onRequest: (session, pdu) => session.respond(pdu, CommandStatus.ESME_RINVBNDSTS),
      onBind: (session, pdu) => this.onBind(session, pdu)
    }
  }

  /** Replaces the account table (config reload); bound sessions stay bound. */
  setAccounts (accounts: readonly SmppAccount[]): void {
    const next = new Map<string, AccountEntry>()
    for (const a of accounts) next.set(a.systemId, { account: a, ips: new IpAllowList(a.allowedIps) })
    this.accounts = next
  }

  /**
   * Accounts an operator suspended: their binds are refused with ESME_RBINDFAIL and their bound
   * sessions are unbound now (each within unbind_timeout_ms). Resolves once those are closed.
   */
  async setSuspended (systemIds: Iterable<string>): Promise<void> {
    const next = new Set(systemIds)
    this.suspended = next
    const closing: Array<Promise<unknown>> = []
    for (const [session, account] of this.bound) {
      if (next.has(account.systemId)) closing.push(session.close('account suspended'))
    }
    await Promise.all(closing)
  }

  get port (): number { return (this.tcp?.address() as AddressInfo | null)?.port ?? 0 }
  get tlsPort (): number { return (this.tls?.address() as AddressInfo | null)?.port ?? 0 }
  /** Open connections, bound or not. */
  get sessionCount (): number { return this.sessions.size }
  boundCount (systemId: string): number { return this.bindCounts.get(systemId) ?? 0 }
  boundSessions (): IterableIterator<SmppSession> { return this.bound.keys() }

  start (): Promise<void> {
    if (this.starting === null) this.starting = this.listen()
    return this.starting
  }

  private async listen (): Promise<void> {
    const c = this.config
    const tcp = createServer({ noDelay: true }, (socket) => this.onConnection(socket))
    this.tcp = tcp
    await listenOn(tcp, c.port, c.host)
    tcp.on('error', (err) => this.log.error({ err }, 'listener error'))
    if (c.tls !== null) {
      const tls = createTlsServer({ cert: readFileSync(c.tls.cert), key: readFileSync(c.tls.key) }, (socket) => this.onConnection(socket))
      tls.on('tlsClientError', (err) => this.log.debug({ err }, 'TLS handshake failed'))
      this.tls = tls
      await listenOn(tls, c.tls.port, c.tls.host)
      tls.on('error', (err) => this.log.error({ err }, 'TLS listener error'))
    }
    this.log.info({ host: c.host, port: this.port, tlsPort: c.tls === null ? null : this.tlsPort }, 'SMPP server listening')
  }

  /** Stops listening, unbinds every session (each within unbind_timeout_ms), then resolves. Idempotent. */
  close (): Promise<void> {
    if (this.closing === null) this.closing = this.shutdown()
    return this.closing
  }

  private async shutdown (): Promise<void> {
    await this.starting?.catch(() => {})
    const listeners = [this.tcp, this.tls].filter((s) => s !== null).map((s) => new Promise<void>((resolve) => s.close(() => resolve())))
    for (const t of this.delayTimers) clearTimeout(t)
    this.delayTimers.clear()
    await Promise.all([...this.sessions].map(async (s) => await s.close('server shutting down')))
    await Promise.all(listeners)
    this.log.info('SMPP server closed')
    this.resolveClosed()
  }

  private onConnection (socket: Socket): void {
    if (this.closing !== null) { socket.destroy(); return }
    const c = this.config
    this.m.connections.inc()
    const session = new SmppSession(socket, {
      role: 'smsc',
      window: c.window,
      requestTimeoutMs: c.requestTimeoutMs,
      enquireLinkIntervalMs: c.enquireLinkIntervalMs,
      inactivityTimeoutMs: c.inactivityTimeoutMs,
      bindTimeoutMs: c.bindTimeoutMs,
      unbindTimeoutMs: c.unbindTimeoutMs,
      maxPduSize: c.maxPduSize,
      flushMode: this.flushMode,
      handler: this.bindHandler,
      logger: this.log
    })
    this.sessions.add(session)
    session.once('close', (reason: string) => this.onSessionClosed(session, reason))
    session.on('frameError', () => this.m.frameErrors.inc())
    session.on('unmatched', (_resp: unknown, late: boolean) => this.m.unmatched.inc({ kind: late ? 'late' : 'unknown' }))
  }

  private onBind (session: SmppSession, pdu: BindRequest): void {
    this.authenticate(session, pdu).catch((err: unknown) => {
      this.log.error({ err, systemId: pdu.systemId }, 'bind failed with an internal error')
      session.rejectBind(pdu, CommandStatus.ESME_RSYSERR)
    })
  }

  private async authenticate (session: SmppSession, pdu: BindRequest): Promise<void> {
    const ip = normalizeIp(session.remoteAddress)
    const type = bindTypeOf(pdu.commandId)
    const entry = this.accounts.get(pdu.systemId)
    let status: number = CommandStatus.ESME_ROK
    let result = 'ok'
    if (entry === undefined) {
      status = CommandStatus.ESME_RINVSYSID; result = 'invalid_system_id'
    } else if (!entry.ips.allows(ip)) {
      status = CommandStatus.ESME_RBINDFAIL; result = 'ip_denied'
    } else if (!(await this.verifier.verify(pdu.password, entry.account.passwordHash))) {
      status = CommandStatus.ESME_RINVPASWD; result = 'invalid_password'
    } else if (this.suspended.has(pdu.systemId)) {
      status = CommandStatus.ESME_RBINDFAIL; result = 'suspended'
    } else if (type === null || !entry.account.bindTypes.includes(type)) {
      status = CommandStatus.ESME_RBINDFAIL; result = 'bind_type_denied'
    } else if (this.boundCount(pdu.systemId) >= entry.account.maxBinds) {
      status = CommandStatus.ESME_RBINDFAIL; result = 'max_binds'
    }
    // Unknown system_ids don't become label values: a scanner could create unbounded series.
    const label = entry === undefined ? '(unknown)' : pdu.systemId
    this.m.binds.inc({ system_id: label, result })
    const info = { systemId: pdu.systemId, peer: ip, bindType: type, systemType: pdu.systemType, interfaceVersion: pdu.interfaceVersion }
    if (session.isClosed || this.closing !== null) return
    if (status === CommandStatus.ESME_ROK && entry !== undefined) {
      // Counted in the same tick as the check above: concurrent binds cannot overshoot max_binds.
      if (!session.acceptBind(pdu, this.config.systemId, this.app)) return
      this.bound.set(session, entry.account)
      this.bindCounts.set(pdu.systemId, this.boundCount(pdu.systemId) + 1)
      this.m.bound.inc({ system_id: label })
      this.log.info(info, 'bound')
      this.app.onBound?.(session, entry.account)
      return
    }
    const authFailure = result === 'invalid_system_id' || result === 'invalid_password' || result === 'ip_denied'
    const delay = authFailure ? this.failures.record(ip) : 0
    this.log.warn({ ...info, result, status: statusName(status), delayMs: delay }, 'bind refused')
    if (delay === 0) { session.rejectBind(pdu, status); return }
    const timer = setTimeout(() => {
      this.delayTimers.delete(timer)
      session.rejectBind(pdu, status)
    }, delay)
    this.delayTimers.add(timer)
  }

  private onSessionClosed (session: SmppSession, reason: string): void {
    this.sessions.delete(session)
    const account = this.bound.get(session)
    if (account === undefined) return
    this.bound.delete(session)
    const n = this.boundCount(account.systemId) - 1
    if (n <= 0) this.bindCounts.delete(account.systemId)
    else this.bindCounts.set(account.systemId, n)
    this.m.bound.dec({ system_id: account.systemId })
    this.m.unbinds.inc({ system_id: account.systemId })
    this.log.info({ systemId: account.systemId, peer: session.remoteAddress, reason }, 'session closed')
    this.app.onClosed?.(session, reason)
  }
}

function serverMetrics (reg: Registry) {
  return {
    binds: counter(reg, 'smpp_binds_total', 'Bind attempts by system_id and result', ['system_id', 'result']),
    unbinds: counter(reg, 'smpp_unbinds_total', 'Bound sessions that ended, by system_id', ['system_id']),
    bound: gauge(reg, 'smpp_bound_sessions', 'Sessions bound now, by system_id', ['system_id']),
    connections: counter(reg, 'smpp_connections_total', 'Accepted SMPP connections'),
    frameErrors: counter(reg, 'smpp_frame_errors_total', 'Connections closed on a framing error'),
    unmatched: counter(reg, 'smpp_unmatched_responses_total', 'Responses matching no outstanding request', ['kind'])
  }
}

function listenOn (server: Server | TlsServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
}
