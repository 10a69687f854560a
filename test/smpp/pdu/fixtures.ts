// One typed object per PDU with its golden wire bytes. Shared by the golden, node-smpp and fuzz tests.
// `node: false` marks fixtures that node-smpp cannot reproduce (see docs/smpp-codec.md, quirks).

import { CommandId, CommandStatus, type Pdu } from '../../../src/smpp/pdu/index.js'

export interface Fixture {
  name: string
  pdu: Pdu
  hex: string
  /** node-smpp can decode and re-encode it to the same fields. */
  node: boolean
}

const B = (s: string, enc: BufferEncoding = 'latin1'): Buffer => Buffer.from(s, enc)

const smBase = {
  commandStatus: 0,
  serviceType: '',
  sourceAddrTon: 5,
  sourceAddrNpi: 0,
  sourceAddr: 'Instrada',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr: '393401234567',
  esmClass: 0,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 1,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0
}

const receiptText = 'id:1a2b3c sub:001 dlvrd:001 submit date:2611231600 done date:2611231601 stat:DELIVRD err:000 text:hello'

export const fixtures: Fixture[] = [
  {
    name: 'bind_transmitter',
    node: true,
    pdu: { commandId: CommandId.BindTransmitter, commandStatus: 0, sequenceNumber: 1, systemId: 'demo', password: 'demopass', systemType: 'VMA', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' },
    hex: '0000002600000002000000000000000164656d6f0064656d6f7061737300564d410034000000'
  },
  {
    name: 'bind_receiver',
    node: true,
    pdu: { commandId: CommandId.BindReceiver, commandStatus: 0, sequenceNumber: 2, systemId: 'demo', password: 'demopass', systemType: '', interfaceVersion: 0x33, addrTon: 1, addrNpi: 1, addressRange: '^39' },
    hex: '0000002600000001000000000000000264656d6f0064656d6f7061737300003301015e333900'
  },
  {
    name: 'bind_transceiver',
    node: true,
    pdu: { commandId: CommandId.BindTransceiver, commandStatus: 0, sequenceNumber: 3, systemId: 'smppclient1', password: 'secret', systemType: 'SMPP', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' },
    hex: '0000002c000000090000000000000003736d7070636c69656e74310073656372657400534d50500034000000'
  },
  {
    name: 'bind_transmitter_resp',
    node: true,
    pdu: { commandId: CommandId.BindTransmitterResp, commandStatus: 0, sequenceNumber: 1, systemId: 'instrada', tlvs: { scInterfaceVersion: 0x34 } },
    hex: '0000001e800000020000000000000001696e737472616461000210000134'
  },
  {
    name: 'bind_receiver_resp',
    node: true,
    pdu: { commandId: CommandId.BindReceiverResp, commandStatus: 0, sequenceNumber: 2, systemId: 'instrada', tlvs: null },
    hex: '00000019800000010000000000000002696e73747261646100'
  },
  {
    name: 'bind_transceiver_resp (error, header only)',
    node: true,
    pdu: { commandId: CommandId.BindTransceiverResp, commandStatus: CommandStatus.ESME_RINVPASWD, sequenceNumber: 3, systemId: '', tlvs: null },
    hex: '00000010800000090000000e00000003'
  },
  {
    name: 'outbind',
    node: true,
    pdu: { commandId: CommandId.Outbind, commandStatus: 0, sequenceNumber: 9, systemId: 'instrada', password: 'pw' },
    hex: '0000001c0000000b0000000000000009696e73747261646100707700'
  },
  { name: 'unbind', node: true, pdu: { commandId: CommandId.Unbind, commandStatus: 0, sequenceNumber: 10 }, hex: '0000001000000006000000000000000a' },
  { name: 'unbind_resp', node: true, pdu: { commandId: CommandId.UnbindResp, commandStatus: 0, sequenceNumber: 10 }, hex: '0000001080000006000000000000000a' },
  { name: 'enquire_link', node: true, pdu: { commandId: CommandId.EnquireLink, commandStatus: 0, sequenceNumber: 0x7fffffff }, hex: '0000001000000015000000007fffffff' },
  { name: 'enquire_link_resp', node: true, pdu: { commandId: CommandId.EnquireLinkResp, commandStatus: 0, sequenceNumber: 0x7fffffff }, hex: '0000001080000015000000007fffffff' },
  { name: 'generic_nack', node: true, pdu: { commandId: CommandId.GenericNack, commandStatus: CommandStatus.ESME_RINVCMDID, sequenceNumber: 11 }, hex: '0000001080000000000000030000000b' },
  {
    name: 'submit_sm',
    node: true,
    pdu: { ...smBase, commandId: CommandId.SubmitSm, sequenceNumber: 12, dataCoding: 4, shortMessage: B('hello world'), tlvs: { userMessageReference: 0x1234, sourcePort: 2948, destinationPort: 9200 } },
    hex: '0000005200000004000000000000000c000500496e737472616461000101333933343031323334353637000000000000010004000b68656c6c6f20776f726c64020400021234020a00020b84020b000223f0'
  },
  {
    name: 'submit_sm with UDH, latin1 text and vendor TLVs',
    node: false, // node-smpp drops the vendor TLV when it encodes
    pdu: { ...smBase, commandId: CommandId.SubmitSm, sequenceNumber: 13, esmClass: 0x43, registeredDelivery: 0x11, dataCoding: 3, shortMessage: Buffer.concat([Buffer.from('0500030a0201', 'hex'), B('Caffè à ¤?')]), tlvs: { sarMsgRefNum: 10, unknown: [{ tag: 0x1401, value: Buffer.from('0102ff', 'hex') }, { tag: 0x2150, value: Buffer.alloc(0) }] } },
    hex: '0000005600000004000000000000000d000500496e73747261646100010133393334303132333435363700430000000011000300100500030a020143616666e820e020a43f020c0002000a140100030102ff21500000'
  },
  { name: 'submit_sm_resp', node: true, pdu: { commandId: CommandId.SubmitSmResp, commandStatus: 0, sequenceNumber: 12, messageId: '1a2b3c' }, hex: '0000001780000004000000000000000c31613262336300' },
  { name: 'submit_sm_resp (error, header only)', node: true, pdu: { commandId: CommandId.SubmitSmResp, commandStatus: CommandStatus.ESME_RTHROTTLED, sequenceNumber: 13, messageId: '' }, hex: '0000001080000004000000580000000d' },
  {
    name: 'deliver_sm (receipt)',
    node: true,
    pdu: { ...smBase, commandId: CommandId.DeliverSm, sequenceNumber: 14, sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '393401234567', destAddrTon: 5, destAddrNpi: 0, destinationAddr: 'Instrada', esmClass: 0x04, registeredDelivery: 0, dataCoding: 4, shortMessage: B(receiptText), tlvs: { receiptedMessageId: '1a2b3c', messageState: 2, networkErrorCode: Buffer.from('030000', 'hex') } },
    hex: '000000b300000005000000000000000e000101333933343031323334353637000500496e737472616461000400000000000004006769643a316132623363207375623a30303120646c7672643a303031207375626d697420646174653a3236313132333136303020646f6e6520646174653a3236313132333136303120737461743a44454c49565244206572723a30303020746578743a68656c6c6f001e000731613262336300042700010204230003030000'
  },
  { name: 'deliver_sm_resp', node: true, pdu: { commandId: CommandId.DeliverSmResp, commandStatus: 0, sequenceNumber: 14, messageId: '' }, hex: '0000001180000005000000000000000e00' },
  {
    name: 'data_sm',
    node: true,
    pdu: { commandId: CommandId.DataSm, commandStatus: 0, sequenceNumber: 15, serviceType: 'WAP', sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '393401234567', destAddrTon: 1, destAddrNpi: 1, destinationAddr: '393407654321', esmClass: 0, registeredDelivery: 1, dataCoding: 4, tlvs: { sourcePort: 9200, destinationPort: 2948, messagePayload: Buffer.from('0001020304', 'hex'), qosTimeToLive: 3600 } },
    hex: '0000005200000103000000000000000f57415000010133393334303132333435363700010133393334303736353433323100000104020a000223f0020b00020b840424000500010203040017000400000e10'
  },
  {
    name: 'data_sm_resp (error with TLVs)',
    node: false, // node-smpp writes every error response header-only
    pdu: { commandId: CommandId.DataSmResp, commandStatus: CommandStatus.ESME_RDELIVERYFAILURE, sequenceNumber: 15, messageId: '', tlvs: { deliveryFailureReason: 1, additionalStatusInfoText: 'absent subscriber' } },
    hex: '0000002c80000103000000fe0000000f000425000101001d0012616273656e74207375627363726962657200'
  },
  { name: 'data_sm_resp', node: true, pdu: { commandId: CommandId.DataSmResp, commandStatus: 0, sequenceNumber: 16, messageId: 'ff01', tlvs: null }, hex: '000000158000010300000000000000106666303100' },
  {
    name: 'submit_multi',
    node: true,
    pdu: {
      commandId: CommandId.SubmitMulti, commandStatus: 0, sequenceNumber: 17, serviceType: '', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Instrada',
      destinations: [{ kind: 'sme', ton: 1, npi: 1, addr: '393401234567' }, { kind: 'list', name: 'friends' }, { kind: 'sme', ton: 1, npi: 1, addr: '393407654321' }],
      esmClass: 0, protocolId: 0, priorityFlag: 1, scheduleDeliveryTime: '', validityPeriod: '', registeredDelivery: 1, replaceIfPresentFlag: 0, dataCoding: 4, smDefaultMsgId: 0,
      shortMessage: B('to many'), tlvs: null
    },
    hex: '00000057000000210000000000000011000500496e73747261646100030101013339333430313233343536370002667269656e6473000101013339333430373635343332310000000100000100040007746f206d616e79'
  },
  {
    name: 'submit_multi_resp',
    node: true,
    pdu: { commandId: CommandId.SubmitMultiResp, commandStatus: 0, sequenceNumber: 17, messageId: 'm17', unsuccess: [{ ton: 1, npi: 1, addr: '393407654321', errorStatusCode: CommandStatus.ESME_RINVDSTADR }] },
    hex: '000000288000002100000000000000116d313700010101333933343037363534333231000000000b'
  },
  {
    name: 'query_sm',
    node: true,
    pdu: { commandId: CommandId.QuerySm, commandStatus: 0, sequenceNumber: 18, messageId: '1a2b3c', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Instrada' },
    hex: '00000022000000030000000000000012316132623363000500496e73747261646100'
  },
  {
    name: 'query_sm_resp',
    node: false, // node-smpp turns final_date into a Date and writes it back in another form
    pdu: { commandId: CommandId.QuerySmResp, commandStatus: 0, sequenceNumber: 18, messageId: '1a2b3c', finalDate: '261123160100000+', messageState: 2, errorCode: 0 },
    hex: '0000002a800000030000000000000012316132623363003236313132333136303130303030302b000200'
  },
  {
    name: 'query_sm_resp (no final_date)',
    node: true,
    pdu: { commandId: CommandId.QuerySmResp, commandStatus: 0, sequenceNumber: 19, messageId: '1a2b3c', finalDate: '', messageState: 1, errorCode: 0 },
    hex: '0000001a80000003000000000000001331613262336300000100'
  },
  {
    name: 'cancel_sm',
    node: true,
    pdu: { commandId: CommandId.CancelSm, commandStatus: 0, sequenceNumber: 20, serviceType: '', messageId: '1a2b3c', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Instrada', destAddrTon: 1, destAddrNpi: 1, destinationAddr: '393401234567' },
    hex: '0000003200000008000000000000001400316132623363000500496e73747261646100010133393334303132333435363700'
  },
  { name: 'cancel_sm_resp', node: true, pdu: { commandId: CommandId.CancelSmResp, commandStatus: 0, sequenceNumber: 20 }, hex: '00000010800000080000000000000014' },
  {
    name: 'replace_sm',
    node: false, // node-smpp rewrites the relative validity_period through a Date
    pdu: { commandId: CommandId.ReplaceSm, commandStatus: 0, sequenceNumber: 21, messageId: '1a2b3c', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Instrada', scheduleDeliveryTime: '', validityPeriod: '000001000000000R', registeredDelivery: 1, smDefaultMsgId: 0, shortMessage: B('new text') },
    hex: '0000003f000000070000000000000015316132623363000500496e737472616461000030303030303130303030303030303052000100086e65772074657874'
  },
  {
    name: 'replace_sm (no times)',
    node: true,
    pdu: { commandId: CommandId.ReplaceSm, commandStatus: 0, sequenceNumber: 22, messageId: '1a2b3c', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'Instrada', scheduleDeliveryTime: '', validityPeriod: '', registeredDelivery: 0, smDefaultMsgId: 0, shortMessage: Buffer.alloc(0) },
    hex: '00000027000000070000000000000016316132623363000500496e737472616461000000000000'
  },
  { name: 'replace_sm_resp', node: true, pdu: { commandId: CommandId.ReplaceSmResp, commandStatus: 0, sequenceNumber: 21 }, hex: '00000010800000070000000000000015' },
  {
    name: 'alert_notification',
    node: true,
    pdu: { commandId: CommandId.AlertNotification, commandStatus: 0, sequenceNumber: 23, sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '393401234567', esmeAddrTon: 5, esmeAddrNpi: 0, esmeAddr: 'Instrada', tlvs: { msAvailabilityStatus: 0 } },
    hex: '0000002f0000010200000000000000170101333933343031323334353637000500496e737472616461000422000100'
  }
]
