// One coarse timer per process drives every session's deadlines (request timeouts, waiting for
// a window slot, enquire_link, inactivity, bind and unbind timeouts): no setTimeout per request
// and no timer per session. It runs only while some session is registered, and is unref'd
// (sockets keep the process alive, not this timer).

export interface Tickable {
  onTick (now: number): void
}

/** Deadlines are checked this often: every timeout fires up to TICK_MS late. */
export const TICK_MS = 50

const members = new Set<Tickable>()
let timer: NodeJS.Timeout | null = null

function tick (): void {
  const now = Date.now()
  for (const m of members) m.onTick(now)
}

export function addTickable (t: Tickable): void {
  members.add(t)
  if (timer === null) {
    timer = setInterval(tick, TICK_MS)
    timer.unref()
  }
}

export function removeTickable (t: Tickable): void {
  members.delete(t)
  if (members.size === 0 && timer !== null) {
    clearInterval(timer)
    timer = null
  }
}

/** Sessions registered right now (tests check that none leak). */
export function tickableCount (): number {
  return members.size
}
