import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Random } from "effect"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schedule from "effect/Schedule"
import { TestClock } from "effect/testing"
import { label, mentionsOf, negative, nonFinite, rejects, startsWith, untyped, zero } from "./support/rejections.js"

describe("validation: durations", () => {
  for (const value of [...nonFinite, ...zero, ...negative]) {
    it.effect(`every: ${label(value)} is rejected`, () =>
      rejects({ name: "r", every: value }, "every", value, mentionsOf(value)))

    it.effect(`timeout: ${label(value)} is rejected`, () =>
      rejects({ name: "r", every: "10 seconds", timeout: value }, "timeout", value, mentionsOf(value)))
  }

  for (const value of [...nonFinite, ...negative]) {
    it.effect(`initialDelay: ${label(value)} is rejected`, () =>
      rejects({ name: "r", every: "10 seconds", initialDelay: value }, "initialDelay", value, mentionsOf(value)))

    it.effect(`jitter: ${label(value)} is rejected`, () =>
      rejects({ name: "r", every: "10 seconds", jitter: value }, "jitter", value, mentionsOf(value)))

    it.effect(`grace: ${label(value)} is rejected`, () =>
      rejects({ name: "r", every: "10 seconds", grace: value }, "grace", value, mentionsOf(value)))
  }

  for (const value of zero) {
    it.effect(`initialDelay: ${label(value)} is accepted and the first run starts at once`, () =>
      Effect.gen(function*() {
        const starts = yield* startsWith({ name: "r", every: "10 seconds", initialDelay: value }, "25 seconds")
        assert.deepStrictEqual(starts, [0, 10_000, 20_000])
      }))
  }

  const unreadable: ReadonlyArray<readonly [string, string]> = [
    ["5 secs", "is not a duration Effect can read: try \"5 seconds\""],
    ["2 hrs", "is not a duration Effect can read: try \"2 hours\""],
    ["10 mins", "is not a duration Effect can read: try \"10 minutes\""],
    ["250ms", "is not a duration Effect can read: try \"250 millis\""],
    ["3 dayz", "is not a duration Effect can read: try \"3 days\""],
    ["1.5 h", "is not a duration Effect can read: try \"1.5 hours\""]
  ]
  for (const [value, reason] of unreadable) {
    it.effect(`every: ${JSON.stringify(value)} is not a duration Effect can read, and the error says how to write it`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Repeater.fork(Effect.void, untyped({ name: "cleanup", every: value })))
        assert.strictEqual(error.field, "every")
        assert.strictEqual(error.value, value)
        assert.strictEqual(error.reason, reason)
        assert.strictEqual(
          error.message,
          `Invalid option "every" of repeater "cleanup": ${JSON.stringify(value)} ${reason}`
        )
      }).pipe(Effect.provide(Repeater.layer)))
  }

  it.effect("timeout: a string with no recognisable unit names the units Effect reads", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Repeater.fork(Effect.void, untyped({ name: "cleanup", every: "1 hour", timeout: "soon" }))
      )
      assert.strictEqual(error.field, "timeout")
      assert.strictEqual(
        error.reason,
        "is not a duration Effect can read: write a number and one of the units nanos, micros, millis, seconds, " +
          "minutes, hours, days, weeks, such as \"5 seconds\""
      )
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("initialDelay: a positive delay is accepted", () =>
    Effect.gen(function*() {
      const starts = yield* startsWith({ name: "r", every: "10 seconds", initialDelay: "3 seconds" }, "25 seconds")
      assert.deepStrictEqual(starts, [3_000, 13_000, 23_000])
    }))

  it.effect("jitter: 0 is accepted and means none", () =>
    Effect.gen(function*() {
      const starts = yield* startsWith({ name: "r", every: "10 seconds", jitter: 0 }, "25 seconds")
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])
    }))

  for (const jitter of ["10 seconds", 10_000, "15 seconds", Duration.minutes(1)] as const) {
    it.effect(`jitter: ${label(jitter)}, not shorter than every (10 seconds), is rejected`, () =>
      rejects({ name: "r", every: "10 seconds", jitter }, "jitter", jitter, mentionsOf(jitter)))
  }

  // Seeded, so that each case draws the same jitter on every test run.
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it.effect(`jitter: just below every is accepted, and the first run starts within it (seed ${seed})`, () =>
      Effect.gen(function*() {
        // The first start falls in [0, 9999 ms).
        const starts = yield* startsWith({ name: "r", every: "10 seconds", jitter: "9999 millis" }, "9999 millis")
        assert.strictEqual(starts.length, 1)
        assert.isBelow(starts[0], 9_999)
      }).pipe(Random.withSeed(seed)))
  }
})

describe("validation: maxRepetitions", () => {
  for (const value of [1.5, 0.1, -1, -0.5, NaN]) {
    it.effect(`maxRepetitions: ${value} is rejected`, () =>
      rejects({ name: "r", every: "10 seconds", maxRepetitions: value }, "maxRepetitions", value, [String(value)]))
  }
})

describe("validation: the trigger", () => {
  it.effect("none of every/cron/schedule is rejected", () =>
    rejects(untyped({ name: "r" }), "every", undefined, ["every", "cron", "schedule"]))

  it.effect("every and cron together are rejected", () =>
    rejects(
      untyped({ name: "r", every: "10 seconds", cron: "*/5 * * * *" }),
      "every/cron",
      { every: "10 seconds", cron: "*/5 * * * *" },
      ["10 seconds", "*/5 * * * *"]
    ))

  it.effect("cron and schedule together are rejected", () =>
    Effect.gen(function*() {
      let runs = 0
      const error = yield* Effect.flip(
        Repeater.fork(
          Effect.sync(() => runs++),
          untyped({ name: "r", cron: "0 3 * * *", schedule: Schedule.spaced("1 second") })
        )
      )
      assert.instanceOf(error, RepeaterConfigError)
      assert.strictEqual(error.field, "cron/schedule")
      assert.include(error.message, "cron/schedule")
      assert.include(error.message, "0 3 * * *")
      assert.isObject(error.value)
      assert.propertyVal(error.value, "cron", "0 3 * * *")
      assert.property(error.value, "schedule")
      yield* TestClock.adjust("2 days")
      assert.strictEqual(runs, 0)
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("every, cron and schedule together are rejected", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Repeater.fork(
          Effect.void,
          untyped({ name: "r", every: "1 second", cron: "* * * * *", schedule: Schedule.spaced("1 second") })
        )
      )
      assert.instanceOf(error, RepeaterConfigError)
      assert.strictEqual(error.field, "every/cron/schedule")
      assert.include(error.message, "every/cron/schedule")
      assert.propertyVal(error.value, "every", "1 second")
      assert.propertyVal(error.value, "cron", "* * * * *")
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("mode with cron (without every) is rejected", () =>
    rejects(untyped({ name: "r", cron: "* * * * *", timeZone: "UTC", mode: "rate" }), "mode", "rate", ["rate"]))

  it.effect("mode with schedule (without every) is rejected", () =>
    rejects(untyped({ name: "r", schedule: Schedule.spaced("1 second"), mode: "delay" }), "mode", "delay", ["delay"]))

  it.effect("timeZone with every (without cron) is rejected", () =>
    rejects(untyped({ name: "r", every: "1 second", timeZone: "Europe/Berlin" }), "timeZone", "Europe/Berlin", [
      "Europe/Berlin"
    ]))

  it.effect("timeZone with schedule (without cron) is rejected", () =>
    rejects(untyped({ name: "r", schedule: Schedule.spaced("1 second"), timeZone: "UTC" }), "timeZone", "UTC", ["UTC"]))

  for (
    const cron of ["not a cron", "60 * * * *", "* 24 * * *", "* * 32 * *", "* * * 13 *", "* * *", "", "* * * * * * *"]
  ) {
    it.effect(`an invalid cron expression ${JSON.stringify(cron)} is rejected`, () =>
      rejects({ name: "r", cron, timeZone: "UTC" }, "cron", cron, [JSON.stringify(cron)]))
  }

  for (const timeZone of ["Mars/Olympus_Mons", "Europe/Berln", "Not a zone"]) {
    it.effect(`an unknown time zone ${timeZone} is rejected at construction`, () =>
      rejects({ name: "r", cron: "* * * * *", timeZone }, "timeZone", timeZone, [timeZone]))
  }

  for (const cron of ["0 0 30 2 *", "0 0 31 4 *", "0 0 31 2,4,6,9,11 *"]) {
    it.effect(`a cron that never matches (${cron}) is rejected`, () =>
      rejects({ name: "r", cron, timeZone: "UTC" }, "cron", cron, [cron]))
  }

  it.effect("waitFirst with initialDelay is rejected", () =>
    rejects({ name: "r", every: "10 seconds", waitFirst: true, initialDelay: "1 second" }, "waitFirst", true, [
      "true",
      "initialDelay"
    ]))

  it.effect("waitFirst with cron is rejected", () =>
    rejects({ name: "r", cron: "* * * * *", timeZone: "UTC", waitFirst: true }, "waitFirst", true, ["true", "cron"]))
})

describe("validation: stop", () => {
  for (const grace of [-1, "-1 seconds", -1n, Infinity, NaN] as const) {
    it.effect(`stop({ grace: ${label(grace)} }) is rejected and the repeater runs on`, () =>
      Effect.gen(function*() {
        const starts: Array<number> = []
        const handle = yield* Repeater.fork(
          Effect.clockWith((clock) => Effect.sync(() => starts.push(clock.currentTimeMillisUnsafe()))),
          { name: "r", every: "10 seconds" }
        )
        yield* TestClock.adjust("0 millis")
        const error = yield* Effect.flip(handle.stop({ grace }))
        assert.instanceOf(error, RepeaterConfigError)
        assert.strictEqual(error.field, "grace")
        assert.deepStrictEqual(error.value, grace)
        assert.include(error.message, "grace")
        for (const text of mentionsOf(grace)) assert.include(error.message, text)
        assert.strictEqual((yield* handle.status).state, "scheduled")
        yield* TestClock.adjust("15 seconds")
        assert.deepStrictEqual(starts, [0, 10_000])
        assert.strictEqual(yield* handle.stop({ grace: "1 second" }), "idle")
        assert.strictEqual((yield* handle.status).state, "stopped")
      }).pipe(Effect.provide(Repeater.layer)))
  }
})

describe("validation: the same duration string in several fields and repeaters", () => {
  it.effect("\"0 millis\" accepted as an initialDelay is still rejected as every, and each repeater keeps its own", () =>
    Effect.gen(function*() {
      const first = yield* startsWith({ name: "zero-delay", every: "3 seconds", initialDelay: "0 millis" }, "7 seconds")
      yield* rejects({ name: "zero-every", every: "0 millis" }, "every", "0 millis", ["0 millis"])
      const second = yield* startsWith({ name: "again", every: "2 seconds", initialDelay: "0 millis" }, "5 seconds")
      assert.deepStrictEqual(first, [0, 3_000, 6_000])
      // (after the first window, 7 s, and the 400 days `rejects` waits)
      const t = 7_000 + 400 * 86_400_000
      assert.deepStrictEqual(second, [t, t + 2_000, t + 4_000])
    }))
})

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
