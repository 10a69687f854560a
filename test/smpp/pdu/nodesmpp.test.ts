// Round trips against node-smpp (the `smpp` package, 0.5.1) in both directions, for every fixture
// node-smpp can represent, plus its documented quirks.

import t from 'tap'
import { createRequire } from 'node:module'
import { CommandId, decodePdu, encodePdu, type Pdu } from '../../../src/smpp/pdu/index.js'
import { fixtures } from './fixtures.js'

// node-smpp has no type declarations: a minimal shape for what the tests use.
interface NodePdu { command: string, command_id: number, command_status: number, sequence_number: number, toBuffer (): Buffer, [k: string]: any }
// Loaded through require: node-smpp is CommonJS and ships no type declarations.
const { PDU } = createRequire(import.meta.url)('smpp') as { PDU: { new (command: string, options: Record<string, unknown>): NodePdu, fromBuffer (b: Buffer): NodePdu | false } }

const NODE_NAME = new Map<number, string>([
  [CommandId.BindTransmitter, 'bind_transmitter'], [CommandId.BindTransmitterResp, 'bind_transmitter_resp'],
  [CommandId.BindReceiver, 'bind_receiver'], [CommandId.BindReceiverResp, 'bind_receiver_resp'],
  [CommandId.BindTransceiver, 'bind_transceiver'], [CommandId.BindTransceiverResp, 'bind_transceiver_resp'],
  [CommandId.Outbind, 'outbind'], [CommandId.Unbind, 'unbind'], [CommandId.UnbindResp, 'unbind_resp'],
  [CommandId.EnquireLink, 'enquire_link'], [CommandId.EnquireLinkResp, 'enquire_link_resp'],
  [CommandId.GenericNack, 'generic_nack'], [CommandId.SubmitSm, 'submit_sm'], [CommandId.SubmitSmResp, 'submit_sm_resp'],
  [CommandId.DeliverSm, 'deliver_sm'], [CommandId.DeliverSmResp, 'deliver_sm_resp'], [CommandId.DataSm, 'data_sm'],
  [CommandId.DataSmResp, 'data_sm_resp'], [CommandId.SubmitMulti, 'submit_multi'], [CommandId.SubmitMultiResp, 'submit_multi_resp'],
  [CommandId.QuerySm, 'query_sm'], [CommandId.QuerySmResp, 'query_sm_resp'], [CommandId.CancelSm, 'cancel_sm'],
  [CommandId.CancelSmResp, 'cancel_sm_resp'], [CommandId.ReplaceSm, 'replace_sm'], [CommandId.ReplaceSmResp, 'replace_sm_resp'],
  [CommandId.AlertNotification, 'alert_notification']
])

const snake = (k: string): string => k === 'destinationPort' ? 'dest_port' : k.replace(/[A-Z]/g, c => '_' + c.toLowerCase())

/** Our PDU as node-smpp's field bag (what its constructor takes and what fromBuffer yields). */
function toNode (p: Pdu): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(p)) {
    if (k === 'commandId') continue
    if (k === 'tlvs') {
      if (v !== null) for (const [tk, tv] of Object.entries(v as object)) if (tk !== 'unknown') o[snake(tk)] = tv
    } else if (k === 'destinations') {
      o.dest_address = (v as any[]).map(d => d.kind === 'sme' ? { dest_addr_ton: d.ton, dest_addr_npi: d.npi, destination_addr: d.addr } : { dl_name: d.name })
    } else if (k === 'unsuccess') {
      o.unsuccess_sme = (v as any[]).map(u => ({ dest_addr_ton: u.ton, dest_addr_npi: u.npi, destination_addr: u.addr, error_status_code: u.errorStatusCode }))
    } else {
      o[snake(k)] = v
    }
  }
  return o
}

/** node-smpp's decoded PDU reduced to the fields of `expected`, with its message filter undone. */
function pick (n: NodePdu, expected: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const k of Object.keys(expected)) {
    let v = n[k]
    if ((k === 'short_message' || k === 'message_payload') && v !== undefined && !Buffer.isBuffer(v)) v = v.message
    o[k] = v
  }
  return o
}

for (const f of fixtures.filter(f => f.node)) {
  const name = NODE_NAME.get(f.pdu.commandId)!
  t.test(`${f.name}: ours → node-smpp`, async t => {
    const decoded = PDU.fromBuffer(encodePdu(f.pdu))
    if (decoded === false) return t.fail('node-smpp could not frame it')
    t.equal(decoded.command, name)
    const expected = toNode(f.pdu)
    if (f.pdu.commandStatus !== 0 && f.hex.length === 32) {
      // A body-less error response: node-smpp leaves the body fields undefined where we give ''.
      t.equal(decoded.command_status, f.pdu.commandStatus)
      t.equal(decoded.sequence_number, f.pdu.sequenceNumber)
      for (const k of Object.keys(expected)) if (k !== 'command_status' && k !== 'sequence_number') t.equal(decoded[k], undefined, `${k} unset`)
      return
    }
    t.strictSame(pick(decoded, expected), expected, 'node-smpp decodes the same fields')
  })
  t.test(`${f.name}: node-smpp → ours`, async t => {
    const bytes = new PDU(name, toNode(f.pdu)).toBuffer()
    const r = decodePdu(bytes)
    if (!r.ok) return t.fail(r.reason)
    t.strictSame(r.pdu, f.pdu, 'we decode the same fields')
    t.equal(bytes.toString('hex'), f.hex, 'node-smpp writes our golden bytes')
  })
}

t.test('quirk: node-smpp drops vendor TLVs when it encodes (it keeps them, by number, when it decodes)', async t => {
  const f = fixtures.find(f => f.name.startsWith('submit_sm with UDH'))!
  const decoded = PDU.fromBuffer(encodePdu(f.pdu)) as NodePdu
  t.same(decoded['5121'], Buffer.from('0102ff', 'hex'), 'decoded under the numeric tag')
  t.same(decoded['8528'], Buffer.alloc(0), 'a zero-length vendor TLV too')
  const bytes = new PDU('submit_sm', { source_addr: 'x', destination_addr: '1', data_coding: 4, short_message: Buffer.from('ab'), 5121: Buffer.from('0102ff', 'hex'), sar_msg_ref_num: 10 }).toBuffer()
  const r = decodePdu(bytes)
  if (!r.ok) return t.fail(r.reason)
  t.same((r.pdu as any).tlvs, { sarMsgRefNum: 10 }, 'the vendor TLV given to node-smpp never reaches the wire')
})

t.test('quirk: node-smpp cannot re-encode a UDH message it decoded itself', async t => {
  const f = fixtures.find(f => f.name.startsWith('submit_sm with UDH'))!
  const decoded = PDU.fromBuffer(encodePdu(f.pdu)) as NodePdu
  t.ok(Array.isArray(decoded.short_message.udh), 'its decoder splits the UDH into an array of IEs')
  t.throws(() => decoded.toBuffer(), 'and its encoder then throws on that array')
})

t.test('quirk: node-smpp labels GSM-7 text as IA5 (data_coding 0x01) and writes unpacked GSM bytes', async t => {
  const bytes = new PDU('submit_sm', { source_addr: 'x', destination_addr: '1', short_message: 'hi@' }).toBuffer()
  const r = decodePdu(bytes)
  if (!r.ok) return t.fail(r.reason)
  const p = r.pdu as any
  t.equal(p.dataCoding, 0x01, 'data_coding says IA5')
  t.equal(p.shortMessage.toString('hex'), '686900', "but '@' is GSM 0x00, not IA5 0x40")
})

t.test('quirk: node-smpp writes every error response header-only; we keep TLVs on data_sm_resp', async t => {
  const bytes = new PDU('data_sm_resp', { command_status: 0xfe, sequence_number: 1, message_id: 'x', delivery_failure_reason: 1 }).toBuffer()
  t.equal(bytes.length, 16)
  const r = decodePdu(bytes)
  t.ok(r.ok, 'the body-less error response still decodes')
  t.strictSame(r.ok && r.pdu, { commandId: CommandId.DataSmResp, commandStatus: 0xfe, sequenceNumber: 1, messageId: '', tlvs: null })
})

t.test('quirk: node-smpp turns time fields into Dates and re-encodes them differently', async t => {
  const f = fixtures.find(f => f.name === 'replace_sm')!
  const decoded = PDU.fromBuffer(encodePdu(f.pdu)) as NodePdu
  t.type(decoded.validity_period, Date, 'a relative validity_period comes back as a Date')
  const r = decodePdu(decoded.toBuffer())
  if (!r.ok) return t.fail(r.reason)
  t.not((r.pdu as any).validityPeriod, '000001000000000R', 'and is written back as an absolute time')
})

t.test('quirk: node-smpp reads source_telematics_id as 2 octets; we accept both', async t => {
  const bytes = new PDU('data_sm', { source_addr: 'a', destination_addr: 'b', data_coding: 0, source_telematics_id: 7 }).toBuffer()
  const r = decodePdu(bytes)
  if (!r.ok) return t.fail(r.reason)
  t.equal((r.pdu as any).tlvs.sourceTelematicsId, 7)
})
