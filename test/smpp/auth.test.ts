import t from 'tap'
import { spawnSync } from 'node:child_process'
import { hashPassword, IpAllowList, normalizeIp, parsePasswordHash, PasswordVerifier, verifyPassword } from '../../src/smpp/auth.js'
import { PasswordHashError } from '../../src/errors.js'

const FAST = { N: 1024, r: 8, p: 1 }

t.test('hash format and verification', async (t) => {
  const h = await hashPassword('demopass', FAST)
  t.match(h, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
  t.not(await hashPassword('demopass', FAST), h, 'salted: two hashes differ')
  t.equal(await verifyPassword('demopass', h), true)
  t.equal(await verifyPassword('demopasS', h), false)
  t.equal(await verifyPassword('', h), false)
  t.throws(() => parsePasswordHash('plain'), PasswordHashError)
  t.throws(() => parsePasswordHash('scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=='), PasswordHashError, 'N not a power of two')
})

t.test('the verifier caches successes only, and shares concurrent runs', async (t) => {
  const v = new PasswordVerifier()
  const h = await hashPassword('secret', FAST)
  const results = await Promise.all(Array.from({ length: 50 }, async () => await v.verify('secret', h)))
  t.ok(results.every((r) => r))
  t.equal(v.scryptRuns, 1, '50 concurrent binds, one scrypt run')
  t.equal(await v.verify('secret', h), true)
  t.equal(v.scryptRuns, 1, 'cached')
  t.equal(await v.verify('wrong', h), false)
  t.equal(await v.verify('wrong', h), false)
  t.equal(v.scryptRuns, 3, 'every wrong guess pays a full scrypt')
  const h2 = await hashPassword('secret', FAST)
  t.equal(await v.verify('secret', h2), true)
  t.equal(v.scryptRuns, 4, 'a changed hash is not served from the cache')
  t.equal(await v.verify('secret2', h), false, 'a cached entry does not accept other passwords')
})

t.test('IP allow lists', async (t) => {
  const l = new IpAllowList(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'])
  t.ok(l.allows('10.1.2.3'))
  t.ok(l.allows('::ffff:10.1.2.3'), 'IPv4-mapped IPv6')
  t.ok(l.allows('192.0.2.7'))
  t.notOk(l.allows('192.0.2.8'))
  t.ok(l.allows('2001:db8:1::5'))
  t.notOk(l.allows('2001:db9::1'))
  t.notOk(l.allows('127.0.0.1'))
  t.notOk(l.allows('garbage'))
  t.ok(new IpAllowList([]).allows('203.0.113.1'), 'empty list allows all')
  t.equal(normalizeIp('::ffff:127.0.0.1'), '127.0.0.1')
  t.equal(normalizeIp('::1'), '::1')
  t.throws(() => new IpAllowList(['10.0.0.0/33']))
})

t.test('instrada hash-password prints a verifiable hash', async (t) => {
  const cli = new URL('../../src/cli.ts', import.meta.url).pathname
  const fromArg = spawnSync(process.execPath, [...process.execArgv, cli, 'hash-password', 'demopass'], { encoding: 'utf8' })
  const fromStdin = spawnSync(process.execPath, [...process.execArgv, cli, 'hash-password'], { input: 'demopass\n', encoding: 'utf8' })
  for (const r of [fromArg, fromStdin]) {
    t.equal(r.status, 0, r.stderr)
    t.equal(await verifyPassword('demopass', r.stdout.trim()), true)
  }
})
