// Codec benchmark: encode + decode per second for submit_sm, submit_sm_resp and deliver_sm (a
// receipt), Instrada's codec next to node-smpp's PDU class in the same run. Bounded: about
// BENCH_SECONDS (default 10) in all. Run: npm run build && node dist/bench/codec.js [--json]

import { createRequire } from 'node:module'
import os from 'node:os'
import { pathToFileURL } from 'node:url'
import { CommandId, decodePdu, encodePdu, type Pdu } from '../src/smpp/pdu/index.js'

interface NodePdu { toBuffer (): Buffer }
const { PDU } = createRequire(import.meta.url)('smpp') as {
  PDU: { new (command: string, options: Record<string, unknown>): NodePdu, fromBuffer (b: Buffer): unknown }
}

const receipt = Buffer.from('id:0123456789abcdef sub:001 dlvrd:001 submit date:2611231600 done date:2611231601 stat:DELIVRD err:000 text:Hello from Instrada', 'latin1')

interface Scenario { name: string, ours: Pdu, node: [string, Record<string, unknown>] }
const scenarios: Scenario[] = [
  {
    name: 'submit_sm',
    ours: {
      commandId: CommandId.SubmitSm, commandStatus: 0, sequenceNumber: 1, serviceType: '', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Instrada',
      destAddrTon: 1, destAddrNpi: 1, destinationAddr: '393401234567', esmClass: 0, protocolId: 0, priorityFlag: 0, scheduleDeliveryTime: '',
      validityPeriod: '', registeredDelivery: 1, replaceIfPresentFlag: 0, dataCoding: 0, smDefaultMsgId: 0,
      shortMessage: Buffer.from('Your verification code is 123456. It expires in 10 minutes.'), tlvs: null
    },
    node: ['submit_sm', {
      sequence_number: 1, source_addr_ton: 5, source_addr: 'Instrada', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '393401234567',
      registered_delivery: 1, data_coding: 0, short_message: 'Your verification code is 123456. It expires in 10 minutes.'
    }]
  },
  {
    name: 'submit_sm_resp',
    ours: { commandId: CommandId.SubmitSmResp, commandStatus: 0, sequenceNumber: 1, messageId: '0123456789abcdef' },
    node: ['submit_sm_resp', { sequence_number: 1, message_id: '0123456789abcdef' }]
  },
  {
    name: 'deliver_sm (receipt)',
    ours: {
      commandId: CommandId.DeliverSm, commandStatus: 0, sequenceNumber: 1, serviceType: '', sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '393401234567',
      destAddrTon: 5, destAddrNpi: 0, destinationAddr: 'Instrada', esmClass: 0x04, protocolId: 0, priorityFlag: 0, scheduleDeliveryTime: '',
      validityPeriod: '', registeredDelivery: 0, replaceIfPresentFlag: 0, dataCoding: 0, smDefaultMsgId: 0, shortMessage: receipt,
      tlvs: { receiptedMessageId: '0123456789abcdef', messageState: 2 }
    },
    node: ['deliver_sm', {
      sequence_number: 1, source_addr_ton: 1, source_addr_npi: 1, source_addr: '393401234567', dest_addr_ton: 5, destination_addr: 'Instrada',
      esm_class: 0x04, data_coding: 0, short_message: receipt.toString('latin1'), receipted_message_id: '0123456789abcdef', message_state: 2
    }]
  }
]

/** Runs fn in batches until `ms` elapse; returns operations per second. */
function measure (ms: number, fn: (n: number) => void): number {
  fn(2000) // warm-up
  let ops = 0
  const start = process.hrtime.bigint()
  const end = start + BigInt(Math.round(ms * 1e6))
  let now = start
  while (now < end) {
    fn(1000)
    ops += 1000
    now = process.hrtime.bigint()
  }
  return ops / (Number(now - start) / 1e9)
}

let sink = 0

function ours (p: Pdu) {
  return (n: number): void => {
    for (let i = 0; i < n; i++) {
      const r = decodePdu(encodePdu(p))
      if (r.ok) sink += r.pdu.sequenceNumber
    }
  }
}

function nodeSmpp ([command, options]: [string, Record<string, unknown>]) {
  return (n: number): void => {
    for (let i = 0; i < n; i++) {
      const b = new PDU(command, { ...options }).toBuffer()
      if (PDU.fromBuffer(b) !== false) sink += b.length
    }
  }
}

export interface CodecResult { scenario: string, oursOpsPerSec: number, nodeSmppOpsPerSec: number, ratio: number }

export function runCodecBench (totalSeconds = Number(process.env.BENCH_SECONDS ?? 10)): CodecResult[] {
  const slice = (totalSeconds * 1000) / (scenarios.length * 2)
  const results: CodecResult[] = []
  for (const s of scenarios) {
    // Interleaved in one run so a noisy machine affects both sides alike.
    const a = measure(slice / 2, ours(s.ours))
    const b = measure(slice / 2, nodeSmpp(s.node))
    const a2 = measure(slice / 2, ours(s.ours))
    const b2 = measure(slice / 2, nodeSmpp(s.node))
    const o = (a + a2) / 2
    const n = (b + b2) / 2
    results.push({ scenario: s.name, oursOpsPerSec: Math.round(o), nodeSmppOpsPerSec: Math.round(n), ratio: Math.round((o / n) * 10) / 10 })
  }
  return results
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = runCodecBench()
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ bench: 'codec', node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, results }, null, 2))
  } else {
    console.log(`codec encode+decode per second (Node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'})`)
    console.log('scenario               instrada ops/s   node-smpp ops/s   ratio')
    for (const r of results) {
      console.log(`${r.scenario.padEnd(22)} ${String(r.oursOpsPerSec).padStart(15)} ${String(r.nodeSmppOpsPerSec).padStart(17)} ${(r.ratio + '×').padStart(7)}`)
    }
  }
  if (sink === -1) console.log(sink)
}
