// `instrada hash-password [password]`: prints the scrypt hash to put in an account's
// password_hash. Reads the password from stdin when no argument is given (keeps it out of the
// shell history and the process list).

import { hashPassword } from '../smpp/auth.js'
import { readSecret } from './stdin.js'

export const summary = 'print the scrypt hash of an SMPP password (argument, or stdin)'

export async function run (argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write('usage: instrada hash-password [password]\n  prints scrypt$N$r$p$salt$hash; reads the password from stdin when omitted\n')
    return 0
  }
  const password = argv.length > 0 ? argv[0] : await readSecret()
  if (password === '') {
    process.stderr.write('instrada hash-password: empty password\n')
    return 2
  }
  // SMPP carries at most 8 password characters (9 octets with the NUL).
  if (Buffer.byteLength(password, 'latin1') > 8) {
    process.stderr.write('instrada hash-password: warning: SMPP passwords are at most 8 characters; clients cannot send this one\n')
  }
  process.stdout.write(await hashPassword(password) + '\n')
  return 0
}
