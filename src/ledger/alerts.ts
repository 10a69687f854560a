// Low-credit alert rules. Each threshold is armed or not, stored with the account so the
// rule holds across restarts and threads: an armed threshold fires once when available credit
// drops below it and is disarmed; a credit increase (top-up, transfer in, positive adjustment,
// initial credit) that leaves available credit at or above it re-arms it. Releasing a hold
// does not re-arm (it is not new money).

export interface AlertState {
  /** Thresholds in milli-credits, highest first. */
  alerts: number[]
  /** armed[i] belongs to alerts[i]. */
  armed: boolean[]
}

/** After a debit or hold: the thresholds that fire now (and are disarmed). */
export function crossedDown (state: AlertState, available: number, out: number[]): void {
  const { alerts, armed } = state
  for (let i = 0; i < alerts.length; i++) {
    if (armed[i] && available < alerts[i]) {
      armed[i] = false
      out.push(alerts[i])
    }
  }
}

/** After new money: re-arm every threshold the available credit is back at or above. */
export function rearm (state: AlertState, available: number): void {
  const { alerts, armed } = state
  for (let i = 0; i < alerts.length; i++) if (available >= alerts[i]) armed[i] = true
}

/** New thresholds from config keep the armed state of thresholds that stay. */
export function withThresholds (state: AlertState, alerts: number[], available: number): AlertState {
  const armed = alerts.map((t) => {
    const i = state.alerts.indexOf(t)
    return i >= 0 ? state.armed[i] : available >= t
  })
  return { alerts: [...alerts], armed }
}
