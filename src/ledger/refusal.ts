// Refusals as data: the same outcome answers SMPP with a command_status and HTTP with a status.

import { CommandStatus } from '../smpp/pdu/status.js'
import type { Refusal, RefusalReason } from './types.js'

const WIRE: Record<RefusalReason, [Refusal['smppStatus'], number]> = {
  no_credit: [CommandStatus.INSTRADA_RNOCREDIT, 402],
  unknown_account: [CommandStatus.ESME_RSYSERR, 403],
  no_price: [CommandStatus.ESME_RSUBMITFAIL, 400],
  duplicate: [CommandStatus.ESME_RSUBMITFAIL, 409],
  closed: [CommandStatus.ESME_RSYSERR, 503]
}

export function refusal (reason: RefusalReason, required: number, available: number): Refusal {
  const [smppStatus, httpStatus] = WIRE[reason]
  return { ok: false, reason, smppStatus, httpStatus, required, available }
}
