// A customer played by node-smpp (the independent peer): binds, submits, and collects the
// deliver_sm it receives (answering each with deliver_sm_resp OK unless told otherwise).

import { createRequire } from 'node:module'

interface NodeSession {
  on: (ev: string, fn: (...a: any[]) => void) => void // eslint-disable-line @typescript-eslint/no-explicit-any
  send: (pdu: unknown) => void
  close: () => void
  destroy: () => void
  [cmd: string]: any // eslint-disable-line @typescript-eslint/no-explicit-any
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const smpp = createRequire(import.meta.url)('smpp') as any

export interface Received {
  esmClass: number
  sourceAddr: string
  destinationAddr: string
  text: string
  receiptedMessageId: string | null
  messageState: number | null
  /** Where a part of a concatenated message belongs (its UDH or SAR TLVs), else null. */
  part: { seq: number, total: number } | null
}

/** The seq/total of a concatenated part from node-smpp's decoded UDH elements or SAR fields. */
function partOf (pdu: any, sm: any): { seq: number, total: number } | null { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (pdu.sar_segment_seqnum !== undefined) return { seq: pdu.sar_segment_seqnum, total: pdu.sar_total_segments }
  for (const ie of (sm?.udh ?? []) as Buffer[]) {
    if (ie[0] === 0x00) return { seq: ie[4], total: ie[3] }
    if (ie[0] === 0x08) return { seq: ie[5], total: ie[4] }
  }
  return null
}

export class Customer {
  readonly received: Received[] = []
  /** Status to answer deliver_sm with (0 = OK). */
  answerStatus = 0
  private waiters: Array<() => void> = []

  private constructor (readonly session: NodeSession) {
    session.on('deliver_sm', (pdu: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const sm = pdu.short_message
      const text: string = typeof sm === 'string' ? sm : Buffer.isBuffer(sm) ? sm.toString('latin1') : (sm?.message ?? '')
      this.received.push({
        esmClass: pdu.esm_class,
        sourceAddr: pdu.source_addr,
        destinationAddr: pdu.destination_addr,
        text: String(text),
        receiptedMessageId: pdu.receipted_message_id ?? null,
        messageState: pdu.message_state ?? null,
        part: partOf(pdu, sm)
      })
      session.send(pdu.response({ command_status: this.answerStatus }))
      for (const w of this.waiters.splice(0)) w()
    })
    session.on('error', () => {})
  }

  static async bind (port: number, opts: { systemId?: string, password?: string, mode?: 'transceiver' | 'transmitter' | 'receiver' } = {}): Promise<Customer> {
    const session: NodeSession = await new Promise((resolve, reject) => {
      const s = smpp.connect({ url: `smpp://127.0.0.1:${port}`, auto_enquire_link_period: 0 }, () => resolve(s))
      s.on('error', reject)
    })
    const mode = opts.mode ?? 'transceiver'
    // Listening before the bind: a deliver_sm may arrive in the same TCP read as the bind_resp.
    const customer = new Customer(session)
    const status: number = await new Promise((resolve) => {
      session[`bind_${mode}`]({ system_id: opts.systemId ?? 'demo', password: opts.password ?? 'demopass' }, (pdu: { command_status: number }) => resolve(pdu.command_status))
    })
    if (status !== 0) { session.destroy(); throw new Error(`bind refused: 0x${status.toString(16)}`) }
    return customer
  }

  async submit (fields: Record<string, unknown>): Promise<{ status: number, id: string }> {
    return await new Promise((resolve) => {
      this.session.submit_sm({ source_addr: 'Instrada', source_addr_ton: 5, destination_addr: '393471234567', dest_addr_ton: 1, dest_addr_npi: 1, registered_delivery: 1, ...fields },
        (pdu: { command_status: number, message_id?: string }) => resolve({ status: pdu.command_status, id: pdu.message_id ?? '' }))
    })
  }

  async request (command: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    return await new Promise((resolve) => { this.session[command](fields, (pdu: Record<string, unknown>) => resolve(pdu)) })
  }

  /** Waits until `pred` holds for what was received, or the time runs out (then returns false). */
  async waitFor (pred: (r: Received[]) => boolean, ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms
    while (!pred(this.received)) {
      const left = deadline - Date.now()
      if (left <= 0) return false
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, Math.min(left, 50)); this.waiters.push(() => { clearTimeout(t); resolve() }) })
    }
    return true
  }

  receiptsFor (id: string): Received[] {
    return this.received.filter((r) => (r.esmClass & 0x04) !== 0 && (r.receiptedMessageId === id || r.text.includes(`id:${id} `)))
  }

  async close (): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => { this.session.destroy(); resolve() }, 1000)
      this.session.unbind(() => { clearTimeout(t); this.session.close(); resolve() })
    })
  }
}
