// `instrada reconcile`: proves the books of every account (or one) in the LMDB store and exits
// non-zero on any mismatch. Safe while the router runs: it only reads (LMDB readers never
// block the writer).

import { parseArgs } from 'node:util'
import { ConfigNode } from '../config/node.js'
import { LmdbStore, parseStoreConfig, type StoreConfig } from '../store/index.js'

export const summary = 'check the credit ledger: balances, holds and open reservations per account'

const HELP = `usage: instrada reconcile (--config <file> | --store <path>) [--account <name>] [--json]

  --config <file>   read the store path from the file's store: section
  --store <path>    the LMDB environment directory
  --account <name>  check one account only
  --json            one JSON object per account instead of text

Per account: opening balance + ledger movements = balance, ledger hold changes = held =
sum of open reservations, available credit not negative. Exit code 0 when every account
reconciles, 1 on a mismatch, 2 on a usage error.`

function fmt (milli: number): string {
  const sign = milli < 0 ? '-' : ''
  const abs = Math.abs(milli)
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`
}

export async function run (argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      store: { type: 'string' },
      account: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help === true) {
    process.stdout.write(HELP + '\n')
    return 0
  }
  let config: StoreConfig
  if (values.store !== undefined) {
    config = parseStoreConfig(ConfigNode.parse(`path: ${JSON.stringify(values.store)}`, '--store'))
  } else if (values.config !== undefined) {
    config = parseStoreConfig(ConfigNode.load(values.config).child('store'))
  } else {
    process.stderr.write(HELP + '\n')
    return 2
  }
  const store = new LmdbStore({ config, recover: false, prune: false })
  await store.start()
  try {
    const results = await store.ledger.reconcile(values.account)
    let bad = 0
    for (const r of results) {
      if (!r.ok) bad++
      if (values.json === true) {
        process.stdout.write(JSON.stringify(r) + '\n')
        continue
      }
      process.stdout.write(`${r.ok ? 'ok ' : 'BAD'} ${r.account}: balance ${fmt(r.balance)} held ${fmt(r.held)} ` +
        `available ${fmt(r.balance - r.held)} (${r.entries} entries, open reservations ${fmt(r.openReservations)})\n`)
      for (const p of r.problems) process.stdout.write(`    ${p}\n`)
    }
    if (values.json !== true) process.stdout.write(`${results.length} account(s), ${bad} mismatch(es)\n`)
    return bad === 0 ? 0 : 1
  } finally {
    await store.close()
  }
}
