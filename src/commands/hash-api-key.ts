// `instrada hash-api-key [key]`: prints the hash to put in an account's api_keys (or the http
// admin_key_hash). Reads the key from stdin when no argument is given, to keep it out of the
// shell history and the process list.

import { hashApiKey } from '../http/index.js'
import { readSecret } from './stdin.js'

export const summary = 'print the hash of an HTTP API key (argument, or stdin)'

export async function run (argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write('usage: instrada hash-api-key [key]\n  prints sha256$<hex> for accounts[].api_keys; reads the key from stdin when omitted\n')
    return 0
  }
  const key = argv.length > 0 ? argv[0] : await readSecret()
  if (key.length < 12) {
    process.stderr.write('instrada hash-api-key: a key needs at least 12 characters\n')
    return 2
  }
  process.stdout.write(hashApiKey(key) + '\n')
  return 0
}
