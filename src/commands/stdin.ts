// A secret read from standard input (one line), so it stays out of the shell history and the
// process list.

export async function readSecret (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}
