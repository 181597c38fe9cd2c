import type { HeapItem } from "../Heap.js"

/**
 * An indexed binary min-heap of timers: each item stores its own due time and
 * position, so that rescheduling and removal are O(log n) without any extra
 * node objects. Ties are broken by insertion order.
 */
export class TimerHeap<A extends HeapItem> {
  private readonly items: Array<A> = []
  private seq = 0

  get size(): number {
    return this.items.length
  }

  peek(): A | undefined {
    return this.items[0]
  }

  has(item: A): boolean {
    return item.heapIndex >= 0
  }

  /** Inserts the item with the given due time, or moves it there if present. */
  set(item: A, due: number): void {
    if (item.heapIndex >= 0) {
      item.due = due
      this.up(item.heapIndex)
      this.down(item.heapIndex)
      return
    }
    item.due = due
    item.heapSeq = this.seq++
    item.heapIndex = this.items.length
    this.items.push(item)
    this.up(item.heapIndex)
  }

  remove(item: A): void {
    const index = item.heapIndex
    if (index < 0) return
    const last = this.items.pop()!
    item.heapIndex = -1
    if (index < this.items.length) {
      this.items[index] = last
      last.heapIndex = index
      this.up(index)
      this.down(last.heapIndex)
    }
  }

  /**
   * Takes many items out at once: one pass over the heap and a rebuild (O(n)) when they are many, one
   * removal each (O(log n)) when they are few.
   */
  removeAll(items: ReadonlyArray<A>): void {
    if (items.length * 16 < this.items.length) {
      for (const item of items) this.remove(item)
      return
    }
    for (const item of items) item.heapIndex = -1
    const kept = this.items.filter((item) => item.heapIndex >= 0)
    this.items.length = 0
    for (const item of kept) {
      item.heapIndex = this.items.length
      this.items.push(item)
    }
    for (let index = (this.items.length >> 1) - 1; index >= 0; index--) this.down(index)
  }

  pop(): A | undefined {
    const first = this.items[0]
    if (first !== undefined) this.remove(first)
    return first
  }

  filter(predicate: (item: A) => boolean): Array<A> {
    return this.items.filter(predicate)
  }

  clear(): void {
    for (const item of this.items) item.heapIndex = -1
    this.items.length = 0
  }

  private less(a: A, b: A): boolean {
    return a.due < b.due || (a.due === b.due && a.heapSeq < b.heapSeq)
  }

  private up(index: number): void {
    const items = this.items
    const item = items[index]
    while (index > 0) {
      const parentIndex = (index - 1) >> 1
      const parent = items[parentIndex]
      if (!this.less(item, parent)) break
      items[index] = parent
      parent.heapIndex = index
      index = parentIndex
    }
    items[index] = item
    item.heapIndex = index
  }

  private down(index: number): void {
    const items = this.items
    const length = items.length
    const item = items[index]
    for (;;) {
      const left = 2 * index + 1
      if (left >= length) break
      const right = left + 1
      const child = right < length && this.less(items[right], items[left]) ? right : left
      if (!this.less(items[child], item)) break
      items[index] = items[child]
      items[index].heapIndex = index
      index = child
    }
    items[index] = item
    item.heapIndex = index
  }
}

export const make = <A extends HeapItem>(): TimerHeap<A> => new TimerHeap<A>()
