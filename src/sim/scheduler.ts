// A hashed timer wheel: every pending receipt (and every delayed response or MO) sits in the slot of
// its due tick, so adding is a push and firing walks only the slots whose time has come. The cost per
// item does not depend on how many are pending (a per-message setTimeout or a sorted list would).
// Items due beyond one revolution wait in an overflow list that is re-sorted into the wheel once per
// revolution, so even far-future items are touched O(delay / horizon) times.

export interface Timed {
  /** Absolute due time in ms (same clock as `advance(now)`). */
  due: number
}

export interface TimerWheelOptions {
  /** Milliseconds per slot (resolution). Default 1. */
  tickMs?: number
  /** log2 of the number of slots; the horizon is tickMs << slotBits. Default 16 (~65 s at 1 ms). */
  slotBits?: number
  /** Current time: items due before it fire on the next advance. */
  now: number
}

export class TimerWheel<T extends Timed> {
  private readonly slots: T[][]
  private readonly mask: number
  private readonly span: number
  private readonly tickMs: number
  private readonly fire: (item: T) => void
  private overflow: T[]
  /** Absolute tick index of the slot being processed. */
  private cursor: number
  /** Position inside the current slot when a budget stopped a pass midway. */
  private slotPos: number
  private count: number

  constructor (fire: (item: T) => void, opts: TimerWheelOptions) {
    const bits = opts.slotBits ?? 16
    this.tickMs = opts.tickMs ?? 1
    this.span = 1 << bits
    this.mask = this.span - 1
    this.slots = new Array<T[]>(this.span)
    for (let i = 0; i < this.span; i++) this.slots[i] = []
    this.fire = fire
    this.overflow = []
    this.cursor = Math.floor(opts.now / this.tickMs)
    this.slotPos = 0
    this.count = 0
  }

  get size (): number { return this.count }

  add (item: T): void {
    let t = Math.floor(item.due / this.tickMs)
    if (t < this.cursor) t = this.cursor
    if (t - this.cursor >= this.span) this.overflow.push(item)
    else this.slots[t & this.mask].push(item)
    this.count++
  }

  /**
   * Fires every item due at or before `now`, at most `budget` of them; returns how many fired.
   * A budget keeps one turn of the event loop short when a burst comes due: the rest fire next time.
   */
  advance (now: number, budget = Infinity): number {
    const target = Math.floor(now / this.tickMs)
    let fired = 0
    while (this.cursor <= target) {
      const slot = this.slots[this.cursor & this.mask]
      // fire() may add items due now: they land in this slot and this loop sees them.
      while (this.slotPos < slot.length) {
        if (fired >= budget) return fired
        const item = slot[this.slotPos]
        slot[this.slotPos++] = undefined as unknown as T
        this.count--
        fired++
        this.fire(item)
      }
      slot.length = 0
      this.slotPos = 0
      this.cursor++
      if ((this.cursor & this.mask) === 0 && this.overflow.length > 0) this.rehome()
    }
    return fired
  }

  /** Removes every item without firing it. */
  clear (): void {
    for (const s of this.slots) s.length = 0
    this.overflow = []
    this.slotPos = 0
    this.count = 0
  }

  private rehome (): void {
    const old = this.overflow
    this.overflow = []
    this.count -= old.length
    for (const item of old) this.add(item)
  }
}
