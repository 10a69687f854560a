import t from 'tap'
import { Hlr } from '../../src/sim/hlr.js'
import { engine, binomialTolerance, statOf } from './engine-helpers.js'
import { submitPdu } from './helpers.js'

const profile = {
  ranges: [
    { prefix: '39333', mcc: '222', mnc: '01', operator: 'TIM', portedRate: 0.2, portedTo: { mcc: '222', mnc: '10', operator: 'Vodafone' }, reachableRate: 0.9 },
    { prefix: '3933', mcc: '222', mnc: '99', operator: 'Short', portedRate: 0, portedTo: null, reachableRate: 1 }
  ],
  unreachableStat: null
}

t.test('the longest prefix wins; unknown numbers say so', async (t) => {
  const h = new Hlr(profile, 1)
  t.match(h.lookup('+393331234567'), { known: true, mcc: '222' })
  t.match(h.lookup('0039334000000'), { known: true, operator: 'Short', ported: false, reachable: true })
  t.match(h.lookup('447700900000'), { known: false, operator: null })
  t.match(h.lookup('not a number'), { known: false })
})

t.test('ported and reachable shares hold over many numbers, and answers are stable per number', async (t) => {
  const h = new Hlr(profile, 1)
  const N = 20_000
  let ported = 0
  let reachable = 0
  let wrongNetwork = 0
  for (let i = 0; i < N; i++) {
    const a = h.lookup('39333' + String(i).padStart(7, '0'))
    if (a.ported) {
      ported++
      if (a.operator !== 'Vodafone' || a.mnc !== '10' || a.originalOperator !== 'TIM') wrongNetwork++
    } else if (a.operator !== 'TIM') wrongNetwork++
    if (a.reachable) reachable++
  }
  t.equal(wrongNetwork, 0, 'ported numbers answer with the new network, the others with the range')
  t.ok(Math.abs(ported - N * 0.2) <= binomialTolerance(N, 0.2), `ported ${ported} ≈ ${N * 0.2}`)
  t.ok(Math.abs(reachable - N * 0.9) <= binomialTolerance(N, 0.9), `reachable ${reachable} ≈ ${N * 0.9}`)
  t.same(new Hlr(profile, 1).lookup('393330000042'), h.lookup('393330000042'), 'same seed, same answer')
})

t.test('unreachable_stat: MT to numbers the HLR calls unreachable fail', async (t) => {
  const e = engine("hlr:\n  ranges: [{ prefix: '39', mcc: '222', mnc: '01', reachable_rate: 0.5 }]\n  unreachable_stat: EXPIRED\nreceipts:\n  latency: 1\n")
  const ls = [...e.carrier.links][0]
  for (let i = 0; i < 2000; i++) e.carrier.handle(ls, submitPdu('39' + String(i).padStart(8, '0'), 'x'))
  e.advance(3)
  for (const d of e.link.delivered) {
    const reachable = e.carrier.hlr.lookup(d.sourceAddr).reachable
    if (statOf(d) !== (reachable ? 'DELIVRD' : 'EXPIRED')) { t.fail(`${d.sourceAddr}: ${statOf(d)} but reachable=${String(reachable)}`); return }
  }
  const expired = e.link.delivered.filter((d) => statOf(d) === 'EXPIRED').length
  t.ok(Math.abs(expired - 1000) <= binomialTolerance(2000, 0.5), `${expired} EXPIRED ≈ 1000`)
})
