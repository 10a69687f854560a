import t from 'tap'
import { Router } from '../../src/router/router.js'
import { Customer } from './customer.js'
import { testConfig } from './helpers.js'
t.test('dbg', async (t) => {
  const setup = await testConfig({ simIt: process.env.SIMIT ?? '' })
  const router = new Router(setup.config)
  await router.start()
  const c = await Customer.bind(router.port)
  const ids: string[] = []
  const submits = []
  for (let i = 0; i < 150; i++) submits.push(c.submit({ destination_addr: '39347123' + String(1000 + i), short_message: `message ${i}` }))
  for (const r of await Promise.all(submits)) if (r.status === 0) ids.push(r.id)
  await c.waitFor(() => ids.every((id) => c.receiptsFor(id).length > 0), 8000)
  const engine = router.engines.engine!
  for (const id of ids) {
    const r = c.receiptsFor(id)
    if (r.length !== 1 || !/DELIVRD/.test(r[0].text)) {
      const rec = await engine.store.get('demo', id)
      console.error(id, r.map(x => x.text), JSON.stringify(rec?.parts.map(p => ({ st: p.state, err: p.error, c: p.carrierId, cm: p.carrierMessageId, a: p.attempts }))))
    }
  }
  const m = await router.registry.getMetricsAsJSON()
  for (const x of m) if (/receipt|held|orphan|correl/.test(x.name)) console.error(x.name, JSON.stringify(x.values.map((v: any) => [v.labels, v.value])))
  console.error(JSON.stringify(router.simulator!.status()).slice(0, 1500))
  await c.close(); await router.close(); setup.cleanup()
  t.pass()
})
