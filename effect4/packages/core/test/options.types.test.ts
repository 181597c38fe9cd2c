/**
 * Type-level tests of the public API: the call shapes of `fork` and
 * `background`, the options' triggers as a discriminated union, and the input
 * of `retry` checked against the repeated effect's error.
 */
import { Repeater } from "@effect-repeater/core"
import type { RepeaterConfigError, RepeaterTimeoutError } from "@effect-repeater/core/RepeaterError"
import type { RepeaterHandle } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import { Context, Effect, type Layer, Schedule, type Scope } from "effect"
import { TestClock } from "effect/testing"
import type { TaskError } from "./support/errors.js"
import { Transient } from "./support/errors.js"

class Db extends Context.Service<Db, { readonly clean: Effect.Effect<void, TaskError> }>()("Db") {}

const task: Effect.Effect<number, TaskError, Db> = Effect.flatMap(Db.use((db) => db.clean), () => Effect.succeed(1))

describe("Repeater types", () => {
  it("fork: data-first and data-last give the same effect", () => {
    const first = Repeater.fork(task, { name: "a", every: "1 second" })
    const last = task.pipe(Repeater.fork({ name: "a", every: "1 second" }))
    expectTypeOf(first).toEqualTypeOf<
      Effect.Effect<RepeaterHandle<TaskError>, RepeaterConfigError, Repeater.Repeater | Scope.Scope | Db>
    >()
    expectTypeOf(last).toEqualTypeOf(first)
  })

  it("background: data-first and data-last give the same layer", () => {
    const first = Repeater.background(task, { name: "a", cron: "0 3 * * *", timeZone: "UTC" })
    const last = task.pipe(Repeater.background({ name: "a", cron: "0 3 * * *" }))
    expectTypeOf(first).toEqualTypeOf<Layer.Layer<never, RepeaterConfigError, Repeater.Repeater | Db>>()
    expectTypeOf(last).toEqualTypeOf(first)
  })

  it("retry: a schedule that does not accept the effect's error is a type error", () => {
    const onlyTimeouts = Schedule.setInputType<RepeaterTimeoutError>()(Schedule.forever)
    // @ts-expect-error: the schedule would be given a TaskError
    Repeater.fork(task, { name: "a", every: "1 second", retry: onlyTimeouts })
    // @ts-expect-error: the schedule would be given a TaskError
    task.pipe(Repeater.fork({ name: "a", every: "1 second", retry: onlyTimeouts }))
    const both = Schedule.setInputType<TaskError | RepeaterTimeoutError>()(Schedule.forever)
    task.pipe(Repeater.fork({ name: "a", every: "1 second", retry: both }))
  })

  it("options: exactly one trigger", () => {
    // @ts-expect-error: every and cron together
    Repeater.fork(task, { name: "a", every: "1 second", cron: "* * * * *" })
    // @ts-expect-error: cron and schedule together
    Repeater.fork(task, { name: "a", cron: "* * * * *", schedule: Schedule.forever })
    // @ts-expect-error: no trigger
    Repeater.fork(task, { name: "a" })
    // @ts-expect-error: mode belongs to every
    Repeater.fork(task, { name: "a", cron: "* * * * *", mode: "rate" })
    // @ts-expect-error: timeZone belongs to cron
    Repeater.validate({ name: "a", every: "1 second", timeZone: "UTC" })
  })

  it("options: narrowed by the trigger", () => {
    const check = (options: Repeater.RepeaterOptions) => {
      if (options.every !== undefined) expectTypeOf(options).toEqualTypeOf<Repeater.EveryOptions>()
      if (options.cron !== undefined) expectTypeOf(options.timeZone).toEqualTypeOf<string | undefined>()
    }
    check({ name: "a", every: "1 second", mode: "rate" })
  })
})

describe("pipeable form", () => {
  it.effect("pipeable form: effect.pipe(Repeater.fork(options)) keeps the error type in the handle", () =>
    Effect.gen(function*() {
      const handle = yield* Effect.fail(new Transient({ attempt: 7 })).pipe(
        Repeater.fork({ name: "api-pipe", every: "1 minute", onError: "stop" })
      )
      const typed: RepeaterHandle<Transient> = handle
      yield* TestClock.adjust("0 millis")
      const error = yield* Effect.flip(typed.join)
      assert.deepStrictEqual(error, new Transient({ attempt: 7 }))
    }).pipe(Effect.provide(Repeater.layer)))
})
