import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schedule from "effect/Schedule"

describe("Repeater.validate", () => {
  it.effect("accepts valid options of every trigger", () =>
    Effect.gen(function*() {
      yield* Repeater.validate({ name: "a", every: "1 second", mode: "rate", jitter: "100 millis" })
      yield* Repeater.validate({ name: "b", cron: "*/5 * * * *", timeZone: "Europe/Berlin" })
      yield* Repeater.validate({ name: "c", schedule: Schedule.spaced("1 second"), waitFirst: true })
    }))

  it.effect("fails with the RepeaterConfigError that fork fails with, naming the field and the value", () =>
    Effect.gen(function*() {
      const validated = yield* Effect.flip(Repeater.validate({ name: "bad", every: "-5 seconds" }))
      assert.strictEqual(validated._tag, "RepeaterConfigError")
      assert.strictEqual(validated.field, "every")
      assert.strictEqual(validated.value, "-5 seconds")
      assert.strictEqual(validated.repeater, "bad")
      const forked = yield* Effect.exit(
        Effect.scoped(Repeater.fork(Effect.void, { name: "bad", every: "-5 seconds" })).pipe(
          Effect.provide(Repeater.layer)
        )
      )
      assert.deepStrictEqual(forked, Exit.fail(validated))
    }))

  it.effect("rejects a bad cron expression, a bad time zone and a jitter longer than every", () =>
    Effect.gen(function*() {
      const cron = yield* Effect.flip(Repeater.validate({ name: "c", cron: "not a cron" }))
      assert.strictEqual(cron.field, "cron")
      const zone = yield* Effect.flip(Repeater.validate({ name: "z", cron: "* * * * *", timeZone: "Mars/Base" }))
      assert.strictEqual(zone.field, "timeZone")
      assert.strictEqual(zone.value, "Mars/Base")
      const jitter = yield* Effect.flip(Repeater.validate({ name: "j", every: "1 second", jitter: "2 seconds" }))
      assert.strictEqual(jitter.field, "jitter")
    }))
})
