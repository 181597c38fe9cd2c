import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { advanceTo, forkJoinTime, joinResult, makeProbe, nextRunMillis } from "./support/probe.js"

describe("delay mode (the default)", () => {
  it.effect("instant runs start every period after the previous one ended: 0, 10, 20, 30 s", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "delay", every: "10 seconds" })
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0])
      const status = yield* handle.status
      assert.strictEqual(status.state, "scheduled")
      assert.strictEqual(status.runs, 1)
      assert.strictEqual(nextRunMillis(status), 10_000)
      yield* advanceTo(9_999)
      assert.deepStrictEqual(probe.starts, [0])
      yield* advanceTo(35_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000, 30_000])
      assert.strictEqual((yield* handle.status).runs, 4)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("runs that take 2 s start 12 s apart: the period is counted from each run's end", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 2_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "delay", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      const running = yield* handle.status
      assert.strictEqual(running.state, "running")
      assert.isTrue(running.inFlight)
      assert.strictEqual(nextRunMillis(running), undefined)
      yield* advanceTo(2_000)
      assert.strictEqual(nextRunMillis(yield* handle.status), 12_000)
      yield* advanceTo(40_000)
      assert.deepStrictEqual(probe.starts, [0, 12_000, 24_000, 36_000])
      assert.deepStrictEqual(probe.ends, [2_000, 14_000, 26_000, 38_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that outlasts its interval never overlaps: 15 s runs every 10 s start at 0, 25, 50 s", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 15_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "long", every: "10 seconds", maxRepetitions: 3 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(24_999)
      assert.deepStrictEqual(probe.starts, [0])
      yield* advanceTo(25_000)
      assert.deepStrictEqual(probe.starts, [0, 25_000])
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 25_000, 50_000])
      assert.deepStrictEqual(probe.ends, [15_000, 40_000, 65_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      const status = yield* handle.status
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.skippedTicks, 0)
      assert.strictEqual(yield* joinResult(joined), 65_000)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a failed run is followed one period after it ended, like a successful one", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: (run) => run === 0 ? 3_000 : 0, fails: (run) => run === 0 })
      const handle = yield* Repeater.fork(probe.task, { name: "failing", every: "10 seconds" })
      yield* advanceTo(30_000)
      assert.deepStrictEqual(probe.starts, [0, 13_000, 23_000])
      const status = yield* handle.status
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.failures, 1)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("smoke", () => {
  it.effect("delay mode runs at 0, 10, 20 s", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const task = Effect.clockWith((clock) => Effect.sync(() => starts.push(clock.currentTimeMillisUnsafe())))
      const handle = yield* Repeater.fork(task, { name: "a", every: "10 seconds" })
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])
      const status = yield* handle.status
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})
