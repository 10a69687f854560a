import t from 'tap'
import { Fifo } from '../../src/util/fifo.js'

t.test('keeps order across growth, wrap-around and unshift', async (t) => {
  const q = new Fifo<number>(2)
  const model: number[] = []
  let next = 0
  // A seeded walk of pushes, shifts and unshifts compared against a plain array.
  let seed = 7
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff }
  for (let i = 0; i < 5000; i++) {
    const r = rnd()
    if (r < 0.5) { q.push(next); model.push(next); next++ } else if (r < 0.6) { q.unshift(next); model.unshift(next); next++ } else {
      const a = q.shift()
      const b = model.shift()
      if (a !== b) { t.fail(`step ${i}: got ${a} want ${b}`); return }
    }
    if (q.length !== model.length) { t.fail(`length at step ${i}`); return }
  }
  t.equal(q.peek(), model[0])
  const rest: number[] = []
  while (q.length > 0) rest.push(q.shift()!)
  t.same(rest, model)
  t.equal(q.shift(), undefined, 'empty queue shifts undefined')
})
