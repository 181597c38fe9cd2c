import * as Heap from "@effect-repeater/kernel/Heap"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

interface Item extends Heap.HeapItem {
  readonly id: number
}

const item = (id: number): Item => ({ id, due: 0, heapIndex: -1, heapSeq: 0 })

describe("Heap", () => {
  it("pops by due time, ties in insertion order", () => {
    const heap = Heap.make<Item>()
    const [a, b, c, d] = [item(0), item(1), item(2), item(3)]
    heap.set(a, 5)
    heap.set(b, 1)
    heap.set(c, 5)
    heap.set(d, 3)
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop(), heap.pop()].map((x) => x?.id)).toEqual([
      1,
      3,
      0,
      2,
      undefined
    ])
  })

  it("set moves an item already in the heap; remove and clear mark items as out", () => {
    const heap = Heap.make<Item>()
    const [a, b] = [item(0), item(1)]
    heap.set(a, 10)
    heap.set(b, 20)
    heap.set(b, 5)
    expect(heap.size).toBe(2)
    expect(heap.peek()).toBe(b)
    heap.remove(b)
    expect(heap.has(b)).toBe(false)
    expect(b.heapIndex).toBe(-1)
    heap.remove(b) // absent: nothing happens
    expect(heap.size).toBe(1)
    heap.clear()
    expect(heap.has(a)).toBe(false)
    expect(heap.size).toBe(0)
  })

  it("behaves as a sorted list under any sequence of set / remove / pop", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), id: fc.nat(15), due: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant("remove" as const), id: fc.nat(15) }),
      fc.record({ kind: fc.constant("pop" as const) })
    )
    fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
      const heap = Heap.make<Item>()
      const items = Array.from({ length: 16 }, (_, id) => item(id))
      // the model: [due, order of last set, id]
      let model: Array<[number, number, number]> = []
      let order = 0
      for (const o of ops) {
        if (o.kind === "set") {
          const existing = model.find(([, , id]) => id === o.id)
          heap.set(items[o.id], o.due)
          if (existing === undefined) model.push([o.due, order++, o.id])
          else existing[0] = o.due // a moved item keeps its insertion order
        } else if (o.kind === "remove") {
          heap.remove(items[o.id])
          model = model.filter(([, , id]) => id !== o.id)
        } else {
          model.sort((x, y) => x[0] - y[0] || x[1] - y[1])
          const expected = model.shift()
          expect(heap.pop()?.id).toBe(expected?.[2])
        }
        expect(heap.size).toBe(model.length)
      }
      model.sort((x, y) => x[0] - y[0] || x[1] - y[1])
      expect(Array.from({ length: heap.size }, () => heap.pop()!.id)).toEqual(model.map(([, , id]) => id))
    }))
  })
})
