/**
 * A `schedule` whose step throws or dies ends the repeater as failed with a
 * `RepeaterScheduleError`: `join` fails with it, the status and the `Failed`
 * event report it, and the name is free again.
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterScheduleError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import {
  Cause,
  Chunk,
  Effect,
  Exit,
  Fiber,
  Option,
  Schedule,
  ScheduleDecision,
  ScheduleInterval,
  Stream,
  TestClock
} from "effect"

const boom = new Error("boom")

/** A schedule that steps once (a run a second later), then throws from its step, or dies in it. */
const failingAfter = (steps: number, how: "throw" | "die") =>
  Schedule.makeWithState(0, (now, _input: unknown, state: number) => {
    if (state >= steps) {
      if (how === "throw") throw boom
      return Effect.die(boom)
    }
    return Effect.succeed(
      [state + 1, state, ScheduleDecision.continueWith(ScheduleInterval.after(now + 1_000))] as const
    )
  })

const expectScheduleFailure = (exit: Exit.Exit<void, unknown>) => {
  assert.isTrue(Exit.isFailure(exit))
  if (Exit.isSuccess(exit)) return
  const failure = Cause.failureOption(exit.cause)
  assert.isTrue(Option.isSome(failure))
  const error = Option.getOrThrow(failure)
  assert.instanceOf(error, RepeaterScheduleError)
  assert.deepStrictEqual(error, new RepeaterScheduleError({ repeater: "failing", cause: boom }))
}

describe("a schedule whose step fails", () => {
  for (const how of ["throw", "die"] as const) {
    for (const steps of [0, 1]) {
      it.scoped(`its step ${how === "throw" ? "throws" : "dies"} after ${steps} step(s): the repeater fails, join returns`, () =>
        Effect.gen(function*() {
          const service = yield* Repeater.Repeater
          const events = yield* Stream.runCollect(Stream.takeUntil(service.events, (event) => event._tag === "Failed"))
            .pipe(Effect.fork)
          yield* Effect.yieldNow()
          let runs = 0
          const handle = yield* Repeater.fork(Effect.sync(() => void runs++), {
            name: "failing",
            schedule: failingAfter(steps, how)
          })
          const join = yield* Effect.fork(Effect.exit(handle.join))
          yield* TestClock.adjust(5_000)
          expectScheduleFailure(yield* Fiber.join(join))
          const status = yield* handle.status
          assert.strictEqual(status.state, "failed")
          assert.strictEqual(status.runs, steps + 1)
          assert.include(Option.getOrElse(status.lastFailure, () => ""), "RepeaterScheduleError")
          assert.isTrue(Option.isSome(status.nextRun) === false)
          // the name is free again
          yield* Repeater.fork(Effect.void, { name: "failing", every: "1 hour" })
          const failed = Chunk.toReadonlyArray(yield* Fiber.join(events)).find((event) => event._tag === "Failed")
          assert.isDefined(failed)
          if (failed?._tag === "Failed") assert.isTrue(Cause.failureOption(failed.cause).pipe(Option.isSome))
        }).pipe(Effect.provide(Repeater.layer)))
    }
  }

  it.scoped("with waitFirst, a step that throws at once fails the repeater before any run", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.void, {
        name: "failing",
        schedule: failingAfter(0, "throw"),
        waitFirst: true
      })
      const join = yield* Effect.fork(Effect.exit(handle.join))
      yield* TestClock.adjust(1_000)
      expectScheduleFailure(yield* Fiber.join(join))
      assert.strictEqual((yield* handle.status).runs, 0)
    }).pipe(Effect.provide(Repeater.layer)))
})
