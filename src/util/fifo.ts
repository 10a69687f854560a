// A growable ring buffer queue: push/shift/unshift in O(1) without the array shifting that
// `Array.prototype.shift` does on large queues.

export class Fifo<T> {
  private buf: Array<T | undefined>
  private head = 0
  private size = 0

  constructor (capacity = 16) {
    this.buf = new Array(capacity)
  }

  get length (): number { return this.size }

  push (item: T): void {
    if (this.size === this.buf.length) this.grow()
    this.buf[(this.head + this.size) % this.buf.length] = item
    this.size++
  }

  /** Puts an item back at the front (it keeps its turn). */
  unshift (item: T): void {
    if (this.size === this.buf.length) this.grow()
    this.head = (this.head - 1 + this.buf.length) % this.buf.length
    this.buf[this.head] = item
    this.size++
  }

  shift (): T | undefined {
    if (this.size === 0) return undefined
    const item = this.buf[this.head]
    this.buf[this.head] = undefined
    this.head = (this.head + 1) % this.buf.length
    this.size--
    return item
  }

  peek (): T | undefined {
    return this.size === 0 ? undefined : this.buf[this.head]
  }

  private grow (): void {
    const next = new Array<T | undefined>(this.buf.length * 2)
    for (let i = 0; i < this.size; i++) next[i] = this.buf[(this.head + i) % this.buf.length]
    this.buf = next
    this.head = 0
  }
}
