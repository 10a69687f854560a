// Sends an MO's automatic answer (mo.ts decides which MO earn one) through the same intake and
// engines as any message the account sends: its rules, its credit, its routes. The answer is
// best effort — a refusal (no credit, a sender the rules refuse) is counted and logged, and the
// MO itself was already delivered to the account.

import type { Logger } from '../log.js'
import { counter, type Registry } from '../metrics.js'
import { CommandStatus } from '../smpp/pdu/status.js'
import type { EngineApi, AutoReply } from './protocol.js'
import type { Intake } from './intake.js'

export class AutoReplySender {
  private readonly sent

  constructor (private readonly intake: Intake, private readonly engines: EngineApi, private readonly log: Logger, registry: Registry) {
    this.sent = counter(registry, 'instrada_mo_auto_replies_total', 'Automatic answers to MO, by result', ['result'])
  }

  async send (r: AutoReply): Promise<void> {
    const account = this.intake.account(r.account)
    if (account === null) { this.refused(r, 'unknown account'); return }
    const prepared = this.intake.prepare(account, {
      origin: { kind: 'http' },
      type: r.type,
      from: r.from,
      fromTon: -1,
      to: r.to,
      toTon: 1,
      content: r.text,
      encoding: 'auto',
      reference: 'mo-auto-reply',
      registeredDelivery: 0,
      protocolId: 0,
      priorityFlag: 0,
      schedule: null,
      validity: null
    })
    if (!prepared.ok) { this.refused(r, prepared.reason); return }
    try {
      const reply = await this.engines.accept(prepared.job)
      if (reply.status !== CommandStatus.ESME_ROK) { this.refused(r, `status 0x${reply.status.toString(16)}`); return }
      this.sent.inc({ result: 'sent' })
    } catch (err) {
      this.sent.inc({ result: 'failed' })
      this.log.error({ err, account: r.account }, 'MO auto-reply not accepted')
    }
  }

  private refused (r: AutoReply, why: string): void {
    this.sent.inc({ result: 'refused' })
    this.log.warn({ account: r.account, why }, 'MO auto-reply refused')
  }
}
