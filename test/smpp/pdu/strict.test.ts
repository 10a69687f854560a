// Strict decoding: each malformed input gives its documented command_status, echoes the header's
// command_id and sequence_number, and never throws. Plus the tolerances real peers need, and
// encode-side validation.

import t from 'tap'
import { PduEncodeError } from '../../../src/errors.js'
import {
  CommandId, CommandStatus as S, decodePdu, encodePdu, encodePduInto, encodedLength, PduFramer, statusName, type Pdu
} from '../../../src/smpp/pdu/index.js'
import { fixtures } from './fixtures.js'

const cs = (s: string): string => Buffer.from(s + '\0', 'latin1').toString('hex')
const u8 = (n: number): string => n.toString(16).padStart(2, '0')
const u16 = (n: number): string => n.toString(16).padStart(4, '0')
const u32 = (n: number): string => n.toString(16).padStart(8, '0')
const rep = (c: string, n: number): string => c.repeat(n)

/** A frame whose command_length matches its size. */
function frame (id: number, body: string, status = 0, seq = 0x42): Buffer {
  const b = Buffer.from(body, 'hex')
  return Buffer.concat([Buffer.from(u32(16 + b.length) + u32(id) + u32(status) + u32(seq), 'hex'), b])
}

const bind = (sys: string, pw: string, type = '', range = ''): string => cs(sys) + cs(pw) + cs(type) + '340000' + cs(range)
const smHead = (svc = '', src = 'src', dst = '123'): string => cs(svc) + '0101' + cs(src) + '0101' + cs(dst) + '000000'
const smBody = (opts: { svc?: string, src?: string, dst?: string, sched?: string, valid?: string, sm?: string, smLen?: number, tlvs?: string } = {}): string => {
  const sm = opts.sm ?? '6869'
  return smHead(opts.svc, opts.src, opts.dst) + cs(opts.sched ?? '') + cs(opts.valid ?? '') + '01000000' +
    u8(opts.smLen ?? sm.length / 2) + sm + (opts.tlvs ?? '')
}

interface Case { name: string, input: Buffer, status: number, id?: number }
const cases: Case[] = [
  { name: 'frame shorter than a header', input: Buffer.from('0000000c00000015', 'hex'), status: S.ESME_RINVCMDLEN, id: 0 },
  { name: 'command_length disagrees with the frame', input: Buffer.from('0000001400000015000000000000004200000000', 'hex').fill(0x11, 3, 4), status: S.ESME_RINVCMDLEN, id: 0x15 },
  { name: 'unknown command_id', input: frame(0x00000077, ''), status: S.ESME_RINVCMDID, id: 0x77 },
  { name: 'unknown response command_id', input: frame(0x80000111, ''), status: S.ESME_RINVCMDID, id: 0x80000111 },
  { name: 'enquire_link with a body', input: frame(CommandId.EnquireLink, '00'), status: S.ESME_RINVCMDLEN },
  { name: 'cancel_sm_resp with a body', input: frame(CommandId.CancelSmResp, '0000'), status: S.ESME_RINVCMDLEN },
  { name: 'cancel_sm with trailing octets', input: frame(CommandId.CancelSm, cs('') + cs('id') + '0101' + cs('a') + '0101' + cs('b') + 'ff'), status: S.ESME_RINVCMDLEN },
  { name: 'bind truncated before address_range', input: frame(CommandId.BindTransmitter, cs('demo') + cs('pw') + cs('') + '340000'), status: S.ESME_RINVCMDLEN },
  { name: 'bind truncated inside system_id', input: frame(CommandId.BindTransmitter, '64656d'), status: S.ESME_RINVCMDLEN },
  { name: 'system_id of 16 characters', input: frame(CommandId.BindTransmitter, bind('a'.repeat(16), 'pw')), status: S.ESME_RINVSYSID },
  { name: 'password of 9 characters', input: frame(CommandId.BindReceiver, bind('demo', 'p'.repeat(9))), status: S.ESME_RINVPASWD },
  { name: 'system_type of 13 characters', input: frame(CommandId.BindTransceiver, bind('demo', 'pw', 't'.repeat(13))), status: S.ESME_RINVSYSTYP },
  { name: 'address_range of 41 characters', input: frame(CommandId.BindTransceiver, bind('demo', 'pw', '', '9'.repeat(41))), status: S.ESME_RINVCMDLEN },
  { name: 'outbind password of 9 characters', input: frame(CommandId.Outbind, cs('sys') + cs('p'.repeat(9))), status: S.ESME_RINVPASWD },
  { name: 'service_type of 6 characters', input: frame(CommandId.SubmitSm, smBody({ svc: 'ABCDEF' })), status: S.ESME_RINVSERTYP },
  { name: 'source_addr of 21 characters', input: frame(CommandId.SubmitSm, smBody({ src: '1'.repeat(21) })), status: S.ESME_RINVSRCADR },
  { name: 'destination_addr of 21 characters', input: frame(CommandId.DeliverSm, smBody({ dst: '1'.repeat(21) })), status: S.ESME_RINVDSTADR },
  { name: 'schedule_delivery_time of 17 characters', input: frame(CommandId.SubmitSm, smBody({ sched: '0'.repeat(17) })), status: S.ESME_RINVSCHED },
  { name: 'validity_period of 17 characters', input: frame(CommandId.SubmitSm, smBody({ valid: '0'.repeat(17) })), status: S.ESME_RINVEXPIRY },
  { name: 'message_id of 65 characters (query_sm)', input: frame(CommandId.QuerySm, cs('x'.repeat(65)) + '0101' + cs('a')), status: S.ESME_RINVMSGID },
  { name: 'message_id of 65 characters (submit_sm_resp)', input: frame(CommandId.SubmitSmResp, cs('x'.repeat(65))), status: S.ESME_RINVMSGID },
  { name: 'data_sm source_addr of 65 characters', input: frame(CommandId.DataSm, cs('') + '0101' + cs('1'.repeat(65)) + '0101' + cs('1') + '000000'), status: S.ESME_RINVSRCADR },
  { name: 'sm_length past the end', input: frame(CommandId.SubmitSm, smBody({ sm: '6869', smLen: 3 })), status: S.ESME_RINVMSGLEN },
  { name: 'sm_length 255', input: frame(CommandId.SubmitSm, smBody({ sm: rep('41', 255), smLen: 255 })), status: S.ESME_RINVMSGLEN },
  { name: 'replace_sm sm_length past the end', input: frame(CommandId.ReplaceSm, cs('id') + '0101' + cs('a') + cs('') + cs('') + '0100' + '05' + '6869'), status: S.ESME_RINVMSGLEN },
  { name: 'submit_sm truncated before sm_length', input: frame(CommandId.SubmitSm, smHead() + cs('') + cs('') + '01000000'), status: S.ESME_RINVCMDLEN },
  { name: 'TLV header cut short', input: frame(CommandId.SubmitSm, smBody({ tlvs: '0204' })), status: S.ESME_RINVOPTPARSTREAM },
  { name: 'TLV length past the end', input: frame(CommandId.SubmitSm, smBody({ tlvs: '04240010' + '0102' })), status: S.ESME_RINVOPTPARSTREAM },
  { name: 'vendor TLV length past the end', input: frame(CommandId.DeliverSm, smBody({ tlvs: '14000003' + '01' })), status: S.ESME_RINVOPTPARSTREAM },
  { name: '1-octet TLV with length 2', input: frame(CommandId.SubmitSm, smBody({ tlvs: '020e00020001' })), status: S.ESME_RINVPARLEN },
  { name: '2-octet TLV with length 1', input: frame(CommandId.SubmitSm, smBody({ tlvs: '020c000101' })), status: S.ESME_RINVPARLEN },
  { name: '4-octet TLV with length 2', input: frame(CommandId.DataSm, cs('') + '0101' + cs('a') + '0101' + cs('b') + '000000' + '001700020001'), status: S.ESME_RINVPARLEN },
  { name: 'network_error_code of 2 octets', input: frame(CommandId.DeliverSm, smBody({ tlvs: '042300020300' })), status: S.ESME_RINVPARLEN },
  { name: 'receipted_message_id of 66 octets', input: frame(CommandId.DeliverSm, smBody({ tlvs: '001e0042' + rep('31', 65) + '00' })), status: S.ESME_RINVPARLEN },
  { name: 'TLV on bind_transmitter (no TLVs allowed)', input: frame(CommandId.BindTransmitter, bind('demo', 'pw') + '021000010134'), status: S.ESME_RINVCMDLEN },
  { name: 'submit_multi with number_of_dests 0', input: frame(CommandId.SubmitMulti, cs('') + '0101' + cs('a') + '00'), status: S.ESME_RINVNUMDESTS },
  { name: 'submit_multi with number_of_dests 255', input: frame(CommandId.SubmitMulti, cs('') + '0101' + cs('a') + 'ff'), status: S.ESME_RINVNUMDESTS },
  { name: 'submit_multi with dest_flag 3', input: frame(CommandId.SubmitMulti, cs('') + '0101' + cs('a') + '01' + '03' + '0101' + cs('1')), status: S.ESME_RINVDESTFLAG },
  { name: 'submit_multi dl_name of 21 characters', input: frame(CommandId.SubmitMulti, cs('') + '0101' + cs('a') + '01' + '02' + cs('n'.repeat(21))), status: S.ESME_RINVDLNAME },
  { name: 'submit_multi_resp list truncated', input: frame(CommandId.SubmitMultiResp, cs('m') + '02' + '0101' + cs('1') + '00000001'), status: S.ESME_RINVCMDLEN },
  { name: 'query_sm_resp (status 0) without a body', input: frame(CommandId.QuerySmResp, ''), status: S.ESME_RINVCMDLEN },
  { name: 'alert_notification esme_addr of 65 characters', input: frame(CommandId.AlertNotification, '0101' + cs('1') + '0101' + cs('2'.repeat(65))), status: S.ESME_RINVDSTADR }
]

t.test('strict decoding table', async t => {
  for (const c of cases) {
    let r
    try {
      r = decodePdu(c.input)
    } catch (err) {
      t.fail(`${c.name}: threw ${String(err)}`)
      continue
    }
    if (r.ok) {
      t.fail(`${c.name}: decoded`)
      continue
    }
    t.equal(statusName(r.status), statusName(c.status), `${c.name} → ${statusName(c.status)} (${r.reason})`)
    t.equal(r.commandId, c.id ?? c.input.readUInt32BE(4), `${c.name}: echoes command_id`)
    if (c.input.length >= 16) t.equal(r.sequenceNumber, c.input.readUInt32BE(12), `${c.name}: echoes sequence_number`)
    t.type(r.reason, 'string')
  }
})

t.test('framer: command_length < 16 or > max is fatal, detected from 4 bytes', async t => {
  for (const len of [0, 8, 15, 4097, 0xffffffff]) {
    const f = new PduFramer(4096)
    f.push(Buffer.from(u32(len), 'hex'))
    const r = f.next()
    t.ok(r !== null && !Buffer.isBuffer(r), `command_length ${len} → FrameError`)
    t.equal((r as any).commandLength, len)
    t.equal(f.buffered, 4, 'only the 4 length bytes were held')
  }
})

t.test('tolerated: what real peers send', async t => {
  const ok = (name: string, input: Buffer, check: (p: any) => void): void => {
    const r = decodePdu(input)
    if (!r.ok) { t.fail(`${name}: ${statusName(r.status)} ${r.reason}`); return }
    check(r.pdu)
  }
  ok('submit_sm_resp error without a body', frame(CommandId.SubmitSmResp, '', S.ESME_RTHROTTLED), p => t.equal(p.messageId, ''))
  ok('bind_transmitter_resp error without a body', frame(CommandId.BindTransmitterResp, '', S.ESME_RINVPASWD), p => t.strictSame([p.systemId, p.tlvs], ['', null]))
  ok('bind_receiver_resp error without a body', frame(CommandId.BindReceiverResp, '', S.ESME_RBINDFAIL), p => t.equal(p.systemId, ''))
  ok('query_sm_resp error without a body', frame(CommandId.QuerySmResp, '', S.ESME_RQUERYFAIL), p => t.strictSame([p.messageId, p.finalDate, p.messageState, p.errorCode], ['', '', 0, 0]))
  ok('submit_multi_resp error without a body', frame(CommandId.SubmitMultiResp, '', S.ESME_RSUBMITFAIL), p => t.strictSame([p.messageId, p.unsuccess], ['', []]))
  ok('data_sm_resp error without a body', frame(CommandId.DataSmResp, '', S.ESME_RSYSERR), p => t.strictSame([p.messageId, p.tlvs], ['', null]))
  ok('deliver_sm_resp without a body', frame(CommandId.DeliverSmResp, ''), p => t.equal(p.messageId, ''))
  ok('submit_sm_resp error with a body', frame(CommandId.SubmitSmResp, cs(''), S.ESME_RTHROTTLED), p => t.equal(p.messageId, ''))
  ok('submit_sm_resp missing the trailing NUL', frame(CommandId.SubmitSmResp, '616263'), p => t.equal(p.messageId, 'abc'))
  ok('bind_transceiver_resp missing the trailing NUL', frame(CommandId.BindTransceiverResp, '736d7363'), p => t.equal(p.systemId, 'smsc'))
  ok('submit_multi_resp without no_unsuccess', frame(CommandId.SubmitMultiResp, cs('m1')), p => t.strictSame(p.unsuccess, []))
  ok('interface_version 0x33', frame(CommandId.BindTransmitter, cs('demo') + cs('demopass') + cs('VMA') + '330000' + cs('')), p => t.equal(p.interfaceVersion, 0x33))
  ok('Kannel system_type VMA', frame(CommandId.BindTransceiver, bind('demo', 'demopass', 'VMA')), p => t.equal(p.systemType, 'VMA'))
  ok('esm_class 0x03 and registered_delivery 0x11', frame(CommandId.SubmitSm, smHead().slice(0, -6) + '030000' + cs('') + cs('') + '11000000' + '00'), p => t.strictSame([p.esmClass, p.registeredDelivery], [3, 0x11]))
  ok('receipted_message_id without its NUL', frame(CommandId.DeliverSm, smBody({ tlvs: '001e0003616263' })), p => t.equal(p.tlvs.receiptedMessageId, 'abc'))
  ok('a known TLV repeated keeps the repeat raw', frame(CommandId.SubmitSm, smBody({ tlvs: '020c00020001' + '020c00020002' })), p => t.strictSame(p.tlvs, { sarMsgRefNum: 1, unknown: [{ tag: 0x020c, value: Buffer.from('0002', 'hex') }] }))
  ok('latin1 strings', frame(CommandId.SubmitSm, smBody({ src: 'Caffè' })), p => t.equal(p.sourceAddr, 'Caffè'))
  ok('max-length fields', frame(CommandId.BindTransmitter, bind('a'.repeat(15), 'p'.repeat(8), 't'.repeat(12), 'r'.repeat(40))), p => t.equal(p.systemId.length, 15))
})

t.test('encoding validates and names the field', async t => {
  const base = fixtures.find(f => f.name === 'submit_sm')!.pdu as any
  const bindPdu = fixtures.find(f => f.name === 'bind_transmitter')!.pdu as any
  const fieldOf = (fn: () => unknown): string => {
    try {
      fn()
    } catch (err) {
      return err instanceof PduEncodeError ? err.field : `not a PduEncodeError: ${String(err)}`
    }
    return 'did not throw'
  }
  const bad = (name: string, pdu: any, field: string): void => {
    t.equal(fieldOf(() => encodePdu(pdu as Pdu)), field, `${name} → PduEncodeError(${field})`)
    t.equal(fieldOf(() => encodedLength(pdu as Pdu)), field, `${name}: encodedLength throws too`)
  }
  bad('system_id of 16', { ...bindPdu, systemId: 'x'.repeat(16) }, 'systemId')
  bad('password of 9', { ...bindPdu, password: 'x'.repeat(9) }, 'password')
  bad('short_message of 255', { ...base, shortMessage: Buffer.alloc(255) }, 'shortMessage')
  bad('short_message not a Buffer', { ...base, shortMessage: 'hi' }, 'shortMessage')
  bad('source_addr of 21', { ...base, sourceAddr: '1'.repeat(21) }, 'sourceAddr')
  bad('missing string', { ...base, serviceType: undefined }, 'serviceType')
  bad('unknown TLV name', { ...base, tlvs: { bogus: 1 } }, 'tlvs.bogus')
  bad('network_error_code of 2', { ...base, tlvs: { networkErrorCode: Buffer.alloc(2) } }, 'tlvs.networkErrorCode')
  bad('receipted_message_id of 65', { ...base, tlvs: { receiptedMessageId: 'x'.repeat(65) } }, 'tlvs.receiptedMessageId')
  bad('vendor TLV value not a Buffer', { ...base, tlvs: { unknown: [{ tag: 0x1400, value: 'x' }] } }, 'tlvs.unknown')
  bad('unknown command id', { ...base, commandId: 0x77 }, 'commandId')
  bad('empty destinations', { ...fixtures.find(f => f.name === 'submit_multi')!.pdu, destinations: [] }, 'destinations')
  const write = (name: string, pdu: any, field: string): void => {
    t.equal(fieldOf(() => encodePdu(pdu as Pdu)), field, `${name} → PduEncodeError(${field})`)
  }
  write('esm_class 256', { ...base, esmClass: 256 }, 'esmClass')
  write('data_coding -1', { ...base, dataCoding: -1 }, 'dataCoding')
  write('data_coding 1.5', { ...base, dataCoding: 1.5 }, 'dataCoding')
  write('sequence_number 2^32', { ...base, sequenceNumber: 2 ** 32 }, 'sequenceNumber')
  write('character beyond latin1', { ...base, sourceAddr: 'Ω' }, 'sourceAddr')
  write('NUL inside a C-string', { ...base, sourceAddr: 'a\0b' }, 'sourceAddr')
  write('sar_msg_ref_num 65536', { ...base, tlvs: { sarMsgRefNum: 65536 } }, 'tlvs.sarMsgRefNum')
  write('message_state 300', { ...base, tlvs: { messageState: 300 } }, 'tlvs.messageState')
  t.equal(fieldOf(() => encodePduInto(base, Buffer.alloc(10), 0)), 'target', 'target too small')
  t.equal(new PduEncodeError('x', 'y').code, 'INS_ERR_PDU_ENCODE')
})
