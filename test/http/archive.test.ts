// The archive over real HTTP: GET /v1/messages search (time range, status, recipient, text,
// cursor pages), GET /v1/messages.csv parsed back, GET /v1/stats counted against what was sent
// (the simulator's test numbers give delivered and failed outcomes), and every refusal.

import t from 'tap'
import { request } from 'node:http'
import { scan, type ScanState } from '../../src/http/routes/search.js'
import { OTHER_KEY, startApi, waitFor, type Api } from './helpers.js'

async function send (api: Api, body: Record<string, unknown>): Promise<string> {
  const r = await api.call('POST', '/v1/messages', { from: 'Instrada', ...body })
  if (r.status !== 202) throw new Error(`send refused: ${JSON.stringify(r.body)}`)
  return r.body.messages[0].id
}

async function final (api: Api, ids: string[]): Promise<boolean> {
  return await waitFor(async () => {
    for (const id of ids) {
      const s = (await api.call('GET', `/v1/messages/${id}`)).body.status
      if (s === 'queued' || s === 'sent') return false
    }
    return true
  }, 10_000)
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++ } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(field); field = '' } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++ } else field += c
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row) }
  return rows
}

async function getWithTrailers (url: string): Promise<{ status: number, headers: Record<string, unknown>, body: string, trailers: Record<string, string | undefined> }> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: 'Bearer demo-api-key' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, trailers: res.trailers }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('search, CSV and stats over one set of messages', async (t) => {
  const api = await startApi(t)
  const before = new Date(Date.now() - 1000).toISOString()
  const delivered = await send(api, { to: '393471234567', text: 'Hello, "world"\nsecond line' })
  const cyrillic = await send(api, { to: '447700900123', text: 'Привет мир' })
  const undelivered = await send(api, { to: '393471299901', text: 'will not arrive' })
  const expired = await send(api, { to: '393471299902', text: 'too late' })
  const rejected = await send(api, { to: '393471299903', text: 'refused', reference: 'ref,with comma' })
  const long = await send(api, { to: '393471234568', text: 'z'.repeat(200) })
  const smart = await send(api, { to: '393471234569', text: 'smart one', type: 'smart' })
  t.equal((await api.call('POST', '/v1/messages', { to: '447700900123', from: 'OtherCo', text: 'Hello from another account' }, { key: OTHER_KEY })).status, 202)
  const all = [delivered, cyrillic, undelivered, expired, rejected, long, smart]
  t.ok(await final(api, all), 'every message reached a final state')

  const everything = await api.call('GET', '/v1/messages')
  t.equal(everything.status, 200)
  t.same(everything.body.messages.map((m: { id: string }) => m.id), [...all].reverse(), 'newest first, only this account')
  t.equal(everything.body.next, null, 'one page: no cursor')
  t.equal(everything.body.scanned, 7)
  t.match(everything.body.messages.at(-1), { id: delivered, status: 'delivered', to: '393471234567', parts: [{ status: 'delivered' }] })

  const failed = await api.call('GET', '/v1/messages?status=undelivered,expired,rejected')
  t.same(failed.body.messages.map((m: { id: string, status: string }) => `${m.id}:${m.status}`), [`${rejected}:rejected`, `${expired}:expired`, `${undelivered}:undelivered`])
  const byNumber = await api.call('GET', '/v1/messages?recipient=' + encodeURIComponent('+39 347 1234567'))
  t.same(byNumber.body.messages.map((m: { id: string }) => m.id), [delivered], 'recipient normalised like a submission')
  const byText = await api.call('GET', '/v1/messages?text=' + encodeURIComponent('HELLO, "WORLD"'))
  t.same(byText.body.messages.map((m: { id: string }) => m.id), [delivered], 'text: case-insensitive substring of the decoded GSM-7 text')
  const ucs2 = await api.call('GET', '/v1/messages?text=' + encodeURIComponent('мир'))
  t.same(ucs2.body.messages.map((m: { id: string }) => m.id), [cyrillic], 'UCS-2 text decoded')
  const multipart = await api.call('GET', '/v1/messages?text=' + 'z'.repeat(180))
  t.same(multipart.body.messages.map((m: { id: string }) => m.id), [long], 'the parts of a long message are joined')
  const combined = await api.call('GET', `/v1/messages?status=delivered&from=${encodeURIComponent(before)}&to=${encodeURIComponent(new Date(Date.now() + 1000).toISOString())}&text=o`)
  t.same(combined.body.messages.map((m: { id: string }) => m.id), [smart, delivered], 'filters combine')
  const future = await api.call('GET', '/v1/messages?from=2099-01-01T00:00:00Z')
  t.same(future.body, { messages: [], next: null, scanned: 0 })

  // Pages of two, following the cursor, give every message once, newest first.
  const seen: string[] = []
  let cursor: string | null = null
  for (let i = 0; i < 10; i++) {
    const page: { body: { messages: Array<{ id: string }>, next: string | null } } = await api.call('GET', `/v1/messages?limit=2${cursor === null ? '' : '&cursor=' + cursor}`)
    seen.push(...page.body.messages.map((m) => m.id))
    cursor = page.body.next
    if (cursor === null) break
  }
  t.same(seen, [...all].reverse(), 'cursor pages cover everything once')

  // The scan bound: past it, what matched so far and a cursor to continue from.
  const state: ScanState = { scanned: 0, next: null }
  const got: string[] = []
  for await (const rec of scan(api.router.store, 'demo', { statuses: new Set(['delivered']), recipient: null, text: null, limit: 100 }, state, 3)) got.push(rec.id)
  t.equal(state.scanned, 3, 'stops at the bound')
  t.equal(state.next, rejected, 'the cursor is the last record looked at')
  t.same(got, [smart, long], 'what matched within the bound')
  const resumed = await api.call('GET', `/v1/messages?status=delivered&cursor=${Buffer.from(rejected).toString('base64url')}`)
  t.same(resumed.body.messages.map((m: { id: string }) => m.id), [cyrillic, delivered], 'continuing from that cursor finds the rest')

  // CSV: the same search, parsed back.
  const csv = await getWithTrailers(`${api.base}/v1/messages.csv`)
  t.equal(csv.status, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  const rows = parseCsv(csv.body)
  t.same(rows[0], ['id', 'created_at', 'to', 'from', 'type', 'parts', 'status', 'cost', 'reference', 'text', 'done_at'])
  t.equal(rows.length, 8, 'a header and one row per message')
  const byId = new Map(rows.slice(1).map((r) => [r[0], r]))
  t.same(byId.get(delivered)?.slice(2, 10), ['393471234567', 'Instrada', 'pro', '1', 'delivered', '1', '', 'Hello, "world"\nsecond line'], 'commas, quotes and line breaks survive')
  t.equal(byId.get(rejected)?.[8], 'ref,with comma')
  t.equal(byId.get(rejected)?.[6], 'rejected')
  t.equal(byId.get(cyrillic)?.[9], 'Привет мир')
  t.equal(byId.get(long)?.[5], '2')
  t.ok(Date.parse(byId.get(delivered)?.[10] ?? '') >= Date.parse(byId.get(delivered)?.[1] ?? ''), 'done_at after created_at')
  t.equal(csv.trailers['next-cursor'], '', 'the trailer: no cursor at the end')
  const csvPage = await getWithTrailers(`${api.base}/v1/messages.csv?limit=3`)
  t.equal(parseCsv(csvPage.body).length, 4)
  t.equal(csvPage.trailers['next-cursor'], Buffer.from(rejected).toString('base64url'), 'the trailer carries the cursor when more remain')
  const filtered = await api.call('GET', '/v1/messages.csv?status=expired')
  t.equal(parseCsv(filtered.body).length, 2)

  // Stats: counted from the records, by UTC day and type.
  const stats = await api.call('GET', '/v1/stats')
  t.equal(stats.status, 200)
  const today = new Date().toISOString().slice(0, 10)
  const charged = async (ids: string[]): Promise<number> => {
    let sum = 0
    for (const id of ids) for (const p of (await api.call('GET', `/v1/messages/${id}`)).body.parts) sum += p.charged
    return sum
  }
  const pro = [delivered, cyrillic, undelivered, expired, rejected, long]
  t.same(stats.body.days, [
    { date: today, type: 'pro', sent: 6, delivered: 3, failed: 3, pending: 0, parts: 7, credits: await charged(pro) },
    { date: today, type: 'smart', sent: 1, delivered: 1, failed: 0, pending: 0, parts: 1, credits: await charged([smart]) }
  ], 'sent, delivered, failed, parts and credits charged, as sent')
  t.ok(await charged(pro) > 0, 'credits were charged')
  t.match(stats.body, { complete: true, scanned: 7 })
  const empty = await api.call('GET', '/v1/stats?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z')
  t.same(empty.body.days, [], 'days with nothing are omitted')
  const otherStats = await api.call('GET', '/v1/stats', undefined, { key: OTHER_KEY })
  t.match(otherStats.body.days, [{ sent: 1 }], 'per account')
})

t.test('archive refusals name the parameter', async (t) => {
  const api = await startApi(t)
  const cases: Array<[string, string, string]> = [
    ['/v1/messages?from=yesterday', 'from', 'BAD_FORMAT'],
    ['/v1/messages?to=2026-13-01', 'to', 'BAD_FORMAT'],
    ['/v1/messages?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to', 'OUT_OF_RANGE'],
    ['/v1/messages?status=delivered,lost', 'status', 'NOT_ALLOWED'],
    ['/v1/messages?recipient=39-abc', 'recipient', 'DEST_INVALID_CHARS'],
    ['/v1/messages?text=', 'text', 'OUT_OF_RANGE'],
    ['/v1/messages?limit=0', 'limit', 'OUT_OF_RANGE'],
    ['/v1/messages?limit=1001', 'limit', 'OUT_OF_RANGE'],
    ['/v1/messages?limit=ten', 'limit', 'WRONG_TYPE'],
    ['/v1/messages?cursor=nope', 'cursor', 'BAD_FORMAT'],
    ['/v1/messages?sort=asc', 'sort', 'UNKNOWN_FIELD'],
    ['/v1/messages?limit=1&limit=2', 'limit', 'NOT_ALLOWED'],
    ['/v1/messages.csv?limit=50001', 'limit', 'OUT_OF_RANGE'],
    ['/v1/messages.csv?status=x', 'status', 'NOT_ALLOWED'],
    ['/v1/stats?from=x', 'from', 'BAD_FORMAT'],
    ['/v1/stats?type=pro', 'type', 'UNKNOWN_FIELD'],
    ['/v1/stats?from=2099-01-01T00:00:00Z', 'from', 'OUT_OF_RANGE']
  ]
  for (const [path, field, reason] of cases) {
    const r = await api.call('GET', path)
    t.match(r, { status: 400, body: { error: { code: 'invalid_request', field, reason } } }, path)
  }
  for (const path of ['/v1/messages', '/v1/messages.csv', '/v1/stats']) {
    t.match(await api.call('GET', path, undefined, { key: null }), { status: 401, body: { error: { reason: 'MISSING_KEY' } } }, `${path} needs a key`)
  }
  t.match(await api.call('GET', '/v1/messages.csv?limit=50000'), { status: 200 }, 'the CSV limit goes higher')
})
