// Drives a SimCarrier without sockets: a recording link in place of an SMPP session and a manual
// clock, for the statistical tests (tens of thousands of messages in milliseconds). Behaviour over
// real TCP is tested in simulator.test.ts and faults.test.ts.

import { ConfigNode } from '../../src/config/node.js'
import { parseSimulatorConfig, SimCarrier, type SimLink } from '../../src/sim/index.js'
import type { DeliverSm, RequestPdu } from '../../src/smpp/index.js'

export class RecordingLink implements SimLink {
  readonly systemId: string
  readonly receives = true
  readonly peer = 'test'
  readonly delivered: DeliverSm[] = []
  readonly responses: Array<{ req: RequestPdu, status: number, body: Record<string, unknown> | null }> = []
  drops = 0
  constructor (systemId = 'sim') { this.systemId = systemId }
  canSend (): boolean { return true }
  deliver (pdu: DeliverSm): void { this.delivered.push(pdu) }
  respond (req: RequestPdu, status: number, body: Record<string, unknown> | null): void { this.responses.push({ req, status, body }) }
  drop (): void { this.drops++ }
}

export interface Engine {
  carrier: SimCarrier
  link: RecordingLink
  clock: { now: number }
  /** Advances the manual clock by `ms`, ticking every ms. */
  advance: (ms: number) => void
}

/** A carrier from the YAML of one carrier entry (indented under `carriers: - `). */
export function engine (carrierYaml: string, seed = 7): Engine {
  const yaml = `seed: ${seed}\ncarriers:\n  - name: sim\n    port: 0\n` + carrierYaml.split('\n').map((l) => (l === '' ? l : '    ' + l)).join('\n')
  const cfg = parseSimulatorConfig(ConfigNode.parse(yaml, 'engine.yaml'))
  const clock = { now: 1_700_000_000_000 }
  const carrier = new SimCarrier(cfg.carriers[0], { clock: () => clock.now, recent: 100 })
  const link = new RecordingLink()
  carrier.attach(link)
  return {
    carrier,
    link,
    clock,
    advance (ms: number) {
      for (let i = 0; i < ms; i++) {
        clock.now++
        carrier.tick(clock.now)
      }
    }
  }
}

/** The stat of a receipt (from its text). */
export function statOf (d: DeliverSm): string {
  return /stat:(\w+)/.exec(d.shortMessage.toString('latin1'))?.[1] ?? '?'
}

/** 4.5 standard deviations of a binomial count: a seeded run outside it means the mix is wrong. */
export function binomialTolerance (n: number, p: number): number {
  return 4.5 * Math.sqrt(n * p * (1 - p))
}
