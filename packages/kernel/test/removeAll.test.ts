/**
 * Taking many items out at once: the heap's `removeAll` and the dispatcher's
 * `unscheduleAll` behave as one removal per item, whether the items are few
 * (removed one by one) or many (one pass and a rebuild).
 */
import * as Dispatcher from "@effect-repeater/kernel/Dispatcher"
import * as Heap from "@effect-repeater/kernel/Heap"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fakeTime } from "./support/fakeTime.js"

interface Item extends Dispatcher.DispatchItem {
  readonly id: number
}

const item = (id: number): Item => ({
  id,
  due: 0,
  heapIndex: -1,
  heapSeq: 0,
  wallAnchored: false,
  shiftBy(step) {
    return this.due + step
  }
})

describe("removing many items at once", () => {
  it("removeAll leaves the heap as removing each item would, for few and for many items", () => {
    const count = 64
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: count, maxLength: count }),
      fc.uniqueArray(fc.nat(count - 1), { maxLength: count }),
      fc.uniqueArray(fc.nat(count - 1), { maxLength: count }),
      (dues, present, removed) => {
        const items = Array.from({ length: count }, (_, id) => item(id))
        const bulk = Heap.make<Item>()
        const oneByOne = Heap.make<Item>()
        const twins = Array.from({ length: count }, (_, id) => item(id))
        for (const id of present) {
          bulk.set(items[id], dues[id])
          oneByOne.set(twins[id], dues[id])
        }
        // items that are not in the heap may be among those removed
        bulk.removeAll(removed.map((id) => items[id]))
        for (const id of removed) oneByOne.remove(twins[id])
        expect(bulk.size).toBe(oneByOne.size)
        for (const id of removed) expect(bulk.has(items[id])).toBe(false)
        const drain = (heap: Heap.TimerHeap<Item>) => Array.from({ length: heap.size }, () => heap.pop()!.id)
        expect(drain(bulk)).toEqual(drain(oneByOne))
      }
    ))
  })

  it("unscheduleAll of every queued item cancels the timer; of some, the rest still fire in order", () => {
    const time = fakeTime()
    const fired: Array<number> = []
    const dispatcher = Dispatcher.make<Item>(time.source, (due) => fired.push(due.id))
    const items = Array.from({ length: 100 }, (_, id) => item(id))
    items.forEach((each, id) => dispatcher.schedule(each, 1_000 + id))
    dispatcher.unscheduleAll(items.filter((each) => each.id % 2 === 0))
    expect(dispatcher.size).toBe(50)
    time.advance(2_000)
    expect(fired).toEqual(items.filter((each) => each.id % 2 === 1).map((each) => each.id))
    items.forEach((each) => dispatcher.schedule(each, 5_000))
    dispatcher.unscheduleAll(items)
    expect(dispatcher.size).toBe(0)
    expect(time.pending()).toBe(0)
  })
})
