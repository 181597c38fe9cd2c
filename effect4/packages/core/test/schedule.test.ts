import { Repeater } from "@effect-repeater/core"
import { RepeaterScheduleError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { settle } from "./support/effect3.js"
import {
  advanceTo,
  forkJoinTime,
  joinResult,
  makeProbe,
  nextRunMillis,
  now,
  poll,
  startRecorder
} from "./support/probe.js"

describe("schedule option", () => {
  it.effect("Schedule.spaced(\"10 seconds\") with instant runs: 0, 10, 20, 30 s", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "spaced", schedule: Schedule.spaced("10 seconds") })
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0])
      assert.strictEqual(nextRunMillis(yield* handle.status), 10_000)
      yield* advanceTo(35_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000, 30_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("each delay is stepped after the run ended, as Effect.repeat does (spaced and fixed)", () =>
    Effect.gen(function*() {
      const spaced = makeProbe({ duration: () => 3_000 })
      const fixed = makeProbe({ duration: () => 3_000 })
      const spacedReference = makeProbe({ duration: () => 3_000 })
      const fixedReference = makeProbe({ duration: () => 3_000 })
      const a = yield* Repeater.fork(spaced.task, { name: "spaced", schedule: Schedule.spaced("10 seconds") })
      const b = yield* Repeater.fork(fixed.task, { name: "fixed", schedule: Schedule.fixed("10 seconds") })
      yield* Effect.forkChild(Effect.repeat(spacedReference.task, Schedule.spaced("10 seconds")))
      yield* Effect.forkChild(Effect.repeat(fixedReference.task, Schedule.fixed("10 seconds")))
      yield* advanceTo(47_000)
      assert.deepStrictEqual(spaced.starts, [0, 13_000, 26_000, 39_000])
      // Schedule.fixed anchors its grid at its first step, made when the first run ended (3 s)
      assert.deepStrictEqual(fixed.starts, [0, 13_000, 23_000, 33_000, 43_000])
      assert.deepStrictEqual(spaced.starts, spacedReference.starts)
      assert.deepStrictEqual(fixed.starts, fixedReference.starts)
      assert.strictEqual(spaced.maxConcurrent(), 1)
      assert.strictEqual(fixed.maxConcurrent(), 1)
      assert.strictEqual(yield* a.stop(), "idle")
      assert.strictEqual(yield* b.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a finite schedule (recurs(2) with spacing) completes the repeater after its last run", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 1_000 })
      const reference = makeProbe({ duration: () => 1_000 })
      const schedule = Schedule.max([Schedule.spaced("10 seconds"), Schedule.recurs(2)])
      const handle = yield* Repeater.fork(probe.task, { name: "finite", schedule })
      const joined = yield* forkJoinTime(handle)
      const referenceFiber = yield* Effect.forkChild(Effect.andThen(Effect.repeat(reference.task, schedule), now))
      yield* advanceTo(22_999)
      assert.strictEqual(yield* joinResult(joined), "pending")
      yield* advanceTo(23_000)
      assert.deepStrictEqual(probe.starts, [0, 11_000, 22_000])
      assert.deepStrictEqual(probe.starts, reference.starts)
      assert.strictEqual(yield* joinResult(joined), 23_000)
      assert.strictEqual(yield* joinResult(referenceFiber), 23_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(nextRunMillis(status), undefined)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 11_000, 22_000])
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Schedule.recurs(2) alone: three runs at once, then completed", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "recurs", schedule: Schedule.recurs(2) })
      const joined = yield* forkJoinTime(handle)
      yield* TestClock.adjust("0 millis")
      yield* settle
      assert.deepStrictEqual(probe.starts, [0, 0, 0])
      assert.strictEqual(yield* joinResult(joined), 0)
      assert.strictEqual((yield* handle.status).state, "completed")
    }).pipe(Effect.provide(Repeater.layer)))
})

const isScheduleFailure = (cause: Cause.Cause<unknown>): boolean =>
  Option.exists(Cause.findErrorOption(cause), (error) => error instanceof RepeaterScheduleError)

describe("schedule: a schedule that dies", () => {
  it.effect("a schedule that dies when stepped ends the repeater failed; join does not hang", () =>
    Effect.gen(function*() {
      const { starts, task } = startRecorder()
      const schedule = Schedule.spaced("10 seconds").pipe(
        Schedule.tap(({ output }) => output >= 1 ? Effect.die("schedule broke") : Effect.void)
      )
      const handle = yield* Repeater.fork(task, { name: "broken-schedule", schedule })
      const joined = yield* Effect.forkChild(Effect.exit(handle.join))
      yield* TestClock.adjust("1 minute")
      const status = yield* handle.status
      const joinExit = yield* poll(joined)
      assert.deepStrictEqual(starts, [0, 10_000])
      assert.strictEqual(status.state, "failed")
      assert.isTrue(Option.isSome(joinExit))
      if (Option.isSome(joinExit)) {
        const exit = joinExit.value
        // (join fails with a RepeaterScheduleError carrying the defect)
        assert.isTrue(Exit.isSuccess(exit) && Exit.isFailure(exit.value) && isScheduleFailure(exit.value.cause))
      }
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a schedule that dies while planning the first run leaves no repeater behind and frees its name", () =>
    Effect.gen(function*() {
      const schedule = Schedule.spaced("1 second").pipe(Schedule.tap(() => Effect.die("broken schedule")))
      const handle = yield* Repeater.fork(Effect.void, { name: "zombie", waitFirst: true, schedule })
      // like a schedule that dies later: the repeater ends failed, join fails with a RepeaterScheduleError
      const joined = yield* Effect.exit(handle.join)
      assert.isTrue(Exit.isFailure(joined) && isScheduleFailure(joined.cause))
      assert.strictEqual((yield* handle.status).state, "failed")
      assert.deepStrictEqual(yield* Repeater.list, [])
      const again = yield* Effect.exit(Repeater.fork(Effect.void, { name: "zombie", every: "1 second" }))
      assert.isTrue(Exit.isSuccess(again))
    }).pipe(Effect.provide(Repeater.layer)))
})
