// The HTTP benchmark's baseline: a bare node:http server that reads a JSON body, parses it and
// answers 202 with a small JSON, as POST /v1/messages does — the ceiling of node:http here, with
// no auth, rules, storage or routing. Its own process, like the router it is compared with.
// Run alone: npm run build && node dist/bench/http-echo.js [--port 8080]

import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

export async function startEcho (port = 0, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { to: string }
      const text = JSON.stringify({ messages: [{ id: '0000000000000000', to: body.to, parts: 1, encoding: 'gsm7', status: 'queued' }] })
      res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  return server
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' } } })
  const server = await startEcho(Number(values.port), values.host)
  process.stdout.write(`http echo listening on ${values.host}:${(server.address() as { port: number }).port}\n`)
  const stop = (): void => { server.closeAllConnections(); server.close(() => process.exit(0)) }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
