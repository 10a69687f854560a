import t from 'tap'
import { openStore, tempDir } from './helpers.js'

t.test('documents: put, get, update, list by prefix with paging, delete; they survive a reopen', async (t) => {
  const dir = tempDir(t)
  let store = await openStore(t, dir)
  t.equal(await store.getDoc('account', 'acme'), null, 'absent is null')
  await store.putDoc('account', 'acme', { sms_type: 'pro', suspended: false })
  await store.putDoc('account', 'acme2', { sms_type: 'smart' })
  await store.putDoc('account', 'beta', { sms_type: 'reply' })
  await store.putDoc('other', 'acme', { x: 1 })
  t.same(await store.getDoc('account', 'acme'), { sms_type: 'pro', suspended: false })

  const n = await store.updateDoc<{ n: number }>('counter', 'c', (cur) => ({ n: (cur?.n ?? 0) + 1 }))
  t.same(n, { n: 1 })
  t.same(await store.updateDoc<{ n: number }>('counter', 'c', (cur) => ({ n: (cur?.n ?? 0) + 1 })), { n: 2 })
  t.same(await store.updateDoc<{ n: number }>('counter', 'c', () => undefined), { n: 2 }, 'undefined keeps the value')

  t.same((await store.listDocs('account')).map((d) => d.key), ['acme', 'acme2', 'beta'], 'one kind only, in key order')
  t.same((await store.listDocs('account', { prefix: 'acme' })).map((d) => d.key), ['acme', 'acme2'])
  t.same((await store.listDocs('account', { limit: 2 })).map((d) => d.key), ['acme', 'acme2'])
  t.same((await store.listDocs('account', { after: 'acme2' })).map((d) => d.key), ['beta'], 'after pages on')

  t.equal(await store.deleteDoc('account', 'beta'), true)
  t.equal(await store.deleteDoc('account', 'beta'), false, 'deleting twice says it was gone')
  t.same(await store.updateDoc('counter', 'c', () => null), null, 'null deletes')
  t.equal(await store.getDoc('counter', 'c'), null)

  await store.close()
  store = await openStore(t, dir)
  t.same((await store.listDocs('account')).map((d) => d.key), ['acme', 'acme2'], 'durable across a reopen')
  t.same(await store.getDoc('other', 'acme'), { x: 1 })
})
