// Carriers give a message id in submit_sm_resp and quote it again in the receipt, but some
// write it in hex in one place and decimal in the other. We index the id exactly as the
// carrier gave it in submit_sm_resp (canonical form: trimmed, lower case, leading zeros
// dropped) and at lookup try, in order: the exact form, then the other reading of the same
// number (decimal → hex, hex → decimal). Indexing one key keeps the commit path to one put;
// trying the exact form first means two different messages whose ids only collide under the
// other reading are never confused with an exact match.

const DEC = /^[0-9]+$/
const HEX = /^[0-9a-f]+$/

export function canonicalCarrierId (raw: string): string {
  const s = raw.trim().toLowerCase()
  if (HEX.test(s)) {
    const stripped = s.replace(/^0+/, '')
    return stripped === '' ? '0' : stripped
  }
  return s
}

/** Canonical forms to look up for an id quoted in a receipt, most likely first. */
export function carrierIdCandidates (raw: string): string[] {
  const exact = canonicalCarrierId(raw)
  const out = [exact]
  if (exact.length > 40) return out
  if (DEC.test(exact)) {
    const hex = BigInt(exact).toString(16)
    if (hex !== exact) out.push(hex)
  }
  if (HEX.test(exact)) {
    const dec = BigInt('0x' + exact).toString(10)
    if (dec !== exact && !out.includes(dec)) out.push(dec)
  }
  return out
}
