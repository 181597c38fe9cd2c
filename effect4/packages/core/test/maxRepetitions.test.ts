import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { advanceTo, forkJoinTime, joinResult, makeProbe, nextRunMillis, startRecorder } from "./support/probe.js"

describe("rate mode: maxRepetitions", () => {
  it.effect("0: no run, join succeeds at once", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", maxRepetitions: 0 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* joinResult(joined), 0)
      assert.strictEqual((yield* handle.status).state, "completed")
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("1: one run, completes right when it ends", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 4_000 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", maxRepetitions: 1 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(3_999)
      assert.strictEqual(yield* joinResult(joined), "pending")
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0])
      assert.strictEqual(yield* joinResult(joined), 4_000)
      assert.strictEqual((yield* handle.status).state, "completed")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("N: exactly N runs (failed ones included); completes right after the last run ends", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 4_000, fails: (run) => run === 1 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", maxRepetitions: 3 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(23_999)
      assert.strictEqual(yield* joinResult(joined), "pending")
      yield* advanceTo(24_000)
      assert.strictEqual(yield* joinResult(joined), 24_000)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000])
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.failures, 1)
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("maxRepetitions", () => {
  it.effect("0: no run at all, join succeeds at once, state completed", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "none", every: "10 seconds", maxRepetitions: 0 })
      const joined = yield* forkJoinTime(handle)
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* joinResult(joined), 0)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 0)
      assert.strictEqual(nextRunMillis(status), undefined)
      yield* advanceTo(3_600_000)
      assert.deepStrictEqual(probe.starts, [])
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("1: one run, the repeater completes right when it ends", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 4_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "once", every: "10 seconds", maxRepetitions: 1 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(3_999)
      assert.strictEqual(yield* joinResult(joined), "pending")
      assert.strictEqual((yield* handle.status).state, "running")
      yield* advanceTo(4_000)
      assert.strictEqual(yield* joinResult(joined), 4_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 1)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("N: exactly N runs; completes right after the last run ends, not one period later", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 2_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "three", every: "10 seconds", maxRepetitions: 3 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(25_999)
      assert.deepStrictEqual(probe.starts, [0, 12_000, 24_000])
      assert.strictEqual(yield* joinResult(joined), "pending")
      yield* advanceTo(26_000)
      assert.strictEqual(yield* joinResult(joined), 26_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(nextRunMillis(status), undefined)
      yield* advanceTo(200_000)
      assert.deepStrictEqual(probe.starts, [0, 12_000, 24_000])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("failed runs count toward maxRepetitions", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ fails: (run) => run !== 1 })
      const handle = yield* Repeater.fork(probe.task, { name: "failing", every: "10 seconds", maxRepetitions: 3 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000])
      assert.strictEqual(yield* joinResult(joined), 20_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.failures, 2)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("with a schedule: the repeater completes after N runs even though the schedule goes on", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "spaced", schedule: Schedule.spaced("10 seconds"), maxRepetitions: 2 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000])
      assert.strictEqual(yield* joinResult(joined), 10_000)
      assert.strictEqual((yield* handle.status).state, "completed")
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("maxRepetitions: interrupted runs", () => {
  it.effect("maxRepetitions bounds the runs even when runs end interrupted", () =>
    Effect.gen(function*() {
      const { starts, task } = startRecorder()
      const handle = yield* Repeater.fork(
        Effect.andThen(task, Effect.interrupt),
        { name: "self-interrupting", every: "10 seconds", maxRepetitions: 1 }
      )
      yield* TestClock.adjust("35 seconds")
      const state = (yield* handle.status).state
      yield* handle.stop()
      // "at most this many runs": one run, then the repeater completes
      assert.deepStrictEqual(starts, [0])
      assert.strictEqual(state, "completed")
    }).pipe(Effect.provide(Repeater.layer)))
})
