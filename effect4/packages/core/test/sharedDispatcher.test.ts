import { Repeater } from "@effect-repeater/core"
import type { RepeaterHandle } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { Dispatcher, type DispatchItem } from "../src/internal/dispatcher.js"
import { startRecorder } from "./support/probe.js"
import { mark, now } from "./support/time.js"

describe("runs: the runs due in one timer turn", () => {
  it.effect("repeaters due at the same instant run in the order they were scheduled, each at its exact time", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      for (const name of ["a", "b", "c"]) {
        yield* Repeater.fork(mark(log, name), { name, every: "1 second", waitFirst: true })
      }
      yield* Repeater.fork(mark(log, "d"), { name: "d", every: "2 seconds", waitFirst: true })
      yield* TestClock.adjust("4 seconds")
      assert.deepStrictEqual(log, [
        "a@1000",
        "b@1000",
        "c@1000",
        // d was scheduled for 2 s at 0 s, before a, b and c (at 1 s): it goes first
        "d@2000",
        "a@2000",
        "b@2000",
        "c@2000",
        "a@3000",
        "b@3000",
        "c@3000",
        "d@4000",
        "a@4000",
        "b@4000",
        "c@4000"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that ends at once is in flight while it runs: its own status says running, its runNow is coalesced", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      let run = 0
      const task = Effect.gen(function*() {
        const index = ++run
        const self = yield* Repeater.get("self")
        const status = yield* self.status
        yield* mark(log, `run ${index} ${status.state} inFlight=${status.inFlight}`)
        if (index === 1) yield* self.runNow
      })
      yield* Repeater.fork(task, { name: "self", every: "10 seconds", waitFirst: true })
      yield* TestClock.adjust("15 seconds")
      // the runNow asked for during run 1 is one run right after it, never a second run at the same time
      assert.deepStrictEqual(log, [
        "run 1 running inFlight=true@10000",
        "run 2 running inFlight=true@10000"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that stops its own repeater synchronously is its last run", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.gen(function*() {
        const self = yield* Repeater.get("self")
        yield* mark(log, `stop ${yield* self.stop()}`)
      })
      const handle = yield* Repeater.fork(task, { name: "self", every: "1 second", waitFirst: true })
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(log, ["stop finished@1000"])
      assert.strictEqual((yield* handle.status).state, "stopped")
      assert.strictEqual((yield* handle.status).runs, 1)
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("one dispatcher for every repeater of a service", () => {
  interface Item extends DispatchItem {
    readonly id: number
  }

  it.effect(
    "50 repeaters with different intervals, modes, delays and run lengths each keep their exact schedule",
    () =>
      Effect.gen(function*() {
        const window = 30_000
        const kinds: ReadonlyArray<"rate" | "delay" | "schedule"> = ["rate", "delay", "schedule"]
        const specs = Array.from({ length: 50 }, (_, i) => ({
          name: `r${i}`,
          every: 1_000 + i * 173,
          duration: (i % 5) * 100,
          initialDelay: (i % 3) * 250,
          kind: kinds[i % 3]
        }))
        const recorders = specs.map((spec) => startRecorder(spec.duration))
        const handles: Array<RepeaterHandle<never>> = []
        for (const [i, spec] of specs.entries()) {
          const base = { name: spec.name, initialDelay: Duration.millis(spec.initialDelay) }
          handles.push(
            yield* Repeater.fork(
              recorders[i]!.task,
              spec.kind === "schedule" ?
                { ...base, schedule: Schedule.spaced(Duration.millis(spec.every)) } :
                { ...base, every: Duration.millis(spec.every), mode: spec.kind }
            )
          )
        }
        // uneven steps: the test fiber interleaves with the dispatcher at odd instants
        for (const step of [0, 1, 998, 7_001, 13, 12_987, 9_000]) yield* TestClock.adjust(Duration.millis(step))
        assert.strictEqual(yield* now, window)
        for (const [i, spec] of specs.entries()) {
          const expected: Array<number> = []
          if (spec.kind === "rate") {
            for (let t = spec.initialDelay; t <= window; t += spec.every) expected.push(t)
          } else {
            for (let t = spec.initialDelay; t <= window; t += spec.duration + spec.every) expected.push(t)
          }
          assert.deepStrictEqual(recorders[i]!.starts, expected, spec.name)
          const status = yield* handles[i]!.status
          assert.strictEqual(status.skippedTicks, 0, spec.name)
        }
        yield* Effect.forEach(handles, (handle) => handle.stop({ grace: "0 millis" }), { concurrency: "unbounded" })
        assert.deepStrictEqual(yield* Repeater.list, [])
      }).pipe(Effect.provide(Repeater.layer)),
    120_000
  )

  it.effect(
    "the dispatcher re-arms for earlier due times: resume, runNow, a new fork and a stop among far timers",
    () =>
      Effect.gen(function*() {
        const hourly = startRecorder()
        const tenSeconds = startRecorder()
        const halfHourly = startRecorder()
        const fast = startRecorder()
        yield* Repeater.fork(hourly.task, { name: "hourly", every: "1 hour", waitFirst: true })
        const b = yield* Repeater.fork(tenSeconds.task, { name: "ten", every: "10 seconds", waitFirst: true })
        const c = yield* Repeater.fork(halfHourly.task, { name: "half", every: "30 minutes", waitFirst: true })
        yield* TestClock.adjust("1 second")
        yield* b.pause
        yield* TestClock.adjust("1 second")
        yield* b.resume // its run at 10 s had not fallen due: kept
        yield* TestClock.adjust("3 seconds")
        yield* c.runNow // at 5 s, far before its 30 min
        yield* TestClock.adjust("2 seconds")
        const d = yield* Repeater.fork(fast.task, { name: "fast", every: "1 second" }) // at 7 s
        yield* TestClock.adjust("2500 millis")
        yield* d.stop()
        yield* TestClock.adjust(Duration.millis(3_600_000 - 9_500))
        assert.deepStrictEqual(fast.starts, [7_000, 8_000, 9_000])
        assert.deepStrictEqual(halfHourly.starts, [5_000, 1_805_000])
        assert.deepStrictEqual(
          tenSeconds.starts,
          Array.from({ length: 360 }, (_, k) => 10_000 * (k + 1))
        )
        assert.deepStrictEqual(hourly.starts, [3_600_000])
      }).pipe(Effect.provide(Repeater.layer)),
    30_000
  )

  it.effect(
    "Dispatcher: random schedule / reschedule / unschedule, also from inside onDue: each item fires once, exactly at its last due time",
    () =>
      Effect.gen(function*() {
        const context = yield* Effect.context<never>()
        const clock = yield* Clock.clockWith(Effect.succeed)
        // mulberry32: a small seeded PRNG, so that the sequence of operations is the same on every run
        let seed = 20_260_115
        const random = (bound: number) => {
          seed = (seed + 0x6d2b79f5) | 0
          let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
          x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
          return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4_294_967_296) * bound)
        }
        const items: Array<Item> = Array.from({ length: 40 }, (_, id) => ({
          id,
          due: 0,
          heapIndex: -1,
          heapSeq: 0,
          wallAnchored: false,
          shiftBy(step: number) {
            return this.due + step
          }
        }))
        const pick = (): Item => items[random(items.length)]!
        const expectedDue = new Map<number, number>()
        const fired: Array<number> = []
        const errors: Array<string> = []
        const onDue = (item: Item) => {
          const t = clock.currentTimeMillisUnsafe()
          const due = expectedDue.get(item.id)
          if (due !== t) errors.push(`item ${item.id} fired at ${t}, due ${due}`)
          if (dispatcher.isScheduled(item)) errors.push(`item ${item.id} is still in the heap while it fires`)
          expectedDue.delete(item.id)
          fired.push(t)
          // from inside the firing loop: unschedule another item (maybe due now as well), reschedule one
          // at or shortly after now, or this one later
          const other = pick()
          switch (random(4)) {
            case 0:
              unschedule(other)
              break
            case 1:
              schedule(other, t + random(50))
              break
            case 2:
              schedule(item, t + 1 + random(2_000))
              break
          }
        }
        const dispatcher = new Dispatcher<Item>(context, clock, onDue)
        function schedule(item: Item, due: number) {
          expectedDue.set(item.id, due)
          dispatcher.schedule(item, due)
        }
        function unschedule(item: Item) {
          expectedDue.delete(item.id)
          dispatcher.unschedule(item)
        }
        for (let step = 0; step < 300; step++) {
          const t = clock.currentTimeMillisUnsafe()
          for (let op = random(4); op > 0; op--) {
            const item = pick()
            const choice = random(10)
            if (choice < 5) schedule(item, t + random(5_000))
            else if (choice < 7) unschedule(item)
            else if (choice < 9) schedule(item, t + random(200))
            else schedule(item, t + 2 ** 30 + random(2 ** 20)) // longer than one timer
          }
          yield* TestClock.adjust(Duration.millis(random(1_500)))
        }
        // let every remaining item fall due
        yield* TestClock.adjust(Duration.millis(2 ** 31))
        assert.deepStrictEqual(errors, [])
        assert.deepStrictEqual([...expectedDue.entries()], [])
        assert.strictEqual(dispatcher.size, 0)
        assert.isAbove(fired.length, 300)
        for (let i = 1; i < fired.length; i++) assert.isAtMost(fired[i - 1]!, fired[i]!)
        dispatcher.close()
      }),
    30_000
  )
})
