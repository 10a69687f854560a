// Every error class: name, code and message, and docs/ERRORS.md lists exactly the codes the
// source defines (fastify and undici keep their error docs honest the same way).

import t from 'tap'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import * as errors from '../src/errors.js'
import { RuleViolationError, Violation } from '../src/rules/index.js'

const root = new URL('..', import.meta.url).pathname

t.test('each class has its name, code and message', async (t) => {
  const cases: Array<[errors.InstradaError, string, string, RegExp]> = [
    [new errors.ConfigError('a.yaml', 3, 'smpp.port', 'must be an integer'), 'ConfigError', 'INS_ERR_CONFIG', /^a\.yaml:3: smpp\.port: must be an integer$/],
    [new errors.ClosedError('store'), 'ClosedError', 'INS_ERR_CLOSED', /store is closed/],
    [new errors.WindowFullError(), 'WindowFullError', 'INS_ERR_WINDOW_FULL', /window is full/],
    [new errors.ResponseTimeoutError(), 'ResponseTimeoutError', 'INS_ERR_RESPONSE_TIMEOUT', /no response/],
    [new errors.SessionClosedError(), 'SessionClosedError', 'INS_ERR_SESSION_CLOSED', /session closed/],
    [new errors.InvalidStateError('x'), 'InvalidStateError', 'INS_ERR_INVALID_STATE', /x/],
    [new errors.SmppStatusError(0x58, 'throttled'), 'SmppStatusError', 'INS_ERR_SMPP_STATUS', /throttled/],
    [new errors.PduEncodeError('system_id', 'too long'), 'PduEncodeError', 'INS_ERR_PDU_ENCODE', /^system_id: too long$/],
    [new errors.BindError(0x0e, 'refused'), 'BindError', 'INS_ERR_BIND', /refused/],
    [new errors.EngineError('engine 0 exited'), 'EngineError', 'INS_ERR_ENGINE', /exited/],
    [new errors.ConnectError('cannot reach http://x'), 'ConnectError', 'INS_ERR_CONNECT', /cannot reach/],
    [new RuleViolationError(new Violation('EMPTY_TEXT', 'the message text is empty')), 'RuleViolationError', 'INS_ERR_RULE_VIOLATION', /EMPTY_TEXT/]
  ]
  for (const [err, name, code, msg] of cases) {
    t.ok(err instanceof errors.InstradaError, `${name} is an InstradaError`)
    t.equal(err.name, name)
    t.equal(err.code, code)
    t.match(err.message, msg)
  }
  const cause = new Error('disk full')
  t.equal(new errors.ClosedError('x', { cause }).cause, cause, 'cause is passed through')
})

function sources (dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : []
  })
}

t.test('docs/ERRORS.md lists exactly the codes defined in src/', async (t) => {
  const defined = new Set<string>(['INS_ERR'])
  for (const f of sources(join(root, 'src'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/readonly code = '(INS_ERR_[A-Z_]+)'/g)) defined.add(m[1])
  }
  const documented = new Set([...readFileSync(join(root, 'docs/ERRORS.md'), 'utf8').matchAll(/^\| `(INS_ERR[A-Z_]*)` \|/gm)].map((m) => m[1]))
  t.same([...documented].sort(), [...defined].sort())
})
