// One SMPP session over a net.Socket or tls.TLSSocket, for either role (esme = client side,
// smsc = server side). It frames and decodes input, enforces the state table, answers
// enquire_link, unbind and malformed input itself, matches responses through the window, and
// batches output (writer.ts). Deadlines ride the process-wide ticker (ticker.ts).

import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { InvalidStateError, ResponseTimeoutError, SessionClosedError, WindowFullError } from '../errors.js'
import { silentLogger, type Logger } from '../log.js'
import { decodePdu } from './pdu/codec.js'
import { PduFramer } from './pdu/framer.js'
import { CommandStatus } from './pdu/status.js'
import { CommandId, RESPONSE_BIT, type BindRequest, type BindResponse, type GenericNack, type RequestPdu, type ResponsePdu } from './pdu/types.js'
import { errorResponse, responseFor, responseIdFor, type ResponseFields } from './responses.js'
import { bindTypeOf, boundStateFor, isBound, isKnownRequest, mayReceive, maySend, SessionState, stateName, type BindType, type Role } from './states.js'
import { addTickable, removeTickable, type Tickable } from './ticker.js'
import { RequestWindow, type RequestCallback } from './window.js'
import { PduWriter, type FlushMode } from './writer.js'

export interface SessionHandler {
  /** A request the session does not answer itself. Answer with session.respond(pdu, status, fields). */
  onRequest (session: SmppSession, pdu: RequestPdu): void
  /** smsc role: a bind in OPEN. Answer with session.acceptBind() or session.rejectBind(). */
  onBind? (session: SmppSession, pdu: BindRequest): void
}

export interface SessionOptions {
  role: Role
  /** Max outstanding requests we sent. Default 100. */
  window?: number
  /** How long a request waits for its response. Default 30 s. */
  requestTimeoutMs?: number
  /** How long request() may wait for a free window slot (0: fail at once with WindowFullError). */
  windowWaitTimeoutMs?: number
  /** Send enquire_link after this long without input while bound (0: never). Default 30 s. */
  enquireLinkIntervalMs?: number
  /** Close after this long without any input (0: never). Default 120 s. */
  inactivityTimeoutMs?: number
  /** Close a session still OPEN (not bound) after this long (0: never). Default 0. */
  bindTimeoutMs?: number
  /** Wait this long for unbind_resp, and for the peer to close after us. Default 5 s. */
  unbindTimeoutMs?: number
  /** A command_length above this closes the connection at once. Default 65536. */
  maxPduSize?: number
  flushMode?: FlushMode
  handler?: SessionHandler | null
  logger?: Logger
}

/** Requests nobody handles are answered, never dropped: the peer must not wait for a timeout. */
export const DEFAULT_HANDLER: SessionHandler = {
  onRequest (session, pdu) { session.respond(pdu, CommandStatus.ESME_RSYSERR) },
  onBind (session, pdu) { session.rejectBind(pdu, CommandStatus.ESME_RBINDFAIL) }
}

interface Waiting { pdu: RequestPdu, cb: RequestCallback, token: unknown, deadline: number }
interface Settle { resolve: (r: ResponsePdu) => void, reject: (e: Error) => void }

function settle (err: Error | null, resp: ResponsePdu | null, p: Settle): void {
  if (err !== null) p.reject(err)
  else p.resolve(resp as ResponsePdu)
}

function enquireDone (err: Error | null, _resp: ResponsePdu | null, s: SmppSession): void {
  s.enquirePending = false
  if (err instanceof ResponseTimeoutError) s.destroy('enquire_link unanswered')
}

const MAX_SEQ = 0x7fffffff

export class SmppSession extends EventEmitter implements Tickable {
  readonly role: Role
  readonly socket: Socket
  readonly remoteAddress: string
  readonly remotePort: number
  readonly window: RequestWindow
  state: SessionState = SessionState.OPEN
  /** The peer's system_id once bound (smsc role: the bound account; esme role: the SMSC's). */
  systemId = ''
  bindType: BindType | null = null
  /** Free slot for the application (e.g. its account object). */
  data: unknown = null
  handler: SessionHandler
  /** Set by enquireDone; internal. */
  enquirePending = false
  framesIn = 0
  nacksSent = 0
  readonly closed: Promise<string>
  private closeReason: string | null = null
  private resolveClosed!: (reason: string) => void
  private closing = false
  private seq = 0
  private seqWrapped = false
  private bindPending = false
  private processing = false
  private needDrain = false
  private lastRx: number
  private readonly openedAt: number
  private unbindDeadline = 0
  private endDeadline = 0
  private readonly waiting: Waiting[] = []
  private readonly framer: PduFramer
  private readonly writer: PduWriter
  private readonly log: Logger
  private readonly o: Required<Omit<SessionOptions, 'handler' | 'logger' | 'flushMode'>>

  constructor (socket: Socket, opts: SessionOptions) {
    super()
    this.role = opts.role
    this.socket = socket
    this.remoteAddress = socket.remoteAddress ?? ''
    this.remotePort = socket.remotePort ?? 0
    this.o = {
      role: opts.role,
      window: opts.window ?? 100,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      windowWaitTimeoutMs: opts.windowWaitTimeoutMs ?? 0,
      enquireLinkIntervalMs: opts.enquireLinkIntervalMs ?? 30_000,
      inactivityTimeoutMs: opts.inactivityTimeoutMs ?? 120_000,
      bindTimeoutMs: opts.bindTimeoutMs ?? 0,
      unbindTimeoutMs: opts.unbindTimeoutMs ?? 5_000,
      maxPduSize: opts.maxPduSize ?? 65_536
    }
    this.handler = opts.handler ?? DEFAULT_HANDLER
    this.log = opts.logger ?? silentLogger
    this.window = new RequestWindow(this.o.window, (resp, late) => this.onUnmatched(resp, late))
    this.framer = new PduFramer(this.o.maxPduSize)
    this.writer = new PduWriter(socket, opts.flushMode ?? 'immediate', () => this.onWriteBlocked())
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve })
    this.lastRx = this.openedAt = Date.now()
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('drain', () => this.onWriteDrained())
    socket.on('error', (err) => { if (this.closeReason === null) this.closeReason = `socket error: ${err.message}` })
    socket.on('close', () => this.finish())
    addTickable(this)
    // A socket that died before we got it will never emit 'close' to us.
    if (socket.destroyed) process.nextTick(() => this.finish())
  }

  get isClosed (): boolean { return this.state === SessionState.CLOSED }
  get windowAvailable (): number { return this.closing ? 0 : this.window.available }
  /** socket.write calls and bytes so far: PDUs per write shows how well output batches. */
  get writes (): number { return this.writer.writes }
  get bytesWritten (): number { return this.writer.bytesWritten }
  get lateResponses (): number { return this.window.lateResponses }
  get unknownResponses (): number { return this.window.unknownResponses }

  /** How many requests sent now would go out at once (0 when canSend() is false). */
  sendable (): number {
    return this.canSend() ? this.window.available - this.waiting.length : 0
  }

  /** True when a request sent now goes out at once: bound, window slot free, socket not backed up. */
  canSend (): boolean {
    const ok = !this.closing && isBound(this.state) && this.window.available > this.waiting.length && !this.writer.blocked
    if (!ok) this.needDrain = true
    return ok
  }

  /**
   * Sends a request; `cb(err, resp, token)` runs exactly once, asynchronously. Any command_status
   * comes back as a response; errors are transport problems (ResponseTimeoutError,
   * SessionClosedError, WindowFullError, InvalidStateError, PduEncodeError). Sets
   * pdu.sequenceNumber. Pass a shared function and per-message token: no closure per request.
   */
  request<T> (pdu: RequestPdu, cb: RequestCallback<T>, token: T): void {
    if (this.closing) return this.failLater(new SessionClosedError(`session closing: ${this.closeReason ?? ''}`), cb, token)
    if (!maySend(this.role, this.state, pdu.commandId)) {
      return this.failLater(new InvalidStateError(`cannot send command 0x${pdu.commandId.toString(16)} in state ${stateName(this.state)}`), cb, token)
    }
    if (this.window.available === 0 || this.waiting.length > 0) {
      if (this.o.windowWaitTimeoutMs <= 0) return this.failLater(new WindowFullError(), cb, token)
      this.needDrain = true
      this.waiting.push({ pdu, cb, token, deadline: Date.now() + this.o.windowWaitTimeoutMs })
      return
    }
    this.sendRequest(pdu, cb, token)
  }

  requestAsync (pdu: RequestPdu): Promise<ResponsePdu> {
    return new Promise((resolve, reject) => this.request(pdu, settle, { resolve, reject }))
  }

  /** Answers `req`; returns false when the session is closed or the request has no response. */
  respond (req: RequestPdu, status: number = CommandStatus.ESME_ROK, fields: ResponseFields | null = null): boolean {
    if (this.state === SessionState.CLOSED || this.socket.destroyed) return false
    const resp = responseFor(req, status, fields)
    if (resp === null) return false
    this.writer.write(resp)
    return true
  }

  /** esme role: binds; resolves with the response whatever its status (client.ts turns a refusal into BindError). */
  bind (pdu: BindRequest): Promise<BindResponse | GenericNack> {
    return new Promise((resolve, reject) => this.request(pdu, bindDone, { session: this, resolve, reject }))
  }

  /** smsc role: accepts a bind handed to handler.onBind; `handler` then takes the session's requests. */
  acceptBind (pdu: BindRequest, serverSystemId: string, handler: SessionHandler | null = null): boolean {
    if (this.closing || this.state !== SessionState.OPEN) {
      this.bindSettled()
      return false
    }
    if (handler !== null) this.handler = handler
    this.state = boundStateFor(pdu.commandId) as SessionState
    this.systemId = pdu.systemId
    this.bindType = bindTypeOf(pdu.commandId)
    // sc_interface_version only for 3.4 clients: a 3.3 client doesn't expect TLVs.
    const tlvs = pdu.interfaceVersion >= 0x34 ? { scInterfaceVersion: 0x34 } : null
    this.respond(pdu, CommandStatus.ESME_ROK, { systemId: serverSystemId, tlvs })
    this.emit('bound')
    // PDUs queued behind the bind are handled after the caller's own bookkeeping (onBound).
    queueMicrotask(() => this.bindSettled())
    return true
  }

  /** smsc role: refuses a bind (the session stays OPEN; the peer may retry or is closed by bindTimeoutMs). */
  rejectBind (pdu: BindRequest, status: number): void {
    this.respond(pdu, status)
    this.bindSettled()
  }

  /** The unbind handshake: unbind, wait for unbind_resp (unbindTimeoutMs), then close. */
  async unbind (): Promise<string> {
    if (this.closing || !isBound(this.state)) return await this.close()
    const p = this.requestAsync({ commandId: CommandId.Unbind, commandStatus: 0, sequenceNumber: 0 })
    this.state = SessionState.UNBOUND
    this.unbindDeadline = Date.now() + this.o.unbindTimeoutMs
    try {
      await p
    } catch {
      // unanswered or closed meanwhile: close anyway
    }
    this.unbindDeadline = 0
    return await this.close('unbound')
  }

  /** Graceful and idempotent: unbinds first when bound, flushes, ends the socket; resolves with the reason. */
  close (reason = 'closed'): Promise<string> {
    if (this.closing || this.state === SessionState.CLOSED || this.unbindDeadline > 0) return this.closed
    if (isBound(this.state)) {
      this.unbind().catch(() => {})
      return this.closed
    }
    this.closing = true
    if (this.closeReason === null) this.closeReason = reason
    this.failPending(this.closeReason)
    this.writer.flush()
    this.endDeadline = Date.now() + this.o.unbindTimeoutMs
    this.socket.end()
    return this.closed
  }

  /** Immediate close (fatal input, dead peer): nothing more is read or written. */
  destroy (reason: string): void {
    if (this.closeReason === null || !this.closing) this.closeReason = reason
    this.closing = true
    this.socket.destroy()
  }

  onTick (now: number): void {
    if (this.window.size > 0 && this.window.expire(now) > 0 && this.needDrain && !this.closing) this.releaseSlot()
    if (this.waiting.length > 0 && this.waiting[0].deadline <= now) this.expireWaiting(now)
    if (this.state === SessionState.CLOSED) return
    if (this.closing) {
      if (this.endDeadline > 0 && now >= this.endDeadline) this.socket.destroy()
      return
    }
    if (this.unbindDeadline > 0) {
      // unbind() is waiting for its response; past the deadline, close without it.
      if (now >= this.unbindDeadline) {
        this.unbindDeadline = 0
        this.close('unbind timeout').catch(() => {})
      }
      return
    }
    const idle = now - this.lastRx
    if (this.o.inactivityTimeoutMs > 0 && idle >= this.o.inactivityTimeoutMs) return this.destroy('inactivity timeout')
    if (this.state === SessionState.OPEN && this.o.bindTimeoutMs > 0 && now - this.openedAt >= this.o.bindTimeoutMs) return this.destroy('bind timeout')
    if (this.o.enquireLinkIntervalMs > 0 && idle >= this.o.enquireLinkIntervalMs && !this.enquirePending && isBound(this.state) && this.window.available > 0) {
      this.enquirePending = true
      this.sendRequest({ commandId: CommandId.EnquireLink, commandStatus: 0, sequenceNumber: 0 }, enquireDone, this)
    }
  }

  private sendRequest (pdu: RequestPdu, cb: RequestCallback<any>, token: unknown): void {
    let seq = this.seq
    if (seq < MAX_SEQ && !this.seqWrapped) {
      seq++
    } else {
      // After the first wrap a number may still be outstanding (a stuck request): skip it.
      this.seqWrapped = true
      do { seq = seq === MAX_SEQ ? 1 : seq + 1 } while (this.window.has(seq))
    }
    this.seq = seq
    pdu.sequenceNumber = seq
    try {
      this.writer.write(pdu)
    } catch (err) {
      return this.failLater(err as Error, cb, token)
    }
    this.window.offer(seq, pdu.commandId, Date.now(), this.o.requestTimeoutMs, cb, token)
  }

  private failLater (err: Error, cb: RequestCallback<any>, token: unknown): void {
    process.nextTick(cb, err, null, token)
  }

  private onData (chunk: Buffer): void {
    this.lastRx = Date.now()
    this.framer.push(chunk)
    if (!this.processing) this.processFrames()
  }

  private processFrames (): void {
    const framer = this.framer
    this.processing = true
    // While a bind is being authenticated, later PDUs wait in the framer (reading paused): they
    // must be handled in the state the bind leads to, not in OPEN.
    while (!this.bindPending) {
      const f = framer.next()
      if (f === null) break
      if (!Buffer.isBuffer(f)) {
        this.log.warn({ peer: this.remoteAddress, commandLength: f.commandLength, reason: f.reason }, 'fatal framing error: closing')
        this.emit('frameError', f)
        return this.destroy(`framing error: ${f.reason}`)
      }
      this.framesIn++
      try {
        this.onFrame(f)
      } catch (err) {
        // A handler or callback threw: report it, keep the connection (the bug is not the peer's).
        this.log.error({ err, peer: this.remoteAddress }, 'error while handling a PDU')
        this.emit('handlerError', err)
      }
      if (this.state === SessionState.CLOSED || this.socket.destroyed) break
    }
    this.processing = false
    if (this.bindPending && framer.buffered > 0) this.socket.pause()
  }

  /** The bind was answered: go on with what arrived behind it. */
  private bindSettled (): void {
    this.bindPending = false
    if (this.processing || this.state === SessionState.CLOSED) return
    if (!this.writer.blocked) this.socket.resume()
    this.processFrames()
  }

  private onFrame (frame: Buffer): void {
    const r = decodePdu(frame)
    if (!r.ok) return this.onBadPdu(r.commandId, r.sequenceNumber, r.status, r.reason)
    const pdu = r.pdu
    if (pdu.commandId >= RESPONSE_BIT) return this.onResponse(pdu as ResponsePdu)
    this.onRequest(pdu as RequestPdu)
  }

  private onResponse (resp: ResponsePdu): void {
    if (this.window.complete(resp) && this.needDrain) this.releaseSlot()
  }

  private onRequest (pdu: RequestPdu): void {
    const cmd = pdu.commandId
    if (!mayReceive(this.role, this.state, cmd)) {
      const already = this.role === 'smsc' && bindTypeOf(cmd) !== null && isBound(this.state)
      this.answerError(pdu, already ? CommandStatus.ESME_RALYBND : CommandStatus.ESME_RINVBNDSTS)
      return
    }
    switch (cmd) {
      case CommandId.EnquireLink:
        this.respond(pdu)
        return
      case CommandId.Unbind:
        this.respond(pdu)
        this.state = SessionState.UNBOUND
        this.close('unbound by peer').catch(() => {})
        return
      case CommandId.BindTransmitter:
      case CommandId.BindReceiver:
      case CommandId.BindTransceiver:
        if (this.bindPending) return this.answerError(pdu, CommandStatus.ESME_RALYBND)
        this.bindPending = true
        if (this.handler.onBind !== undefined) this.handler.onBind(this, pdu)
        else this.rejectBind(pdu, CommandStatus.ESME_RBINDFAIL)
        return
    }
    this.handler.onRequest(this, pdu)
  }

  /** The request's own response with `status`, or a generic_nack when it has none. */
  private answerError (pdu: RequestPdu, status: number): void {
    if (!this.respond(pdu, status)) this.nack(pdu.sequenceNumber, status)
  }

  private onBadPdu (commandId: number, seq: number, status: number, reason: string): void {
    this.log.debug({ peer: this.remoteAddress, commandId, seq, status, reason }, 'undecodable PDU')
    this.emit('badPdu', commandId, status, reason)
    if (commandId >= RESPONSE_BIT) {
      // A response we cannot read still settles its request, as a generic_nack with the reason.
      this.onResponse({ commandId: CommandId.GenericNack, commandStatus: status, sequenceNumber: seq })
      return
    }
    // Header-level problems (unknown command id, a length that disagrees with the body) get a
    // generic_nack, as SMPP 3.4 prescribes; a known request whose fields are invalid gets its own
    // response carrying the field's status (ESME_RINVSRCADR, ESME_RINVMSGLEN, ...).
    const respId = isKnownRequest(commandId) ? responseIdFor(commandId) : null
    if (respId === null || status === CommandStatus.ESME_RINVCMDID || status === CommandStatus.ESME_RINVCMDLEN) return this.nack(seq, status)
    this.writer.write(errorResponse(respId, status, seq))
  }

  private nack (seq: number, status: number): void {
    if (this.socket.destroyed) return
    this.nacksSent++
    this.writer.write({ commandId: CommandId.GenericNack, commandStatus: status, sequenceNumber: seq })
  }

  private onUnmatched (resp: ResponsePdu, late: boolean): void {
    this.log.warn({ peer: this.remoteAddress, systemId: this.systemId, commandId: resp.commandId, seq: resp.sequenceNumber, late }, late ? 'late response' : 'unknown response')
    this.emit('unmatched', resp, late)
  }

  /** A slot freed (or the socket drained): start waiting requests, then tell callers. */
  private releaseSlot (): void {
    while (this.waiting.length > 0 && this.window.available > 0 && !this.closing) {
      const w = this.waiting.shift() as Waiting
      this.sendRequest(w.pdu, w.cb, w.token)
    }
    if (this.needDrain && this.waiting.length === 0 && this.canSendQuiet()) {
      this.needDrain = false
      this.emit('drain')
    }
  }

  private canSendQuiet (): boolean {
    return !this.closing && isBound(this.state) && this.window.available > 0 && !this.writer.blocked
  }

  private expireWaiting (now: number): void {
    while (this.waiting.length > 0 && this.waiting[0].deadline <= now) {
      const w = this.waiting.shift() as Waiting
      w.cb(new WindowFullError(`no window slot within ${this.o.windowWaitTimeoutMs} ms`), null, w.token)
    }
  }

  private onWriteBlocked (): void {
    // Stop reading while the peer isn't reading what we send: otherwise its requests would keep
    // producing responses we can only buffer.
    this.socket.pause()
  }

  private onWriteDrained (): void {
    this.writer.blocked = false
    if (this.closing) return
    if (!this.bindPending) this.socket.resume()
    if (this.needDrain) this.releaseSlot()
  }

  private failPending (reason: string): void {
    if (this.window.size === 0 && this.waiting.length === 0) return // no error object to build
    const err = new SessionClosedError(`session closed: ${reason}`)
    this.window.failAll(err)
    const waiting = this.waiting.splice(0)
    for (const w of waiting) w.cb(err, null, w.token)
  }

  private finish (): void {
    if (this.state === SessionState.CLOSED) return
    this.closing = true
    this.state = SessionState.CLOSED
    const reason = this.closeReason ?? 'connection closed by peer'
    this.closeReason = reason
    removeTickable(this)
    this.failPending(reason)
    this.emit('close', reason)
    this.resolveClosed(reason)
  }
}

interface BindToken { session: SmppSession, resolve: (r: BindResponse | GenericNack) => void, reject: (e: Error) => void }

// Runs synchronously when the response is read, so PDUs right behind a bind_resp in the same
// chunk (a deliver_sm) already see the bound state.
function bindDone (err: Error | null, resp: ResponsePdu | null, t: BindToken): void {
  if (err !== null) return t.reject(err)
  const r = resp as ResponsePdu
  const s = t.session
  if (r.commandStatus === CommandStatus.ESME_ROK && r.commandId !== CommandId.GenericNack && s.state === SessionState.OPEN) {
    const b = r as BindResponse
    s.state = boundStateFor((b.commandId & ~RESPONSE_BIT) >>> 0) as SessionState
    s.bindType = bindTypeOf((b.commandId & ~RESPONSE_BIT) >>> 0)
    s.systemId = b.systemId
    s.emit('bound')
  }
  t.resolve(r as BindResponse | GenericNack)
}

