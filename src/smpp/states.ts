// The SMPP 3.4 session state machine, shared by both ends of a connection: which requests each
// role may send in each state (section 2.3). What one role may receive is what the other may send,
// so a single table answers both questions. Anything else is answered with ESME_RINVBNDSTS.

import { CommandId, RESPONSE_BIT } from './pdu/types.js'

/** Small integers so a set of states is a bit mask (`1 << state`). */
export const SessionState = {
  OPEN: 0,
  BOUND_TX: 1,
  BOUND_RX: 2,
  BOUND_TRX: 3,
  UNBOUND: 4,
  CLOSED: 5
} as const
export type SessionState = (typeof SessionState)[keyof typeof SessionState]

const stateNames = ['OPEN', 'BOUND_TX', 'BOUND_RX', 'BOUND_TRX', 'UNBOUND', 'CLOSED'] as const
export function stateName (state: SessionState): string {
  return stateNames[state]
}

/** 'esme' is the client side (binds, submits); 'smsc' the server side (accepts binds, delivers). */
export type Role = 'esme' | 'smsc'

const OPEN = 1 << SessionState.OPEN
const TX = 1 << SessionState.BOUND_TX
const RX = 1 << SessionState.BOUND_RX
const TRX = 1 << SessionState.BOUND_TRX
const BOUND = TX | RX | TRX

interface Allowed { esme: number, smsc: number }

/** Requests only: command id → states (bit mask) in which each role may SEND it. */
const SEND_TABLE = new Map<number, Allowed>([
  [CommandId.BindTransmitter, { esme: OPEN, smsc: 0 }],
  [CommandId.BindReceiver, { esme: OPEN, smsc: 0 }],
  [CommandId.BindTransceiver, { esme: OPEN, smsc: 0 }],
  [CommandId.Outbind, { esme: 0, smsc: OPEN }],
  [CommandId.Unbind, { esme: BOUND, smsc: BOUND }],
  // Strictly a bound-state command; accepted in OPEN too because real clients (and load
  // balancers' health checks) probe the link before binding, and answering costs nothing.
  [CommandId.EnquireLink, { esme: OPEN | BOUND, smsc: OPEN | BOUND }],
  [CommandId.SubmitSm, { esme: TX | TRX, smsc: 0 }],
  [CommandId.SubmitMulti, { esme: TX | TRX, smsc: 0 }],
  [CommandId.QuerySm, { esme: TX | TRX, smsc: 0 }],
  [CommandId.CancelSm, { esme: TX | TRX, smsc: 0 }],
  [CommandId.ReplaceSm, { esme: TX | TRX, smsc: 0 }],
  [CommandId.DeliverSm, { esme: 0, smsc: RX | TRX }],
  [CommandId.AlertNotification, { esme: 0, smsc: RX | TRX }],
  [CommandId.DataSm, { esme: TX | TRX, smsc: RX | TRX }]
])

/** Responses may arrive in any state but CLOSED: a request sent while bound is answered after an unbind. */
const RESPONSE_STATES = OPEN | BOUND | (1 << SessionState.UNBOUND)

/** May `role` send command `commandId` while in `state`? */
export function maySend (role: Role, state: SessionState, commandId: number): boolean {
  if (commandId >= RESPONSE_BIT) return (RESPONSE_STATES & (1 << state)) !== 0
  const a = SEND_TABLE.get(commandId)
  if (a === undefined) return false
  return ((role === 'esme' ? a.esme : a.smsc) & (1 << state)) !== 0
}

/** May `role` receive command `commandId` while in `state`? (= may the peer send it.) */
export function mayReceive (role: Role, state: SessionState, commandId: number): boolean {
  return maySend(role === 'esme' ? 'smsc' : 'esme', state, commandId)
}

/** True for a command id this table knows (requests; responses are matched by the window). */
export function isKnownRequest (commandId: number): boolean {
  return SEND_TABLE.has(commandId)
}

export function isBound (state: SessionState): boolean {
  return (BOUND & (1 << state)) !== 0
}

export type BindType = 'transmitter' | 'receiver' | 'transceiver'

/** The bound state a successful bind of this command id leads to, or null for a non-bind. */
export function boundStateFor (commandId: number): SessionState | null {
  switch (commandId) {
    case CommandId.BindTransmitter: return SessionState.BOUND_TX
    case CommandId.BindReceiver: return SessionState.BOUND_RX
    case CommandId.BindTransceiver: return SessionState.BOUND_TRX
    default: return null
  }
}

export function bindTypeOf (commandId: number): BindType | null {
  switch (commandId) {
    case CommandId.BindTransmitter: return 'transmitter'
    case CommandId.BindReceiver: return 'receiver'
    case CommandId.BindTransceiver: return 'transceiver'
    default: return null
  }
}

export function bindCommandFor (type: BindType): typeof CommandId.BindTransmitter | typeof CommandId.BindReceiver | typeof CommandId.BindTransceiver {
  if (type === 'transmitter') return CommandId.BindTransmitter
  if (type === 'receiver') return CommandId.BindReceiver
  return CommandId.BindTransceiver
}
