import t from 'tap'
import { ConfigNode } from '../../src/config/node.js'
import { ConfigError } from '../../src/errors.js'
import {
  AccountFilter, CountryFilter, parseRoutes, PrefixFilter, SenderKindFilter, TypeFilter,
  type RouteContext
} from '../../src/routing/index.js'

const base: RouteContext = { account: 'demo', type: 'pro', destination: '393471234567', country: 'IT', senderKind: 'alpha' }
const carriers = new Set(['it', 'world', 'a', 'b'])

/** A deterministic [0,1) sequence for weighted draws. */
function seq (...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length]
}

t.test('each filter alone', async (t) => {
  const cases: Array<[string, { match: (c: RouteContext) => boolean }, Partial<RouteContext>, boolean]> = [
    ['prefix hit', new PrefixFilter(['39', '41']), {}, true],
    ['prefix miss', new PrefixFilter(['44']), {}, false],
    ['prefix second of list', new PrefixFilter(['44', '3934']), {}, true],
    ['country hit (case-insensitive config)', new CountryFilter(['it']), {}, true],
    ['country miss', new CountryFilter(['FR']), {}, false],
    ['country unknown', new CountryFilter(['IT']), { country: '' }, false],
    ['account hit', new AccountFilter(['demo', 'x']), {}, true],
    ['account miss', new AccountFilter(['other']), {}, false],
    ['type hit', new TypeFilter(['pro']), {}, true],
    ['type miss', new TypeFilter(['smart', 'reply']), {}, false],
    ['sender kind hit', new SenderKindFilter(['alpha']), {}, true],
    ['sender kind miss', new SenderKindFilter(['numeric']), {}, false]
  ]
  for (const [name, filter, over, want] of cases) t.equal(filter.match({ ...base, ...over }), want, name)
})

t.test('routes are tried in order and every match contributes a fallback', async (t) => {
  const root = ConfigNode.parse(`
routes:
  - name: italy
    match: { prefix: ["39"], type: [pro] }
    carrier: it
  - name: rest
    carrier: world
`, 'r.yaml')
  const table = parseRoutes(root, carriers)
  t.same(table.plan(base), ['it', 'world'], 'Italian pro: Italy first, then the catch-all')
  t.same(table.plan({ ...base, type: 'smart' }), ['world'], 'smart type skips the pro-only route')
  t.same(table.plan({ ...base, destination: '447700900123', country: 'GB' }), ['world'])
  t.same([...table.carriers()].sort(), ['it', 'world'])
  t.match(table.describe()[0], /italy: prefix 39 and type pro → it/)
})

t.test('no route matches gives an empty plan', async (t) => {
  const table = parseRoutes(ConfigNode.parse('routes:\n  - match: { country: [FR] }\n    carrier: a\n', 'r.yaml'), carriers)
  t.same(table.plan(base), [])
})

t.test('weighted set: draw order follows the weights, each carrier once', async (t) => {
  const yaml = 'routes:\n  - carriers: [{ name: a, weight: 3 }, { name: b, weight: 1 }]\n  - carrier: a\n'
  // r = 0.5 → 0.5*4 = 2 < 3 → a first; r = 0.9 → 3.6 ≥ 3 → b first
  t.same(parseRoutes(ConfigNode.parse(yaml, 'r.yaml'), carriers, seq(0.5, 0)).plan(base), ['a', 'b'])
  t.same(parseRoutes(ConfigNode.parse(yaml, 'r.yaml'), carriers, seq(0.9, 0)).plan(base), ['b', 'a'])
  // Statistically about 3:1 over many draws with Math.random.
  const table = parseRoutes(ConfigNode.parse(yaml, 'r.yaml'), carriers)
  let first = 0
  const n = 4000
  for (let i = 0; i < n; i++) if (table.plan(base)[0] === 'a') first++
  // mean 3000, sd ≈ 27: ±6 sd
  t.ok(first > 3000 - 165 && first < 3000 + 165, `a first ${first}/${n} times`)
})

t.test('bad route files name file, line and key', async (t) => {
  const bad: Array<[string, RegExp]> = [
    ['routes:\n  - carrier: nope\n', /r\.yaml:2: routes\[0\]\.carrier: unknown carrier 'nope'/],
    ['routes:\n  - carrier: a\n    carriers: [{ name: b }]\n', /routes\[0\]\.carriers: a route needs exactly one/],
    ['routes:\n  - match: { prefx: ["39"] }\n    carrier: a\n', /r\.yaml:2: routes\[0\]\.match\.prefx: unknown key/],
    ['routes:\n  - match: { prefix: ["+39"] }\n    carrier: a\n', /prefix: '\+39' is not a digit prefix/],
    ['routes:\n  - match: { type: [premium] }\n    carrier: a\n', /type: 'premium' is not one of smart, pro, reply/],
    ['routes:\n  - carriers: [{ name: a, weight: 0 }]\n', /weight: must be at least 1/],
    ['routes:\n  - carriers: []\n', /must name at least one carrier/],
    ['routes:\n  - { name: x, carrier: a }\n  - { name: x, carrier: b }\n', /r\.yaml:3: routes\[1\]\.name: duplicate route name 'x'/],
    ['routes: []\n', /routes: at least one route is required/],
    ['routes:\n  - carrier: a\n   bad indent: [\n', /r\.yaml:\d+: \(yaml\)/]
  ]
  for (const [yaml, want] of bad) {
    let caught: unknown = null
    try { parseRoutes(ConfigNode.parse(yaml, 'r.yaml'), carriers) } catch (err) { caught = err }
    t.ok(caught instanceof ConfigError, `ConfigError for ${want.source}`)
    t.match((caught as Error | null)?.message, want)
  }
})
