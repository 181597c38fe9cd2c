import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { dieOption, failureOption, originalError } from "./support/effect3.js"
import { assertPending, recordingTask, timed } from "./support/stopTiming.js"
import { TaskError } from "./support/taskFailures.js"

describe("join", () => {
  it.effect("succeeds right after the last run when maxRepetitions is reached", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        recordingTask(starts, 1_000),
        { name: "three", every: "10 seconds", maxRepetitions: 3 }
      )
      const joined = yield* Effect.forkChild(timed(Effect.exit(handle.join)))
      yield* TestClock.adjust("22999 millis")
      yield* assertPending(joined)
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(joined), [Exit.void, 23_000])
      assert.deepStrictEqual(starts, [0, 11_000, 22_000])
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 3)
      // a join after the end returns at once
      assert.deepStrictEqual(yield* timed(Effect.exit(handle.join)), [Exit.void, 23_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("succeeds when the repeater is stopped, at the time stop ends", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(recordingTask(starts, 2_000), { name: "stopped", every: "10 seconds" })
      const joined = yield* Effect.forkChild(timed(Effect.exit(handle.join)))
      yield* TestClock.adjust("11 seconds")
      assert.deepStrictEqual(starts, [0])
      yield* assertPending(joined)
      assert.strictEqual(yield* handle.stop(), "idle")
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(yield* Fiber.join(joined), [Exit.void, 11_000])
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(starts, [0])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("succeeds when the repeater is stopped with an in-flight run interrupted", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.sleep("1 minute"), { name: "stopped", every: "10 seconds" })
      const joined = yield* Effect.forkChild(timed(Effect.exit(handle.join)))
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.forkChild(handle.stop({ grace: "2 seconds" }))
      yield* TestClock.adjust("1999 millis")
      yield* assertPending(joined)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
      assert.deepStrictEqual(yield* Fiber.join(joined), [Exit.void, 3_000])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("fails with the run's typed error in onError \"stop\" mode", () =>
    Effect.gen(function*() {
      const error = new TaskError({ message: "run 2 broke" })
      let run = 0
      const task = Effect.suspend(() => ++run === 2 ? Effect.fail(error) : Effect.void)
      const handle = yield* Repeater.fork(task, { name: "fails", every: "10 seconds", onError: "stop" })
      const joined = yield* Effect.forkChild(timed(Effect.flip(handle.join)))
      yield* TestClock.adjust("9999 millis")
      yield* assertPending(joined)
      yield* TestClock.adjust("1 millis")
      const [failure, at] = yield* Fiber.join(joined)
      // the failure went through the run's span: Effect hands it over wrapped, Cause.originalError unwraps it
      assert.strictEqual(originalError(failure), error)
      assert.strictEqual(failure._tag, "TaskError")
      assert.strictEqual(at, 10_000)
      assert.strictEqual((yield* handle.status).state, "failed")
      // a later join fails the same way
      assert.strictEqual(originalError(yield* Effect.flip(handle.join)), error)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(run, 2)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("fails with the run's defect as a defect in onError \"stop\" mode", () =>
    Effect.gen(function*() {
      const defect = new Error("run 2 crashed")
      let run = 0
      const task = Effect.suspend(() => ++run === 2 ? Effect.die(defect) : Effect.void)
      const handle = yield* Repeater.fork(task, { name: "dies", every: "10 seconds", onError: "stop" })
      const joined = yield* Effect.forkChild(timed(Effect.exit(handle.join)))
      yield* TestClock.adjust("10 seconds")
      const [exit, at] = yield* Fiber.join(joined)
      assert.strictEqual(at, 10_000)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        assert.deepStrictEqual(Option.map(dieOption(exit.cause), originalError), Option.some(defect))
        assert.isTrue(Option.isNone(failureOption(exit.cause)))
      }
      assert.strictEqual((yield* handle.status).state, "failed")
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(run, 2)
    }).pipe(Effect.provide(Repeater.layer)))
})
