// With an engine in a worker thread: the overlay reaches the worker's engine (the new account's
// initial credit, its messages routed and charged), at start and after each change.

import t from 'tap'
import { Customer } from '../router/customer.js'
import { startAdmin, until } from './helpers.js'

t.test('an account created over the API works through a worker engine, and after a restart', async (t) => {
  const s = await startAdmin(t, { workers: 1 })
  t.equal((await s.call('POST', '/v1/admin/accounts', { system_id: 'wk', password: 'wkpw', initial_credit: 10, italian_vat: true, senders: [{ addr: 'WkCo', state: 'active' }] })).status, 201)
  const key = (await s.call('POST', '/v1/admin/accounts/wk/keys')).body.key as string
  const sent = await s.call('POST', '/v1/messages', { to: '393471234567', from: 'WkCo', text: 'via worker' }, key)
  t.match(sent, { status: 202, body: { messages: [{ cost: 1 }] } })
  const id = sent.body.messages[0].id as string
  t.ok(await until(async () => (await s.call('GET', `/v1/messages/${id}`, undefined, key)).body.status === 'delivered'), 'delivered through the worker engine')
  t.match(await s.call('GET', '/v1/admin/accounts/wk'), { body: { credit: { balance: 9 } } })

  await s.router.close()
  await s.restart()
  const c = await Customer.bind(s.router.port, { systemId: 'wk', password: 'wkpw' })
  // To the other carrier: the restarted simulator numbers its ids from 1 again, and the store
  // already knows sim-it's id 1 (the first message), which would make this receipt a duplicate.
  const r = await c.submit({ source_addr: 'WkCo', destination_addr: '447700900123', short_message: 'after restart' })
  t.equal(r.status, 0)
  t.ok(await c.waitFor(() => c.receiptsFor(r.id).length > 0, 10_000), 'receipt through the worker engine after restart')
  await c.close()
  t.match(await s.call('GET', '/v1/admin/reconcile?account=wk'), { body: { ok: true, accounts: [{ balance: 8 }] } })
})
