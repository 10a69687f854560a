// Concatenation reference numbers. A phone reassembles parts keyed by (originator, reference), so
// two long messages in flight to the same number must not share a reference. Scheme: one 16-bit
// counter per destination, stepped by one per long message, so the same destination sees 65,536
// (udh16/SAR) or 256 (udh8, the low byte) distinct references before any repeats; a phone
// gives up on an incomplete message long before 256 more long messages reach it.
// The table is bounded: when it is full the least recently used destination is forgotten, and a
// destination seen again starts from a global counter that has moved on by then, not from 0, so a
// forgotten-and-recalled destination does not restart at the reference it used last.
// State is an explicit object (no globals) so the router owns it and tests drive it.

export interface RefState {
  readonly max: number
  /** destination → next reference; Map iteration order doubles as the LRU order. */
  readonly next: Map<string, number>
  /** Seed for destinations not in the table; advances by a large odd step per new entry. */
  seed: number
}

export function createRefState (maxDestinations = 100_000, seed = 0): RefState {
  return { max: maxDestinations, next: new Map(), seed: seed & 0xffff }
}

/** A fresh 16-bit reference for a long message to `destination` (use the low byte for udh8). */
export function nextRef (state: RefState, destination: string): number {
  const map = state.next
  let ref = map.get(destination)
  if (ref === undefined) {
    // 40503 is odd, so the seed visits all 65,536 values before repeating, far apart each step.
    ref = state.seed
    state.seed = (state.seed + 40503) & 0xffff
    if (map.size >= state.max) {
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
  } else {
    map.delete(destination) // re-insert to mark as most recently used
  }
  map.set(destination, (ref + 1) & 0xffff)
  return ref
}
