import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Option, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { pastDateRange } from "./support/hugeDelays.js"

describe("delays past what can be represented", () => {
  for (
    const [label, schedule] of [
      ["Schedule.spaced(Duration.infinity)", Schedule.spaced(Duration.infinity)],
      ["a delay past Date's range", Schedule.spaced(pastDateRange)]
    ] as const
  ) {
    it.effect(`${label}: the repeater runs once, completes with no next run, and status and list stay total`, () =>
      Effect.gen(function*() {
        const normal = yield* Repeater.fork(Effect.void, { name: "normal", every: "1 second" })
        const never = yield* Repeater.fork(Effect.void, { name: "never", schedule })
        yield* TestClock.adjust("1 second")
        const status = yield* never.status
        assert.strictEqual(status.runs, 1)
        assert.strictEqual(status.state, "completed")
        assert.isTrue(Option.isNone(status.nextRun))
        // a completed repeater leaves the list; the other one is still listed with its next run
        const list = yield* Repeater.list
        assert.deepStrictEqual(list.map((entry) => entry.name), ["normal"])
        assert.isTrue(Option.isSome(list[0].nextRun))
        assert.isTrue(Option.isSome((yield* normal.status).nextRun))
      }).pipe(Effect.provide(Repeater.layer)))
  }
})

describe("huge delays: every", () => {
  it.effect("a huge but finite every is rejected at construction or leaves list and status readable", () =>
    Effect.gen(function*() {
      yield* Repeater.fork(Effect.void, { name: "healthy", every: "1 second" })
      const exit = yield* Effect.exit(
        Repeater.fork(Effect.void, { name: "manual-only", every: Number.MAX_SAFE_INTEGER })
      )
      yield* TestClock.adjust("0 millis")
      if (Exit.isFailure(exit)) {
        const error = Cause.findErrorOption(exit.cause)
        assert.isTrue(
          Option.isSome(error) && error.value instanceof RepeaterConfigError && error.value.field === "every"
        )
      } else {
        const list = yield* Effect.exit(Repeater.list)
        assert.isTrue(Exit.isSuccess(list))
        if (Exit.isSuccess(list)) {
          assert.deepStrictEqual(list.value.map((status) => status.name), ["healthy", "manual-only"])
        }
        assert.isTrue(Exit.isSuccess(yield* Effect.exit(exit.value.status)))
      }
    }).pipe(Effect.provide(Repeater.layer)))
})
