import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { advanceTo, forkJoinTime, joinResult, makeProbe, nextRunMillis, startRecorder } from "./support/probe.js"
import { now } from "./support/time.js"

describe("runNow", () => {
  it.scoped("starts a run at once when idle; the next run is one period after it ended", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "now", every: "10 seconds" })
      yield* advanceTo(3_000)
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0, 3_000])
      assert.strictEqual(nextRunMillis(yield* handle.status), 13_000)
      yield* advanceTo(25_000)
      assert.deepStrictEqual(probe.starts, [0, 3_000, 13_000, 23_000])
      assert.strictEqual((yield* handle.status).runs, 4)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("while a run is in flight, several runNow calls coalesce into one run right after it", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 5_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "coalesce", every: "10 seconds" })
      yield* advanceTo(2_000)
      yield* handle.runNow
      yield* handle.runNow
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0])
      yield* advanceTo(5_000)
      assert.deepStrictEqual(probe.starts, [0, 5_000])
      yield* advanceTo(27_000)
      assert.deepStrictEqual(probe.starts, [0, 5_000, 20_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      const status = yield* handle.status
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.state, "scheduled")
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("delay mode: runNow while paused runs once and stays paused", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 1_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "paused", every: "10 seconds" })
      yield* advanceTo(5_000)
      yield* handle.pause
      yield* advanceTo(7_000)
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0, 7_000])
      assert.strictEqual((yield* handle.status).state, "paused")
      yield* advanceTo(8_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "paused")
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(nextRunMillis(status), undefined)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 7_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("runNow while paused with a run in flight: one run right after it, still paused", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 4_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "paused", every: "10 seconds" })
      yield* advanceTo(1_000)
      yield* handle.pause
      yield* handle.runNow
      yield* handle.runNow
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 4_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      const status = yield* handle.status
      assert.strictEqual(status.state, "paused")
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a runNow run counts toward maxRepetitions; runNow after the end does nothing", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "counted", every: "10 seconds", maxRepetitions: 2 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(3_000)
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0, 3_000])
      assert.strictEqual(yield* joinResult(joined), 3_000)
      assert.strictEqual((yield* handle.status).state, "completed")
      yield* handle.runNow
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 3_000])
      assert.strictEqual((yield* handle.status).runs, 2)
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("delay mode: runNow before the first run fired replaces it (one run at 0)", () =>
    Effect.gen(function*() {
      const { starts, task } = startRecorder()
      const handle = yield* Repeater.fork(task, { name: "delay", every: "10 seconds" })
      yield* handle.runNow
      yield* TestClock.adjust("15 seconds")
      assert.deepStrictEqual(starts, [0, 10_000])
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("rate mode: runNow", () => {
  it.scoped("runNow when idle starts at once and does not move the grid", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* advanceTo(3_000)
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0, 3_000])
      assert.strictEqual(nextRunMillis(yield* handle.status), 10_000)
      yield* advanceTo(20_000)
      assert.deepStrictEqual(probe.starts, [0, 3_000, 10_000, 20_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("runNow calls during a run coalesce into one run right after it; the grid goes on", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 5_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* advanceTo(2_000)
      yield* handle.runNow
      yield* handle.runNow
      yield* handle.runNow
      yield* advanceTo(5_000)
      assert.deepStrictEqual(probe.starts, [0, 5_000])
      yield* advanceTo(26_000)
      // the coalesced run (5 -> 10 s) ends on tick 10 s, which then runs at once
      assert.deepStrictEqual(probe.starts, [0, 5_000, 10_000, 20_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("rate mode: runNow while paused runs once and stays paused", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* advanceTo(5_000)
      yield* handle.pause
      yield* advanceTo(7_000)
      yield* handle.runNow
      yield* advanceTo(46_000)
      assert.deepStrictEqual(probe.starts, [0, 7_000])
      const status = yield* handle.status
      assert.strictEqual(status.state, "paused")
      assert.strictEqual(nextRunMillis(status), undefined)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a runNow run counts toward maxRepetitions", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", maxRepetitions: 2 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(3_000)
      yield* handle.runNow
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 3_000])
      assert.strictEqual(yield* joinResult(joined), 3_000)
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("an overrun with a runNow coalesced behind it is followed by exactly one run, never two", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const task = Effect.flatMap(now, (t) =>
        Effect.suspend(() => {
          starts.push(t)
          return starts.length === 1 ? Effect.sleep("25 seconds") : Effect.void
        }))
      const handle = yield* Repeater.fork(task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* TestClock.adjust("5 seconds")
      yield* handle.runNow
      yield* TestClock.adjust("30 seconds")
      // run 1 (0 to 25 s) overran the ticks at 10 and 20 s; the coalesced runNow is the one run at 25 s
      assert.deepStrictEqual(starts, [0, 25_000, 30_000])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("rate mode: runNow before the first tick fired adds a run; the tick at t0 still runs (two runs at 0)", () =>
    Effect.gen(function*() {
      const { starts, task } = startRecorder()
      const handle = yield* Repeater.fork(task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* handle.runNow
      yield* TestClock.adjust("15 seconds")
      assert.deepStrictEqual(starts, [0, 0, 10_000])
      assert.strictEqual((yield* handle.status).runs, 3)
    }).pipe(Effect.provide(Repeater.layer)))
})
