// Carriers give a message id in submit_sm_resp and quote it again in the receipt. We index the
// id as the carrier gave it in submit_sm_resp, in a canonical form (trimmed, lower case, leading
// zeros dropped), and look receipts up by the same form only. Some carriers write hex in one place
// and decimal in the other: their config says so (carriers[].message_ids) and the correlator
// converts the receipt's id before the lookup. Guessing the other reading instead is unsafe: an
// all-digit id read as hex (or decimal) can be another message's id.

const HEX = /^[0-9a-f]+$/

export function canonicalCarrierId (raw: string): string {
  const s = raw.trim().toLowerCase()
  if (HEX.test(s)) {
    const stripped = s.replace(/^0+/, '')
    return stripped === '' ? '0' : stripped
  }
  return s
}
