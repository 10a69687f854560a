import t from 'tap'
import { classifyStatus, defaultRetryPolicy, FailureClass, nextRetryAt } from '../../src/carriers/retry.js'
import { CommandStatus } from '../../src/smpp/pdu/status.js'

t.test('statuses fall into the documented classes', async (t) => {
  const cases: Array<[number, FailureClass]> = [
    [CommandStatus.ESME_RTHROTTLED, FailureClass.Throttled],
    [CommandStatus.ESME_RMSGQFUL, FailureClass.Throttled],
    [CommandStatus.ESME_RSYSERR, FailureClass.Temporary],
    [CommandStatus.ESME_RSUBMITFAIL, FailureClass.Temporary],
    [CommandStatus.ESME_RX_T_APPN, FailureClass.Temporary],
    [CommandStatus.ESME_RINVDSTADR, FailureClass.Permanent],
    [CommandStatus.ESME_RINVSRCADR, FailureClass.Permanent],
    [CommandStatus.ESME_RINVMSGLEN, FailureClass.Permanent],
    [0x4ff, FailureClass.Permanent]
  ]
  for (const [status, cls] of cases) t.equal(classifyStatus(status), cls, `0x${status.toString(16)}`)
})

const noJitter = { ...defaultRetryPolicy, jitter: 0 }

t.test('temporary errors back off exponentially up to the cap, then give up', async (t) => {
  const p = { ...noJitter, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 6 }
  const delays = [1, 2, 3, 4, 5].map((a) => (nextRetryAt(p, FailureClass.Temporary, a, 0, 0) ?? -1))
  t.same(delays, [100, 200, 400, 800, 1000])
  t.equal(nextRetryAt(p, FailureClass.Timeout, 6, 0, 0), null, 'attempts exhausted')
})

t.test('throttling retries quickly and does not use up attempts', async (t) => {
  t.equal(nextRetryAt(noJitter, FailureClass.Throttled, 100, 1000, 0), 1000 + noJitter.throttleDelayMs)
})

t.test('permanent errors and the validity period stop retries', async (t) => {
  t.equal(nextRetryAt(noJitter, FailureClass.Permanent, 1, 0, 0), null)
  t.equal(nextRetryAt({ ...noJitter, baseDelayMs: 500 }, FailureClass.Temporary, 1, 1000, 1400), null, 'would land after expiry')
  t.equal(nextRetryAt({ ...noJitter, baseDelayMs: 500 }, FailureClass.Temporary, 1, 1000, 2000), 1500)
})

t.test('jitter draws from [d·(1−j), d]', async (t) => {
  const p = { ...defaultRetryPolicy, baseDelayMs: 1000, jitter: 0.5 }
  t.equal(nextRetryAt(p, FailureClass.Temporary, 1, 0, 0, () => 0), 1000)
  t.equal(nextRetryAt(p, FailureClass.Temporary, 1, 0, 0, () => 0.999999), 500)
})
