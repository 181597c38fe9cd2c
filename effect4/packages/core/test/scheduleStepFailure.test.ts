/**
 * A `schedule` whose step throws or dies ends the repeater as failed with a
 * `RepeaterScheduleError`: `join` fails with it, the status and the `Failed`
 * event report it, and the name is free again.
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterScheduleError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Option, Schedule, Stream } from "effect"
import { TestClock } from "effect/testing"
import { failureOption } from "./support/effect3.js"

const boom = new Error("boom")

/** A schedule that steps `steps` times (a run a second later each), then throws from its step, or dies in it. */
const failingAfter = (steps: number, how: "throw" | "die") =>
  Schedule.fromStep(Effect.sync(() => {
    let state = 0
    return (_now: number, _input: unknown) => {
      if (state >= steps) {
        if (how === "throw") throw boom
        return Effect.die(boom)
      }
      state++
      return Effect.succeed([state, Duration.seconds(1)] as [number, Duration.Duration])
    }
  }))

const expectScheduleFailure = (exit: Exit.Exit<void, unknown>) => {
  assert.isTrue(Exit.isFailure(exit))
  if (Exit.isSuccess(exit)) return
  const failure = failureOption(exit.cause)
  assert.isTrue(Option.isSome(failure))
  const error = Option.getOrThrow(failure)
  assert.instanceOf(error, RepeaterScheduleError)
  assert.deepStrictEqual(error, new RepeaterScheduleError({ repeater: "failing", cause: boom }))
}

describe("a schedule whose step fails", () => {
  for (const how of ["throw", "die"] as const) {
    for (const steps of [0, 1]) {
      it.effect(`its step ${how === "throw" ? "throws" : "dies"} after ${steps} step(s): the repeater fails, join returns`, () =>
        Effect.gen(function*() {
          const events = yield* Effect.forkChild(
            Stream.runCollect(Stream.takeUntil(Repeater.events, (event) => event._tag === "Failed"))
          )
          yield* TestClock.adjust("0 millis")
          let runs = 0
          const handle = yield* Repeater.fork(Effect.sync(() => void runs++), {
            name: "failing",
            schedule: failingAfter(steps, how)
          })
          const join = yield* Effect.forkChild(Effect.exit(handle.join))
          yield* TestClock.adjust("5 seconds")
          expectScheduleFailure(yield* Fiber.join(join))
          const status = yield* handle.status
          assert.strictEqual(status.state, "failed")
          assert.strictEqual(status.runs, steps + 1)
          assert.include(Option.getOrElse(status.lastFailure, () => ""), "RepeaterScheduleError")
          assert.isTrue(Option.isSome(status.nextRun) === false)
          // the name is free again
          yield* Repeater.fork(Effect.void, { name: "failing", every: "1 hour" })
          const failed = Array.from(yield* Fiber.join(events)).find((event) => event._tag === "Failed")
          assert.isDefined(failed)
          if (failed?._tag === "Failed") assert.isTrue(Option.isSome(failureOption(failed.cause)))
        }).pipe(Effect.provide(Repeater.layer)))
    }
  }

  it.effect("with waitFirst, a step that throws at once fails the repeater before any run", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.void, {
        name: "failing",
        schedule: failingAfter(0, "throw"),
        waitFirst: true
      })
      const join = yield* Effect.forkChild(Effect.exit(handle.join))
      yield* TestClock.adjust("1 second")
      expectScheduleFailure(yield* Fiber.join(join))
      assert.strictEqual((yield* handle.status).runs, 0)
    }).pipe(Effect.provide(Repeater.layer)))
})
