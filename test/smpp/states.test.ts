import t from 'tap'
import { CommandId } from '../../src/smpp/pdu/types.js'
import { boundStateFor, isBound, mayReceive, maySend, SessionState as S } from '../../src/smpp/states.js'

t.test('who may send what, where', async (t) => {
  const cases: Array<[string, 'esme' | 'smsc', number, number, boolean]> = [
    ['esme binds in OPEN', 'esme', S.OPEN, CommandId.BindTransceiver, true],
    ['no bind once bound', 'esme', S.BOUND_TRX, CommandId.BindTransmitter, false],
    ['submit needs a transmitter bind', 'esme', S.OPEN, CommandId.SubmitSm, false],
    ['submit in BOUND_TX', 'esme', S.BOUND_TX, CommandId.SubmitSm, true],
    ['no submit in BOUND_RX', 'esme', S.BOUND_RX, CommandId.SubmitSm, false],
    ['submit_multi in BOUND_TRX', 'esme', S.BOUND_TRX, CommandId.SubmitMulti, true],
    ['the smsc never submits', 'smsc', S.BOUND_TRX, CommandId.SubmitSm, false],
    ['deliver_sm to a receiver', 'smsc', S.BOUND_RX, CommandId.DeliverSm, true],
    ['no deliver_sm to a transmitter', 'smsc', S.BOUND_TX, CommandId.DeliverSm, false],
    ['data_sm both ways (esme, TX)', 'esme', S.BOUND_TX, CommandId.DataSm, true],
    ['data_sm both ways (smsc, RX)', 'smsc', S.BOUND_RX, CommandId.DataSm, true],
    ['unbind only when bound', 'esme', S.OPEN, CommandId.Unbind, false],
    ['unbind from the smsc', 'smsc', S.BOUND_TX, CommandId.Unbind, true],
    ['nothing after UNBOUND', 'esme', S.UNBOUND, CommandId.EnquireLink, false],
    ['responses still flow in UNBOUND', 'esme', S.UNBOUND, CommandId.DeliverSmResp, true],
    ['nothing when CLOSED', 'esme', S.CLOSED, CommandId.SubmitSmResp, false],
    ['outbind from the smsc in OPEN', 'smsc', S.OPEN, CommandId.Outbind, true],
    ['unknown command ids never', 'esme', S.BOUND_TRX, 0x1234, false]
  ]
  for (const [name, role, state, cmd, want] of cases) t.equal(maySend(role, state as S, cmd), want, name)
  t.equal(mayReceive('smsc', S.BOUND_TX, CommandId.SubmitSm), true, 'receive = the peer may send')
  t.equal(mayReceive('esme', S.BOUND_TX, CommandId.DeliverSm), false)
})

t.test('bind → state', async (t) => {
  t.equal(boundStateFor(CommandId.BindTransmitter), S.BOUND_TX)
  t.equal(boundStateFor(CommandId.BindReceiver), S.BOUND_RX)
  t.equal(boundStateFor(CommandId.BindTransceiver), S.BOUND_TRX)
  t.equal(boundStateFor(CommandId.SubmitSm), null)
  t.ok(isBound(S.BOUND_RX))
  t.notOk(isBound(S.UNBOUND))
})
