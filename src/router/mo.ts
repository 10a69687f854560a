// Mobile-originated traffic from carriers to customers. A dedicated number (a numeric sender
// listed by exactly one account) belongs to that account: MO sent to it goes to the account's
// receiver binds through the same durable outbox as receipts. A number several accounts list
// is shared and needs the keyword rules of the seed documents, which are not built yet: such MO
// is acknowledged to the carrier and counted as unrouted.

import type { InstradaConfig } from '../config/instrada.js'
import { CommandId, type DataSm, type DeliverSm } from '../smpp/pdu/types.js'

/** Number (international digits) → the one account that owns it. */
export function dedicatedNumbers (config: InstradaConfig): Map<string, string> {
  const owners = new Map<string, Set<string>>()
  for (const a of config.accounts) {
    for (const s of a.rules.senders ?? []) {
      if (s.kind !== 'numeric') continue
      let set = owners.get(s.addr)
      if (set === undefined) { set = new Set(); owners.set(s.addr, set) }
      set.add(a.id)
    }
  }
  const out = new Map<string, string>()
  for (const [addr, set] of owners) if (set.size === 1) out.set(addr, [...set][0])
  return out
}

/** The MO as the customer receives it: a deliver_sm with the handset's text, bytes copied. */
export function customerMo (pdu: DeliverSm | DataSm): DeliverSm {
  const isData = pdu.commandId === CommandId.DataSm
  const payload = pdu.tlvs?.messagePayload
  return {
    commandId: CommandId.DeliverSm,
    commandStatus: 0,
    sequenceNumber: 0,
    serviceType: pdu.serviceType,
    sourceAddrTon: pdu.sourceAddrTon,
    sourceAddrNpi: pdu.sourceAddrNpi,
    sourceAddr: pdu.sourceAddr,
    destAddrTon: pdu.destAddrTon,
    destAddrNpi: pdu.destAddrNpi,
    destinationAddr: pdu.destinationAddr,
    // Only the UDH indicator travels on: the carrier's other esm_class bits describe its link.
    esmClass: pdu.esmClass & 0x40,
    protocolId: isData ? 0 : (pdu as DeliverSm).protocolId,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding: pdu.dataCoding,
    smDefaultMsgId: 0,
    // Copied: the decoded Buffer is a view of the carrier's socket read.
    shortMessage: isData ? Buffer.alloc(0) : Buffer.from((pdu as DeliverSm).shortMessage),
    tlvs: payload !== undefined ? { messagePayload: Buffer.from(payload) } : null
  }
}

/** International digits of an address as carriers send it ('+39…', '0039…' or '39…'). */
export function digitsOf (addr: string): string {
  return addr.replace(/^\+/, '').replace(/^00/, '')
}
