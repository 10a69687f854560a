// Credits as operators write them (a JSON number or a decimal string, at most three decimals,
// like the config's `initial_credit: 12.5`) to integer milli-credits, exactly: parsed as text,
// never through a float multiplication, so 0.1 + 0.2 style errors cannot reach the ledger.

const DECIMAL = /^(-?)(\d{1,12})(?:\.(\d{1,3}))?$/

/** Milli-credits, or why the value is not an amount. */
export function milliCredits (v: unknown, opts: { negative?: boolean } = {}): number | string {
  let text: string
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return 'must be a finite number'
    text = String(v)
  } else if (typeof v === 'string') text = v.trim()
  else return 'must be a number of credits (e.g. 12.5) or a decimal string'
  const m = DECIMAL.exec(text)
  if (m === null) return 'must be a number of credits with at most three decimals (milli-credits)'
  const milli = Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0'))
  if (milli === 0) return 'must not be zero'
  if (m[1] === '-' && opts.negative !== true) return 'must be positive'
  return m[1] === '-' ? -milli : milli
}

/** Milli-credits as credits (a JSON number: at most three decimals by construction). */
export function credits (milli: number): number {
  return milli / 1000
}
