// The engine's outbox against a real store: an item relayed from another engine after a drain
// already delivered it (and the customer acknowledged it) must not go out a second time.

import t from 'tap'
import { openStore, tempDir } from '../store/helpers.js'
import { EngineOutbox } from '../../src/router/engine-outbox.js'
import { silentLogger } from '../../src/log.js'
import type { OutboxItem } from '../../src/router/protocol.js'
import type { DeliverSm } from '../../src/smpp/pdu/types.js'
import { buildCustomerReceipt } from '../../src/receipts/index.js'

function until (cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve()
      else if (Date.now() > end) reject(new Error('timed out'))
      else setTimeout(tick, 5)
    }
    tick()
  })
}

t.test('a relayed item already drained and acknowledged is not sent again', async (t) => {
  const store = await openStore(t, tempDir(t))
  const sent: OutboxItem[] = []
  const outbox = new EngineOutbox(store, 60_000, (item) => sent.push(item), buildCustomerReceipt as never, silentLogger)
  const pdu = { commandId: 0x05, sourceAddr: '393471234567', destinationAddr: 'ACME', shortMessage: Buffer.from('hi'), tlvs: null } as unknown as DeliverSm
  const key = await store.enqueueReceipt('acme', { pdu, queuedAt: Date.now() })

  // The owning engine's drain finds the entry before the relay from the storing engine arrives.
  outbox.drain('acme')
  await until(() => sent.length === 1)
  t.equal(sent[0].key, key)
  outbox.delivered('acme', [key])
  await until(() => !store.hasReceipt('acme', key))

  outbox.adopt({ account: 'acme', key, pdu }, true)
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(sent.length, 1, 'the late relay is dropped: the customer already has it')

  // A relayed item still stored goes out at once.
  const key2 = await store.enqueueReceipt('acme', { pdu, queuedAt: Date.now() })
  outbox.adopt({ account: 'acme', key: key2, pdu }, true)
  t.same(sent.map((s) => s.key), [key, key2])
  outbox.adopt({ account: 'acme', key: key2, pdu }, true)
  t.equal(sent.length, 2, 'an item already out is not handed out twice')
})
