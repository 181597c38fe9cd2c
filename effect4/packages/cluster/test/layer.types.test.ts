/**
 * Type-level tests of `ClusterRepeater.layer`: the same call shapes as core's
 * `Repeater.background` (self first, or pipeable), core's trigger union and
 * `retry`'s input inferred from the effect's error.
 */
import { ClusterRepeater } from "@effect-repeater/cluster"
import type { RepeaterTimeoutError } from "@effect-repeater/core/RepeaterError"
import { describe, expectTypeOf, it } from "@effect/vitest"
import { Data, Effect, Schedule } from "effect"

class TaskError extends Data.TaggedError("TaskError")<{}> {}

const task: Effect.Effect<void, TaskError> = Effect.void

describe("ClusterRepeater.layer types", () => {
  it("data-first and data-last give the same layer", () => {
    const first = ClusterRepeater.layer(task, { name: "a", every: "1 second", missed: "skip" })
    const last = task.pipe(ClusterRepeater.layer({ name: "a", every: "1 second", missed: "skip" }))
    expectTypeOf(last).toEqualTypeOf(first)
  })

  it("retry's input is the effect's error or a timeout; two triggers are a type error", () => {
    ClusterRepeater.layer(task, {
      name: "a",
      cron: "0 * * * *",
      retry: Schedule.while(Schedule.forever.pipe(Schedule.setInputType<TaskError | RepeaterTimeoutError>()), (
        { input }
      ) => {
        expectTypeOf(input).toEqualTypeOf<TaskError | RepeaterTimeoutError>()
        return Effect.succeed(true)
      })
    })
    ClusterRepeater.layer(task, {
      name: "a",
      cron: "0 * * * *",
      // @ts-expect-error: a schedule that does not take a timeout
      retry: Schedule.forever.pipe(Schedule.setInputType<TaskError>())
    })
    // @ts-expect-error: every and cron together
    ClusterRepeater.layer(task, { name: "a", every: "1 second", cron: "0 * * * *" })
  })
})
