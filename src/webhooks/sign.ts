// The webhook signature, Stripe-style: `Instrada-Signature: t=<unix seconds>,v1=<hex>` where the
// hex is HMAC-SHA256(secret, "<t>.<body>"). The timestamp is signed with the body, so a receiver
// that checks it against its clock can refuse a replayed request.

import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'Instrada-Signature'
export const EVENT_ID_HEADER = 'Instrada-Event-Id'

/** The header value for `body`, signed at `nowMs`. */
export function signWebhook (body: string, secret: string, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000)
  return `t=${t},v1=${hmacHex(secret, t, body)}`
}

/**
 * True when `header` carries a v1 signature of `body` under `secret` made within `toleranceS`
 * seconds of `nowMs` (either side). Several v1 entries are allowed (one may be from a rotated
 * secret); any matching one is enough. Compared in constant time.
 */
export function verifyWebhookSignature (body: string, header: string | null | undefined, secret: string, toleranceS = 300, nowMs = Date.now()): boolean {
  if (typeof header !== 'string' || header === '') return false
  let t: number | null = null
  const sigs: string[] = []
  for (const item of header.split(',')) {
    const eq = item.indexOf('=')
    if (eq < 0) continue
    const k = item.slice(0, eq).trim()
    const v = item.slice(eq + 1).trim()
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v)
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) sigs.push(v)
  }
  if (t === null || sigs.length === 0) return false
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return false
  const want = Buffer.from(hmacHex(secret, t, body), 'hex')
  return sigs.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), want))
}

function hmacHex (secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')
}
