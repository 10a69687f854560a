// Credit over the admin API: top-up, transfer, adjust, the ledger listing and reconcile, with
// amounts in credits converted exactly; and the config reload (a bad file changes nothing).

import { readFileSync, writeFileSync } from 'node:fs'
import t from 'tap'
import { startAdmin } from './helpers.js'

t.test('top-up, transfer, adjust, ledger, reconcile', async (t) => {
  const s = await startAdmin(t)
  const up = await s.call('POST', '/v1/admin/accounts/demo/topup', { amount: 12.625, note: 'invoice 7' })
  t.match(up, { status: 200, body: { entry: { kind: 'topup', amount: 12.625, note: 'invoice 7' }, credit: { balance: 1012.625 } } })
  t.match(await s.call('POST', '/v1/admin/accounts/demo/topup', { amount: '0.001' }), { status: 200, body: { credit: { balance: 1012.626 } } })
  t.match(await s.call('POST', '/v1/admin/accounts/demo/topup', { amount: '1.2345' }), { status: 400, body: { error: { field: 'amount', reason: 'BAD_AMOUNT' } } })
  t.match(await s.call('POST', '/v1/admin/accounts/demo/topup', { amount: -5 }), { status: 400, body: { error: { field: 'amount' } } })
  t.match(await s.call('POST', '/v1/admin/accounts/demo/topup', {}), { status: 400, body: { error: { field: 'amount', reason: 'REQUIRED' } } })
  t.match(await s.call('POST', '/v1/admin/accounts/demo/topup', { amount: 1, extra: true }), { status: 400, body: { error: { field: 'extra', reason: 'UNKNOWN_FIELD' } } })
  t.match(await s.call('POST', '/v1/admin/accounts/ghost/topup', { amount: 1 }), { status: 404, body: { error: { field: 'id', reason: 'UNKNOWN_ACCOUNT' } } })

  const tr = await s.call('POST', '/v1/admin/transfers', { from: 'demo', to: 'other', amount: 100.5, note: 'share' })
  t.match(tr, { status: 200, body: { entry: { kind: 'transfer_out', amount: -100.5, counterparty: 'other' }, credit: { demo: { balance: 912.126 }, other: { balance: 1100.5 } } } })
  t.match(await s.call('POST', '/v1/admin/transfers', { from: 'other', to: 'demo', amount: 5000 }), { status: 402, body: { error: { field: 'from', reason: 'NO_CREDIT' } } })
  t.match(await s.call('POST', '/v1/admin/transfers', { from: 'demo', to: 'ghost', amount: 1 }), { status: 404, body: { error: { field: 'to' } } })
  t.match(await s.call('POST', '/v1/admin/transfers', { from: 'demo', to: 'demo', amount: 1 }), { status: 400, body: { error: { field: 'to' } } })

  t.match(await s.call('POST', '/v1/admin/accounts/other/adjust', { amount: -0.5, note: 'correction' }), { status: 200, body: { entry: { kind: 'adjust', amount: -0.5 }, credit: { balance: 1100 } } })
  t.match(await s.call('POST', '/v1/admin/accounts/other/adjust', { amount: -2000, note: 'too much' }), { status: 402, body: { error: { reason: 'NO_CREDIT' } } })
  t.match(await s.call('POST', '/v1/admin/accounts/other/adjust', { amount: 1 }), { status: 400, body: { error: { field: 'note', reason: 'REQUIRED' } } })

  const page1 = await s.call('GET', '/v1/admin/accounts/demo/ledger?limit=2')
  t.equal(page1.status, 200)
  t.same(page1.body.entries.map((e: { kind: string }) => e.kind), ['initial', 'topup'])
  const page2 = await s.call('GET', `/v1/admin/accounts/demo/ledger?limit=2&after=${page1.body.next as number}`)
  t.same(page2.body.entries.map((e: { kind: string }) => e.kind), ['topup', 'transfer_out'])
  t.match(await s.call('GET', '/v1/admin/accounts/demo/ledger?limit=0'), { status: 400, body: { error: { field: 'limit' } } })

  const rec = await s.call('GET', '/v1/admin/reconcile')
  t.match(rec, { status: 200, body: { ok: true } })
  t.same(rec.body.accounts.map((a: { account: string }) => a.account).sort(), ['demo', 'other'])
  t.match(await s.call('GET', '/v1/admin/reconcile?account=demo'), { status: 200, body: { ok: true, accounts: [{ account: 'demo', balance: 912.126 }] } })
  t.match(await s.call('GET', '/v1/admin/reconcile?account=ghost'), { status: 404, body: { error: { field: 'account' } } })
})

t.test('reload: routes from the file; a bad file changes nothing; the overlay is kept', async (t) => {
  const s = await startAdmin(t)
  t.equal((await s.call('PATCH', '/v1/admin/accounts/demo', { window: 7 })).status, 200)
  const good = readFileSync(s.file, 'utf8')
  writeFileSync(s.file, good.replace("  - { name: world, carrier: sim-world }\n", '  - { name: world, carrier: sim-nowhere }\n'))
  const bad = await s.call('POST', '/v1/admin/reload')
  t.match(bad, { status: 400, body: { error: { code: 'invalid_config', field: 'routes[1].carrier' } } })
  t.match(bad.body.error.message, /instrada\.yaml:\d+/, 'names the file and line')
  t.equal((await s.call('POST', '/v1/messages', { to: '447700900123', from: 'Instrada', text: 'x' }, 'demo-api-key')).status, 202, 'old routes still in force')
  writeFileSync(s.file, good.replace("  - { name: world, carrier: sim-world }\n", ''))
  t.match(await s.call('POST', '/v1/admin/reload'), { status: 200 })
  t.match(await s.call('POST', '/v1/messages', { to: '447700900123', from: 'Instrada', text: 'x' }, 'demo-api-key'), { status: 422, body: { error: { reason: 'NO_ROUTE' } } })
  const mixed = await s.call('POST', '/v1/messages', { to: ['447700900123', '393471234567'], from: 'Instrada', text: 'x' }, 'demo-api-key')
  t.match(mixed, { status: 202, body: { messages: [{ to: '447700900123', error: { reason: 'NO_ROUTE' } }, { to: '393471234567', status: 'queued' }] } }, 'a bulk request: the unroutable recipient refused in its entry')
  t.match(await s.call('GET', '/v1/admin/accounts/demo'), { body: { window: 7, source: 'file+admin' } })
})

t.test('a SIGHUP reload and admin changes run one after the other: neither undoes the other', async (t) => {
  const s = await startAdmin(t)
  // A changed carrier makes the reload slow (its pool is rebuilt); the admin changes arrive meanwhile.
  const text = readFileSync(s.file, 'utf8')
  t.ok(text.includes('    submit: { concat: udh16 }\n'), 'the file has the carrier setting this test changes')
  writeFileSync(s.file, text.replace('    submit: { concat: udh16 }\n', '    submit: { concat: udh8 }\n'))
  const reload = s.router.reload()
  const changes = await Promise.all([
    s.call('PATCH', '/v1/admin/accounts/demo', { window: 9 }),
    s.call('PATCH', '/v1/admin/accounts/other', { tps: 3 })
  ])
  await reload
  for (const c of changes) t.equal(c.status, 200)
  t.match(await s.call('GET', '/v1/admin/accounts/demo'), { body: { window: 9 } }, 'demo keeps its change')
  t.match(await s.call('GET', '/v1/admin/accounts/other'), { body: { tps: 3 } }, 'other keeps its change')
  t.equal(s.router.config.carriers.find((c) => c.name === 'sim-world')?.submit.concat, 'udh8', 'and the file change is in force')
})
