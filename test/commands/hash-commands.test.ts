// The two hashing commands print what the config accepts: an API key hash that authenticates
// the key against the HTTP API's check, and a password hash the SMPP server verifies.

import t from 'tap'
import { run as hashApiKey } from '../../src/commands/hash-api-key.js'
import { run as hashPassword } from '../../src/commands/hash-password.js'
import { verifyPassword } from '../../src/smpp/index.js'

function capture (t: { teardown: (fn: () => void) => void }, stream: 'stdout' | 'stderr'): string[] {
  const out: string[] = []
  const s = process[stream]
  const orig = s.write.bind(s)
  // Passed through as well: tap reports on the same stream.
  s.write = ((chunk: string | Uint8Array, ...rest: any[]) => { out.push(String(chunk)); return orig(chunk, ...rest) }) as typeof s.write // eslint-disable-line @typescript-eslint/no-explicit-any
  t.teardown(() => { s.write = orig })
  return out
}

t.test('hash-api-key prints the sha256 form; short keys are refused', async (t) => {
  const out = capture(t, 'stdout')
  const err = capture(t, 'stderr')
  t.equal(await hashApiKey(['demo-api-key']), 0)
  t.ok(out.includes('sha256$ca6f2e39b2ff141859b18bb5283aadd5093c8ede2869f3656231a054e54bfc22\n'), 'the hash in config/default.yaml')
  t.equal(await hashApiKey(['short']), 2)
  t.match(err.join(''), /at least 12 characters/)
})

t.test('hash-password prints a scrypt hash that verifies', async (t) => {
  const out = capture(t, 'stdout')
  t.equal(await hashPassword(['s3cret']), 0)
  const hash = (out.find((l) => l.startsWith('scrypt$')) ?? '').trim()
  t.match(hash, /^scrypt\$\d+\$\d+\$\d+\$/)
  t.ok(await verifyPassword('s3cret', hash), 'the right password verifies')
  t.notOk(await verifyPassword('wrong', hash), 'a wrong one does not')
})
