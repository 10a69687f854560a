import t from 'tap'
import { ConfigNode } from '../../src/config/node.js'
import { ConfigError } from '../../src/errors.js'
import { DEFAULT_RECEIPTS, parseReceiptsConfig } from '../../src/receipts/index.js'

t.test('receipts config: defaults, values, refusals', async t => {
  t.same(parseReceiptsConfig(ConfigNode.empty()), DEFAULT_RECEIPTS)
  const node = ConfigNode.parse('receipts:\n  hold_ms: 2000\n  max_held: 50\n  retry_ms: 100\n', 'r.yaml').child('receipts')
  t.same(parseReceiptsConfig(node), { holdMs: 2000, maxHeld: 50, retryMs: 100 })
  const bad = ConfigNode.parse('receipts:\n  hold_ms: 2000\n  hold: 1\n', 'r.yaml').child('receipts')
  t.throws(() => parseReceiptsConfig(bad), ConfigError)
  const neg = ConfigNode.parse('receipts:\n  retry_ms: 0\n', 'r.yaml').child('receipts')
  t.throws(() => parseReceiptsConfig(neg), /r\.yaml:2: receipts\.retry_ms/)
})
