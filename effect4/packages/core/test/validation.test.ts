import { Repeater } from "@effect-repeater/core"
import type { RepeaterOptions } from "@effect-repeater/core/Repeater"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Config, ConfigProvider, Duration, Effect, Layer, Random, Schedule } from "effect"
import { TestClock } from "effect/testing"

/**
 * Options as an untyped (JavaScript) caller may give them: no trigger, or
 * several. The types reject them; the runtime check must too.
 */
const untyped = (options: { readonly name: string; readonly [option: string]: unknown }) =>
  options as unknown as RepeaterOptions<never>

/**
 * Forks a repeater with `options` and checks that construction fails with a
 * `RepeaterConfigError` naming `field` and `value`, and that nothing was
 * started: the task never runs and the service holds no repeater.
 */
const rejects = (
  options: RepeaterOptions<never>,
  field: string,
  value: unknown,
  mentions: ReadonlyArray<string>
) =>
  Effect.gen(function*() {
    let runs = 0
    const error = yield* Effect.flip(Repeater.fork(Effect.sync(() => runs++), options))
    assert.instanceOf(error, RepeaterConfigError)
    assert.strictEqual(error._tag, "RepeaterConfigError")
    assert.strictEqual(error.field, field)
    assert.deepStrictEqual(error.value, value)
    assert.include(error.message, field)
    for (const text of mentions) assert.include(error.message, text)
    yield* TestClock.adjust("400 days")
    assert.strictEqual(runs, 0)
    assert.deepStrictEqual(yield* Repeater.list, [])
  }).pipe(Effect.provide(Repeater.layer))

/** Forks a valid repeater and returns the virtual start times of its runs within `window`. */
const startsWith = (options: RepeaterOptions<never>, window: Duration.Input) =>
  Effect.gen(function*() {
    const starts: Array<number> = []
    const task = Effect.clockWith((clock) => Effect.sync(() => starts.push(clock.currentTimeMillisUnsafe())))
    const handle = yield* Repeater.fork(task, options)
    yield* TestClock.adjust(window)
    yield* handle.stop()
    return starts
  }).pipe(Effect.provide(Repeater.layer))

const nonFinite: ReadonlyArray<Duration.Input> = [
  Infinity,
  -Infinity,
  NaN,
  Duration.infinity,
  [Infinity, 0]
]
const zero: ReadonlyArray<Duration.Input> = [0, "0 seconds", "0 millis", Duration.zero, 0n, [0, 0]]
const negative: ReadonlyArray<Duration.Input> = [-5, -0.5, "-5 seconds", "-1 millis", -5n, [-1, 0]]

/** What of a rejected duration must appear in the error's message (for a tuple, both its numbers). */
const mentionsOf = (value: Duration.Input): ReadonlyArray<string> =>
  Duration.isDuration(value) ? [Duration.format(value)] : Array.isArray(value) ? value.map(String) : [String(value)]

/** A distinct test title for each value. */
const label = (value: Duration.Input): string =>
  Duration.isDuration(value) ?
    `Duration(${Duration.format(value)})` :
    typeof value === "bigint" ?
    `${value}n` :
    typeof value === "string" ?
    JSON.stringify(value) :
    Array.isArray(value) ?
    `[${value.join(", ")}]` :
    String(value)

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

describe("validation: names", () => {
  it.effect("an empty name is rejected", () => rejects({ name: "", every: "1 second" }, "name", "", ["\"\""]))

  // every name accepted can be carried by a URL path segment (the HTTP admin API's /repeaters/:name)
  it.effect.each([
    ["longer than 100 characters", "x".repeat(101), "at most 100 characters"],
    ["of a million characters", "n".repeat(1_000_000), "this one has 1000000"],
    ["\".\"", ".", "resolve away"],
    ["\"..\"", "..", "resolve away"],
    ["with a line break", "nightly\nreport", "control characters"],
    ["with a NUL", "a\u0000", "control characters"],
    ["with DEL", "a\u007f", "control characters"],
    ["with a C1 control", "a\u0085b", "control characters"],
    ["with a lone surrogate", "a\ud800", "lone surrogate"],
    ["with a dotted capital I", "İstanbul", "U+0130"]
  ])("a name %s is rejected", ([, name, reason]) =>
    Effect.gen(function*() {
      yield* rejects({ name, every: "1 second" }, "name", name, [reason!])
      const validated = yield* Effect.flip(Repeater.validate({ name, every: "1 second" }))
      assert.strictEqual(validated.field, "name")
      assert.strictEqual(validated.value, name)
    }))

  it.effect("names of up to 100 characters with any printable character are accepted", () =>
    Effect.gen(function*() {
      const names = [
        "x".repeat(100),
        "😀".repeat(50),
        "a b",
        " padded ",
        "a/b",
        "/",
        "%",
        "%41",
        "a?b",
        "a#b",
        "a;b",
        "a+b&c=d",
        "a\\b",
        "...",
        ".hidden",
        "ß",
        "Ω",
        "i\u0307",
        "events",
        "EVENTS"
      ]
      for (const name of names) {
        const handle = yield* Repeater.fork(Effect.void, { name, every: "1 hour", waitFirst: true })
        assert.strictEqual(handle.name, name)
      }
      assert.strictEqual((yield* Repeater.list).length, names.length)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a taken name is rejected, and the repeater that holds it runs on", () =>
    Effect.gen(function*() {
      const first: Array<number> = []
      let second = 0
      yield* Repeater.fork(
        Effect.clockWith((clock) => Effect.sync(() => first.push(clock.currentTimeMillisUnsafe()))),
        { name: "taken", every: "10 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      const error = yield* Effect.flip(
        Repeater.fork(Effect.sync(() => second++), { name: "taken", every: "1 second" })
      )
      assert.instanceOf(error, RepeaterConfigError)
      assert.strictEqual(error.field, "name")
      assert.strictEqual(error.value, "taken")
      assert.include(error.message, "name")
      assert.include(error.message, "\"taken\"")
      yield* TestClock.adjust("25 seconds")
      assert.strictEqual(second, 0)
      assert.deepStrictEqual(first, [0, 10_000, 20_000])
      const list = yield* Repeater.list
      assert.deepStrictEqual(list.map((status) => status.name), ["taken"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a name is free again once its repeater has ended", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.void, { name: "reused", every: "10 seconds" })
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* handle.stop(), "idle")
      let runs = 0
      const again = yield* Repeater.fork(Effect.sync(() => runs++), { name: "reused", every: "10 seconds" })
      yield* TestClock.adjust("15 seconds")
      assert.strictEqual(runs, 2)
      assert.strictEqual((yield* again.status).runs, 2)
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["reused"])
    }).pipe(Effect.provide(Repeater.layer)))
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

describe("validation: service settings", () => {
  const settingsError = (settings: Parameters<typeof Repeater.layerWith>[0]) =>
    Effect.flip(Effect.scoped(Layer.build(Repeater.layerWith(settings))))

  it.effect("a negative or non-finite defaultGrace fails the layer with a RepeaterConfigError", () =>
    Effect.gen(function*() {
      for (const defaultGrace of [-1, "-5 seconds", Infinity, NaN] as const) {
        const error = yield* settingsError({ defaultGrace })
        assert.instanceOf(error, RepeaterConfigError)
        assert.strictEqual(error.field, "defaultGrace")
        assert.deepStrictEqual(error.value, defaultGrace)
        assert.include(error.message, "defaultGrace")
      }
    }))

  it.effect("an eventBufferSize that is not a whole number of 1 or more fails the layer", () =>
    Effect.gen(function*() {
      for (const eventBufferSize of [0, -3, 1.5, NaN]) {
        const error = yield* settingsError({ eventBufferSize })
        assert.strictEqual(error.field, "eventBufferSize")
        assert.deepStrictEqual(error.value, eventBufferSize)
        assert.include(error.message, String(eventBufferSize))
      }
    }))

  it.effect("valid settings build the service: defaultGrace 0 interrupts an in-flight run at once", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.never, { name: "zero-grace", every: "1 minute" })
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* handle.stop(), "interrupted")
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0, eventBufferSize: 16 }))))
})

describe("Repeater.layerConfig", () => {
  const fromEnv = (env: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env }))
  const settings = {
    defaultGrace: Config.Duration("REPEATER_DEFAULT_GRACE").pipe(Config.withDefault(Duration.seconds(30)))
  }

  it.effect("reads the settings from Config: a default grace of 0 interrupts an in-flight run at once", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.never, { name: "from-config", every: "1 minute" })
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* handle.stop(), "interrupted")
    }).pipe(
      Effect.provide(
        Repeater.layerConfig(settings).pipe(Layer.provide(fromEnv({ REPEATER_DEFAULT_GRACE: "0 millis" })))
      )
    ))

  it.effect("an invalid value fails the layer with a ConfigError naming the key", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(
          Repeater.layerConfig(settings).pipe(Layer.provide(fromEnv({ REPEATER_DEFAULT_GRACE: "soon" })))
        ))
      )
      assert.isTrue(error instanceof Config.ConfigError)
      assert.include(String(error), "REPEATER_DEFAULT_GRACE")
    }))

  it.effect("a negative grace from Config fails the layer with a RepeaterConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(
          Repeater.layerConfig({ defaultGrace: Config.Number("GRACE_MILLIS") }).pipe(
            Layer.provide(fromEnv({ GRACE_MILLIS: "-1" }))
          )
        ))
      )
      assert.instanceOf(error, RepeaterConfigError)
    }))
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
