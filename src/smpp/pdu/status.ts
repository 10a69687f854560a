// SMPP 3.4 command_status values as data (section 5.1.3), plus Instrada's vendor codes.

export const CommandStatus = {
  ESME_ROK: 0x00000000,
  ESME_RINVMSGLEN: 0x00000001,
  ESME_RINVCMDLEN: 0x00000002,
  ESME_RINVCMDID: 0x00000003,
  ESME_RINVBNDSTS: 0x00000004,
  ESME_RALYBND: 0x00000005,
  ESME_RINVPRTFLG: 0x00000006,
  ESME_RINVREGDLVFLG: 0x00000007,
  ESME_RSYSERR: 0x00000008,
  ESME_RINVSRCADR: 0x0000000a,
  ESME_RINVDSTADR: 0x0000000b,
  ESME_RINVMSGID: 0x0000000c,
  ESME_RBINDFAIL: 0x0000000d,
  ESME_RINVPASWD: 0x0000000e,
  ESME_RINVSYSID: 0x0000000f,
  ESME_RCANCELFAIL: 0x00000011,
  ESME_RREPLACEFAIL: 0x00000013,
  ESME_RMSGQFUL: 0x00000014,
  ESME_RINVSERTYP: 0x00000015,
  ESME_RINVNUMDESTS: 0x00000033,
  ESME_RINVDLNAME: 0x00000034,
  ESME_RINVDESTFLAG: 0x00000040,
  ESME_RINVSUBREP: 0x00000042,
  ESME_RINVESMCLASS: 0x00000043,
  ESME_RCNTSUBDL: 0x00000044,
  ESME_RSUBMITFAIL: 0x00000045,
  ESME_RINVSRCTON: 0x00000048,
  ESME_RINVSRCNPI: 0x00000049,
  ESME_RINVDSTTON: 0x00000050,
  ESME_RINVDSTNPI: 0x00000051,
  ESME_RINVSYSTYP: 0x00000053,
  ESME_RINVREPFLAG: 0x00000054,
  ESME_RINVNUMMSGS: 0x00000055,
  ESME_RTHROTTLED: 0x00000058,
  ESME_RINVSCHED: 0x00000061,
  ESME_RINVEXPIRY: 0x00000062,
  ESME_RINVDFTMSGID: 0x00000063,
  ESME_RX_T_APPN: 0x00000064,
  ESME_RX_P_APPN: 0x00000065,
  ESME_RX_R_APPN: 0x00000066,
  ESME_RQUERYFAIL: 0x00000067,
  ESME_RINVOPTPARSTREAM: 0x000000c0,
  ESME_ROPTPARNOTALLWD: 0x000000c1,
  ESME_RINVPARLEN: 0x000000c2,
  ESME_RMISSINGOPTPARAM: 0x000000c3,
  ESME_RINVOPTPARAMVAL: 0x000000c4,
  ESME_RDELIVERYFAILURE: 0x000000fe,
  ESME_RUNKNOWNERR: 0x000000ff,
  // Instrada vendor-specific codes (0x400–0x4FF), documented in the README.
  /** Not enough credit to reserve for the message. */
  INSTRADA_RNOCREDIT: 0x00000400,
  /** The account is suspended. */
  INSTRADA_RACCTSUSPENDED: 0x00000401,
  /** The text holds characters no permitted encoding can carry. */
  INSTRADA_RINVCHARS: 0x00000402,
  /** No route matches the message. */
  INSTRADA_RNOROUTE: 0x00000403
} as const
export type CommandStatus = (typeof CommandStatus)[keyof typeof CommandStatus]

const names = new Map<number, string>()
for (const [name, value] of Object.entries(CommandStatus)) names.set(value, name)

/** `ESME_RTHROTTLED` for 0x58; `0x00000123` for a code we have no name for. */
export function statusName (status: number): string {
  return names.get(status) ?? '0x' + status.toString(16).padStart(8, '0')
}

/**
 * Errors a carrier may clear by itself: worth retrying the same message later, possibly on
 * another route. Everything else is permanent for that message.
 */
export function isRetryable (status: number): boolean {
  return (
    status === CommandStatus.ESME_RTHROTTLED ||
    status === CommandStatus.ESME_RMSGQFUL ||
    status === CommandStatus.ESME_RSYSERR ||
    status === CommandStatus.ESME_RX_T_APPN ||
    status === CommandStatus.ESME_RSUBMITFAIL ||
    status === CommandStatus.ESME_RUNKNOWNERR
  )
}

/** Throttling asks the sender to slow down rather than to back off the message alone. */
export function isThrottling (status: number): boolean {
  return status === CommandStatus.ESME_RTHROTTLED || status === CommandStatus.ESME_RMSGQFUL
}
