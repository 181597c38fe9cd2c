import { Repeater, RepeaterError } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Cron, Effect, Result, Schedule } from "effect"
import { decode } from "./support/timingDecode.js"

describe("RepeaterTiming.decode: when a repeater runs, read from its options once", () => {
  it.effect("every: the period and mode in the kernel's trigger, the first run at once by default", () =>
    Effect.gen(function*() {
      const rate = yield* decode({ name: "rate", every: "2 seconds", mode: "rate" })
      assert.strictEqual(rate._tag, "Every")
      if (rate._tag !== "Every") return
      assert.deepStrictEqual([rate.trigger._tag, rate.mode, rate.every, rate.initialDelayMillis], [
        "EveryRate",
        "rate",
        2_000,
        0
      ])
      const delay = yield* decode({ name: "delay", every: 500 })
      assert.deepStrictEqual(
        delay._tag === "Every" && [delay.trigger._tag, delay.mode, delay.every],
        ["EveryDelay", "delay", 500]
      )
    }))

  it.effect("the first-run rule: initialDelay, or one period with waitFirst; a schedule's first step with waitFirst", () =>
    Effect.gen(function*() {
      const delayed = yield* decode({ name: "a", every: "1 minute", initialDelay: "5 seconds" })
      assert.strictEqual(delayed.initialDelayMillis, 5_000)
      const waiting = yield* decode({ name: "b", every: "1 minute", waitFirst: true })
      assert.strictEqual(waiting.initialDelayMillis, 60_000)
      const cron = yield* decode({ name: "c", cron: "0 * * * *", timeZone: "UTC", initialDelay: "2 hours" })
      assert.strictEqual(cron.initialDelayMillis, 7_200_000)
      const schedule = yield* decode({ name: "d", schedule: Schedule.spaced("1 second"), waitFirst: true })
      assert.deepStrictEqual([schedule._tag, schedule.initialDelayMillis], ["Schedule", undefined])
      const scheduleAtOnce = yield* decode({ name: "e", schedule: Schedule.spaced("1 second") })
      assert.strictEqual(scheduleAtOnce.initialDelayMillis, 0)
    }))

  it.effect("cron: the parsed expression in its time zone, the process's named zone by default", () =>
    Effect.gen(function*() {
      const utc = yield* decode({ name: "utc", cron: "0 3 * * *", timeZone: "Europe/Berlin" })
      assert.strictEqual(utc._tag, "Cron")
      if (utc._tag !== "Cron") return
      assert.strictEqual(utc.trigger._tag, "Cron")
      assert.isTrue(Cron.equals(utc.cron, Cron.parseUnsafe("0 3 * * *", "Europe/Berlin")))
      const local = yield* decode({ name: "local", cron: "0 3 * * *" })
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
      assert.isTrue(local._tag === "Cron" && Cron.equals(local.cron, Cron.parseUnsafe("0 3 * * *", zone)))
    }))

  it.effect("RepeaterTiming.decode fails on options fork rejects with the error Repeater.validate gives", () =>
    Effect.gen(function*() {
      const options = { name: "bad", cron: "0 * * * *", waitFirst: true } as const
      const decoded = yield* Effect.result(decode(options))
      const validated = yield* Effect.result(Repeater.validate(options))
      assert.isTrue(Result.isFailure(decoded) && decoded.failure instanceof RepeaterError.RepeaterConfigError)
      assert.deepStrictEqual(Result.getFailure(decoded), Result.getFailure(validated))
      const grace = yield* Effect.result(decode({ name: "bad", every: "1 second", grace: -1 }))
      assert.isTrue(Result.isFailure(grace) && grace.failure.field === "grace")
    }))
})
