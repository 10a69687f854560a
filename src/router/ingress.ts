// The customer side of the SMPP server: every bound customer session's requests come here.
// submit_sm / data_sm / submit_multi go through the Intake (rules, limits) to an engine, and are
// answered only once the engine says the message is stored. query_sm and cancel_sm are answered
// from the store. Receipts travel the other way through CustomerOutbox.

import type { Logger } from '../log.js'
import { counter, histogram, type Registry } from '../metrics.js'
import type { ServerHandler } from '../smpp/server.js'
import type { SmppSession } from '../smpp/session.js'
import type { SmppAccount } from '../smpp/config.js'
import { CommandStatus, statusName } from '../smpp/pdu/status.js'
import { CommandId, type DataSm, type ReplaceSm, type RequestPdu, type SubmitMulti, type SubmitSm, type UnsuccessSme } from '../smpp/pdu/types.js'
import type { SmsType } from '../rules/index.js'
import type { AccountRuntime, Intake, Submission } from './intake.js'
import type { CustomerOutbox } from './outbox.js'
import type { EngineApi } from './protocol.js'

/** Per-session state kept in session.data. */
class BindState {
  inflight = 0
  constructor (readonly account: AccountRuntime, readonly bindId: string) {}
}

const TYPES: ReadonlySet<string> = new Set(['smart', 'pro', 'reply'])
let bindSeq = 0

export class CustomerIngress implements ServerHandler {
  private readonly submits
  private readonly latency

  constructor (
    private readonly intake: Intake,
    private readonly engine: EngineApi,
    private readonly outbox: CustomerOutbox,
    private readonly log: Logger,
    registry: Registry
  ) {
    this.submits = counter(registry, 'instrada_submits_total', 'Customer submits by account and command_status', ['account', 'status'])
    this.latency = histogram(registry, 'instrada_submit_resp_seconds', 'Customer submit → submit_sm_resp', [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1])
  }

  onBound (session: SmppSession, account: SmppAccount): void {
    const rt = this.intake.account(account.systemId)
    if (rt === null) { void session.close('account removed'); return }
    session.data = new BindState(rt, `${account.systemId}#${++bindSeq}`)
    this.outbox.bound(session, account.systemId)
  }

  onClosed (session: SmppSession): void {
    const bs = session.data
    if (bs instanceof BindState) this.outbox.unbound(session, bs.account.id)
  }

  onRequest (session: SmppSession, pdu: RequestPdu): void {
    const bs = session.data
    if (!(bs instanceof BindState)) { session.respond(pdu, CommandStatus.ESME_RINVBNDSTS); return }
    switch (pdu.commandId) {
      case CommandId.SubmitSm:
      case CommandId.DataSm:
        this.submit(session, bs, pdu)
        return
      case CommandId.SubmitMulti:
        this.submitMulti(session, bs, pdu)
        return
      case CommandId.QuerySm:
        this.engine.query({ account: bs.account.id, messageId: pdu.messageId }).then((r) => {
          session.respond(pdu, r.status, { messageId: pdu.messageId, finalDate: r.finalDate, messageState: r.messageState, errorCode: r.errorCode })
        }, (err: unknown) => this.failed(session, pdu, err))
        return
      case CommandId.CancelSm:
        this.engine.cancel({ account: bs.account.id, messageId: pdu.messageId }).then((status) => {
          session.respond(pdu, status)
        }, (err: unknown) => this.failed(session, pdu, err))
        return
      case CommandId.ReplaceSm:
        this.replace(session, bs, pdu)
        return
      default:
        session.respond(pdu, CommandStatus.ESME_RINVCMDID)
    }
  }

  private submission (bs: BindState, pdu: SubmitSm | DataSm | SubmitMulti, to: string, toTon: number): Submission {
    const isData = pdu.commandId === CommandId.DataSm
    const tlvs = pdu.tlvs
    return {
      origin: { kind: 'smpp', bindId: bs.bindId },
      type: TYPES.has(pdu.serviceType) ? pdu.serviceType as SmsType : null,
      from: pdu.sourceAddr,
      fromTon: pdu.sourceAddrTon,
      to,
      toTon,
      content: {
        shortMessage: isData ? EMPTY : (pdu as SubmitSm).shortMessage,
        dataCoding: pdu.dataCoding,
        esmClass: pdu.esmClass,
        messagePayload: tlvs?.messagePayload ?? null
      },
      reference: tlvs?.userMessageReference !== undefined ? String(tlvs.userMessageReference) : null,
      registeredDelivery: pdu.registeredDelivery,
      protocolId: isData ? 0 : (pdu as SubmitSm).protocolId,
      priorityFlag: isData ? 0 : (pdu as SubmitSm).priorityFlag,
      schedule: isData ? null : (pdu as SubmitSm).scheduleDeliveryTime,
      validity: isData ? null : (pdu as SubmitSm).validityPeriod
    }
  }

  private submit (session: SmppSession, bs: BindState, pdu: SubmitSm | DataSm): void {
    const account = bs.account
    if (bs.inflight >= account.config.limits.window) { this.answer(session, pdu, account.id, CommandStatus.ESME_RTHROTTLED, '', 0); return }
    const started = performance.now()
    const r = this.intake.prepare(account, this.submission(bs, pdu, pdu.destinationAddr, pdu.destAddrTon))
    if (!r.ok) {
      if (this.log.isLevelEnabled('debug')) this.log.debug({ account: account.id, status: statusName(r.status), reason: r.reason }, 'submit refused')
      this.answer(session, pdu, account.id, r.status, '', 0)
      return
    }
    bs.inflight++
    this.engine.accept(r.job).then((reply) => {
      bs.inflight--
      this.answer(session, pdu, account.id, reply.status, reply.id ?? '', started)
    }, (err: unknown) => { bs.inflight--; this.failed(session, pdu, err) })
  }

  /** One message per distinct recipient; failures listed per recipient in unsuccess_sme. */
  private submitMulti (session: SmppSession, bs: BindState, pdu: SubmitMulti): void {
    const account = bs.account
    if (bs.inflight >= account.config.limits.window) { this.answer(session, pdu, account.id, CommandStatus.ESME_RTHROTTLED, '', 0); return }
    const started = performance.now()
    const unsuccess: UnsuccessSme[] = []
    const pending: Array<Promise<void>> = []
    const ids: string[] = []
    const seen = new Set<string>()
    for (const d of pdu.destinations) {
      if (d.kind === 'list') {
        unsuccess.push({ ton: 0, npi: 0, addr: d.name, errorStatusCode: CommandStatus.ESME_RINVDLNAME })
        continue
      }
      if (seen.has(d.addr)) continue // a number given twice gets one message
      seen.add(d.addr)
      const r = this.intake.prepare(account, this.submission(bs, pdu, d.addr, d.ton))
      if (!r.ok) { unsuccess.push({ ton: d.ton, npi: d.npi, addr: d.addr, errorStatusCode: r.status }); continue }
      pending.push(this.engine.accept(r.job).then((reply) => {
        if (reply.status === CommandStatus.ESME_ROK && reply.id !== null) ids.push(reply.id)
        else unsuccess.push({ ton: d.ton, npi: d.npi, addr: d.addr, errorStatusCode: reply.status })
      }))
    }
    bs.inflight++
    Promise.all(pending).then(() => {
      bs.inflight--
      // The response carries one id: the first accepted recipient's (each has its own receipt).
      const status = ids.length > 0 ? CommandStatus.ESME_ROK : (unsuccess[0]?.errorStatusCode ?? CommandStatus.ESME_RINVNUMDESTS)
      this.submits.inc({ account: account.id, status: statusName(status) })
      session.respond(pdu, status, { messageId: ids.sort()[0] ?? '', unsuccess })
      this.latency.observe((performance.now() - started) / 1000)
    }, (err: unknown) => { bs.inflight--; this.failed(session, pdu, err) })
  }

  /** replace_sm: before hand-off only, same part count (see Intake.prepareReplace). */
  private replace (session: SmppSession, bs: BindState, pdu: ReplaceSm): void {
    const account = bs.account
    this.engine.get({ account: account.id, messageId: pdu.messageId }).then(async (rec) => {
      if (rec === null) return CommandStatus.ESME_RINVMSGID
      const r = this.intake.prepareReplace(account, rec, pdu)
      if (!r.ok) {
        if (this.log.isLevelEnabled('debug')) this.log.debug({ account: account.id, id: rec.id, reason: r.reason }, 'replace refused')
        return r.status
      }
      return await this.engine.replace({
        account: account.id, messageId: rec.id, bodies: r.bodies, scheduledAt: r.scheduledAt, validUntil: r.validUntil, registeredDelivery: r.registeredDelivery
      })
    }).then((status) => { session.respond(pdu, status) }, (err: unknown) => this.failed(session, pdu, err))
  }

  private answer (session: SmppSession, pdu: RequestPdu, account: string, status: number, id: string, started: number): void {
    session.respond(pdu, status, { messageId: id })
    this.submits.inc({ account, status: statusName(status) })
    if (started > 0) this.latency.observe((performance.now() - started) / 1000)
  }

  private failed (session: SmppSession, pdu: RequestPdu, err: unknown): void {
    this.log.error({ err }, 'engine request failed')
    session.respond(pdu, CommandStatus.ESME_RSYSERR)
  }
}

const EMPTY = new Uint8Array(0)
