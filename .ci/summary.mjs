// Counts leaf test points of a TAP stream (assertions; a subtest counts through its own
// points) and prints "N passed, M failed". A subtest that failed without any failing point of
// its own (a crash, a timeout, a bad plan) counts as one failure. Exit 1 on any failure or
// when nothing ran.
import { readFileSync } from 'node:fs'
import { Parser } from 'tap-parser'

let passed = 0
let failed = 0
function watch (parser) {
  let child = null
  parser.on('child', (c) => { child = { failed: 0 }; watch(c); c.on('assert', (r) => { if (!r.ok && !r.todo && !r.skip) child.failed++ }) })
  parser.on('assert', (res) => {
    const wasParent = child !== null
    const childFailed = wasParent ? child.failed : 0
    child = null
    if (res.todo || res.skip) return
    if (!wasParent) { res.ok ? passed++ : failed++; return }
    if (!res.ok && childFailed === 0) failed++
  })
}
const parser = new Parser()
watch(parser)
parser.end(readFileSync(process.argv[2], 'utf8'))
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
