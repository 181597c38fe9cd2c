import * as Dispatcher from "@effect-repeater/kernel/Dispatcher"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fakeTime } from "./support/fakeTime.js"

interface Item extends Dispatcher.DispatchItem {
  readonly id: string
  wallAnchored: boolean
}

const item = (id: string, wallAnchored = false): Item => ({
  id,
  due: 0,
  heapIndex: -1,
  heapSeq: 0,
  wallAnchored,
  shiftBy(step) {
    return this.due + step
  }
})

const day = 86_400_000
const hour = 3_600_000

const setup = (start = 0) => {
  const time = fakeTime(start)
  const fired: Array<string> = []
  let onDue: (item: Item) => void = () => {}
  const dispatcher = Dispatcher.make<Item>(time.source, (item) => {
    fired.push(`${item.id}@${time.monotonic()}`)
    onDue(item)
  })
  return { time, fired, dispatcher, setOnDue: (f: (item: Item) => void) => void (onDue = f) }
}

describe("Dispatcher", () => {
  it("hands out each item at its due time, in due order, ties in the order they were queued", () => {
    const { dispatcher, fired, time } = setup()
    const [a, b, c] = [item("a"), item("b"), item("c")]
    dispatcher.schedule(a, 300)
    dispatcher.schedule(b, 100)
    dispatcher.schedule(c, 300)
    time.advance(99)
    expect(fired).toEqual([])
    time.advance(1_000)
    expect(fired).toEqual(["b@100", "a@300", "c@300"])
    expect(dispatcher.size).toBe(0)
  })

  it("holds one timer at a time, for the earliest item, and none once nothing is queued", () => {
    const { dispatcher, time } = setup()
    const [a, b] = [item("a"), item("b")]
    dispatcher.schedule(a, 1_000)
    dispatcher.schedule(b, 5_000) // later: the timer is kept
    expect(time.pending()).toBe(1)
    expect(time.waits).toEqual([1_000])
    dispatcher.schedule(b, 10) // earlier: re-armed
    expect(time.pending()).toBe(1)
    expect(time.waits).toEqual([1_000, 10])
    dispatcher.unschedule(b)
    dispatcher.unschedule(a)
    expect(time.pending()).toBe(0)
    expect(dispatcher.isScheduled(a)).toBe(false)
  })

  it("an item already due waits for a zero-length timer, never runs inside schedule", () => {
    const { dispatcher, fired, time } = setup()
    time.advance(50)
    dispatcher.schedule(item("a"), 10)
    expect(fired).toEqual([])
    expect(time.waits).toEqual([0])
    time.advance(0)
    expect(fired).toEqual(["a@50"])
  })

  it("an item rescheduled by onDue waits for the next timer turn, even when already due", () => {
    const { dispatcher, fired, setOnDue, time } = setup()
    const a = item("a")
    let runs = 0
    setOnDue((due) => {
      if (++runs < 3) dispatcher.schedule(due, 0)
    })
    dispatcher.schedule(a, 0)
    time.advance(0)
    // one turn per run: each run waited for a timer of its own
    expect(fired).toEqual(["a@0", "a@0", "a@0"])
    expect(time.waits).toEqual([0, 0, 0])
  })

  it("an item rescheduled by another item's onDue in the same turn keeps its new place", () => {
    const { dispatcher, fired, setOnDue, time } = setup()
    const [a, b] = [item("a"), item("b")]
    setOnDue((due) => {
      if (due === a && fired.length === 1) dispatcher.schedule(b, 50)
    })
    dispatcher.schedule(a, 10)
    dispatcher.schedule(b, 10)
    time.advance(100)
    expect(fired).toEqual(["a@10", "b@50"])
  })

  it("a wait above 2^31 - 1 ms is made of timers of at most 2^30 ms and ends exactly at the due time", () => {
    const { dispatcher, fired, time } = setup()
    dispatcher.schedule(item("a"), 30 * day)
    time.advance(30 * day - 1)
    expect(fired).toEqual([])
    time.advance(1)
    expect(fired).toEqual([`a@${30 * day}`])
    expect(Math.max(...time.waits)).toBe(2 ** 30)
  })

  it("a wall clock stepped back: plain items keep their due time, wall-anchored ones move by the step", () => {
    const { dispatcher, fired, time } = setup(10 * hour)
    const plain = item("plain")
    const cron = item("cron", true)
    dispatcher.schedule(plain, 10 * hour + 2 * hour)
    dispatcher.schedule(cron, 10 * hour + 2 * hour)
    time.advance(hour)
    time.step(-hour) // the wall clock reads 10:00 again
    expect(dispatcher.now()).toBe(11 * hour)
    expect(dispatcher.toWall(dispatcher.now())).toBe(10 * hour)
    time.advance(3 * hour)
    // (monotonic times: the plain item after 2 h, the wall-anchored one when the wall clock reads 12:00)
    expect(fired).toEqual([`plain@${2 * hour}`, `cron@${3 * hour}`])
  })

  it("a wall clock stepped forward is not absorbed: what fell due runs once, at once", () => {
    const { dispatcher, fired, time } = setup()
    const a = item("a")
    dispatcher.schedule(a, hour)
    time.step(2 * hour)
    time.advance(hour) // the timer wakes: its item is long due
    expect(fired).toEqual([`a@${hour}`])
    expect(dispatcher.now()).toBe(3 * hour)
  })

  it("a timer that wakes early within its resolution hands out the items due within it in that turn", () => {
    const time = fakeTime(0, { earlyWake: 0.75, timerResolutionMillis: 1 })
    const fired: Array<string> = []
    const dispatcher = Dispatcher.make<Item>(time.source, (item) => fired.push(`${item.id}@${time.monotonic()}`))
    dispatcher.schedule(item("a"), 10.5)
    dispatcher.schedule(item("b"), 10.75)
    dispatcher.schedule(item("c"), 11.5)
    time.advance(100)
    // one timer of 11 ms, awake at 10.25: a and b are due within 1 ms of it; c waits for a timer of its own (2 ms)
    expect(fired).toEqual(["a@10.25", "b@10.25", "c@11.5"])
    expect(time.waits).toEqual([11, 2])
  })

  it("a wall-anchored item never starts before its instant, whatever the timer's resolution", () => {
    const time = fakeTime(0, { earlyWake: 0.75, timerResolutionMillis: 1 })
    const fired: Array<string> = []
    const dispatcher = Dispatcher.make<Item>(time.source, (item) => fired.push(`${item.id}@${time.monotonic()}`))
    dispatcher.schedule(item("cron", true), 10.5)
    time.advance(100)
    expect(fired).toEqual(["cron@10.5"])
  })

  it("a timer that wakes early without a resolution said waits again for the rest", () => {
    const time = fakeTime(0, { earlyWake: 0.75, timerResolutionMillis: 0 })
    const fired: Array<string> = []
    const dispatcher = Dispatcher.make<Item>(time.source, (item) => fired.push(`${item.id}@${time.monotonic()}`))
    dispatcher.schedule(item("a"), 10.5)
    time.advance(100)
    expect(fired).toEqual(["a@10.5"])
    expect(time.waits).toEqual([11, 1])
  })

  it("after close nothing is queued, handed out or armed", () => {
    const { dispatcher, fired, time } = setup()
    dispatcher.schedule(item("a"), 10)
    dispatcher.close()
    dispatcher.schedule(item("b"), 20)
    time.advance(100)
    expect(fired).toEqual([])
    expect(dispatcher.size).toBe(0)
    expect(time.pending()).toBe(0)
  })

  it("random schedule / reschedule / unschedule: each item is handed out once, exactly at its last due time", () => {
    const op = fc.record({
      id: fc.nat(9),
      kind: fc.constantFrom("schedule", "schedule", "unschedule", "long"),
      due: fc.nat(5_000),
      advance: fc.nat(1_500)
    })
    fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const time = fakeTime()
      const items = Array.from({ length: 10 }, (_, id) => item(String(id)))
      const expected = new Map<string, number>()
      const errors: Array<string> = []
      const dispatcher = Dispatcher.make<Item>(time.source, (due) => {
        if (expected.get(due.id) !== time.monotonic()) {
          errors.push(`${due.id} at ${time.monotonic()}, due ${expected.get(due.id)}`)
        }
        expected.delete(due.id)
      })
      for (const o of ops) {
        const target = items[o.id]
        if (o.kind === "unschedule") {
          dispatcher.unschedule(target)
          expected.delete(target.id)
        } else {
          const due = time.monotonic() + (o.kind === "long" ? 2 ** 31 + o.due : o.due)
          dispatcher.schedule(target, due)
          expected.set(target.id, due)
        }
        time.advance(o.advance)
      }
      time.advance(2 ** 32)
      expect(errors).toEqual([])
      expect(expected.size).toBe(0)
      expect(time.pending()).toBe(0)
    }))
  })
})
