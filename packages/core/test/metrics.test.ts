import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { Boom, Transient } from "./support/errors.js"
import {
  counterTotal,
  counterValue,
  gaugeValue,
  histogramOf,
  histogramValue,
  inFlightGauge
} from "./support/metrics.js"
import { millisOf } from "./support/time.js"

const runsTotal = (repeater: string, outcome: "success" | "failure") =>
  counterValue("repeater_runs_total", { repeater, outcome })

const outcomes = (repeater: string) =>
  Effect.all({
    success: counterTotal("repeater_runs_total", { repeater, outcome: "success" }),
    failure: counterTotal("repeater_runs_total", { repeater, outcome: "failure" }),
    interrupted: counterTotal("repeater_runs_total", { repeater, outcome: "interrupted" })
  })

describe("metrics", () => {
  it.scoped("runs by outcome, run duration (failed runs included), start lag and runs in flight", () =>
    Effect.gen(function*() {
      const name = "obs-metrics-outcome"
      const durations = ["2 seconds", "3 seconds", "1 second"] as const
      let run = 0
      const task = Effect.suspend(() => {
        const index = run++
        const sleep = Effect.sleep(durations[index % durations.length])
        return index === 1 ? Effect.zipRight(sleep, Effect.fail(new Boom({ reason: "second run" }))) : sleep
      })
      yield* Repeater.fork(task, { name, every: "10 seconds" })
      // run 1: 0–2 s, run 2: 12–15 s (fails), run 3: 25–26 s, run 4 due at 36 s
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 1)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 0)
      assert.strictEqual(yield* runsTotal(name, "success"), 1)
      yield* TestClock.adjust("11 seconds")
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 1)
      yield* TestClock.adjust("17 seconds")
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 0)
      assert.strictEqual(yield* runsTotal(name, "success"), 2)
      assert.strictEqual(yield* runsTotal(name, "failure"), 1)
      assert.deepStrictEqual(yield* histogramValue("repeater_run_duration_ms", { repeater: name }), {
        count: 3,
        sum: 6_000,
        min: 1_000,
        max: 3_000
      })
      // delay mode under TestClock: every run starts exactly when it is due
      // (only count and sum: Effect's histogram reports max = Number.MIN_VALUE when every value is 0)
      const lag = yield* histogramValue("repeater_start_lag_ms", { repeater: name })
      assert.deepStrictEqual({ count: lag.count, sum: lag.sum }, { count: 3, sum: 0 })
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("metrics are tagged with the repeater's name", () =>
    Effect.gen(function*() {
      yield* Repeater.fork(Effect.sleep("1 second"), { name: "obs-metrics-tag-ok", every: "10 seconds" })
      yield* Repeater.fork(
        Effect.zipRight(Effect.sleep("2 seconds"), Effect.fail(new Boom({ reason: "always" }))),
        { name: "obs-metrics-tag-ko", every: "5 seconds" }
      )
      // ok: 0–1, 11–12, 22–23 s; ko: 0–2, 7–9, 14–16, 21–23 s
      yield* TestClock.adjust("24 seconds")
      assert.strictEqual(yield* runsTotal("obs-metrics-tag-ok", "success"), 3)
      assert.strictEqual(yield* runsTotal("obs-metrics-tag-ok", "failure"), 0)
      assert.strictEqual(yield* runsTotal("obs-metrics-tag-ko", "success"), 0)
      assert.strictEqual(yield* runsTotal("obs-metrics-tag-ko", "failure"), 4)
      assert.deepStrictEqual(yield* histogramValue("repeater_run_duration_ms", { repeater: "obs-metrics-tag-ok" }), {
        count: 3,
        sum: 3_000,
        min: 1_000,
        max: 1_000
      })
      assert.deepStrictEqual(yield* histogramValue("repeater_run_duration_ms", { repeater: "obs-metrics-tag-ko" }), {
        count: 4,
        sum: 8_000,
        min: 2_000,
        max: 2_000
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("rate mode: start lag (actual minus scheduled start) and skipped ticks", () =>
    Effect.gen(function*() {
      const name = "obs-metrics-rate"
      const starts: Array<number> = []
      const task = Effect.gen(function*() {
        const now = yield* Effect.clockWith((clock) => Effect.sync(() => clock.unsafeCurrentTimeMillis()))
        starts.push(now)
        if (starts.length === 1) yield* Effect.sleep("35 seconds")
      })
      yield* Repeater.fork(task, { name, every: "10 seconds", mode: "rate" })
      // run 1 overruns 0–35 s: ticks 10 and 20 s are skipped, tick 30 s runs at once at 35 s, then 40 s
      yield* TestClock.adjust("45 seconds")
      assert.deepStrictEqual(starts, [0, 35_000, 40_000])
      assert.strictEqual(yield* counterValue("repeater_skipped_ticks_total", { repeater: name }), 2)
      assert.deepStrictEqual(yield* histogramValue("repeater_start_lag_ms", { repeater: name }), {
        count: 3,
        sum: 5_000,
        min: 0,
        max: 5_000
      })
      assert.deepStrictEqual(yield* histogramValue("repeater_run_duration_ms", { repeater: name }), {
        count: 3,
        sum: 35_000,
        min: 0,
        max: 35_000
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("an interrupted run is neither a success nor a failure, and leaves no run in flight", () =>
    Effect.gen(function*() {
      const name = "obs-metrics-interrupted"
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return run === 1 ? Effect.fail(new Boom({ reason: "first" })) : Effect.never
      })
      const handle = yield* Repeater.fork(task, { name, every: "10 seconds" })
      // run 1 fails at 0 s, run 2 starts at 10 s and never ends
      yield* TestClock.adjust("11 seconds")
      assert.strictEqual(yield* runsTotal(name, "failure"), 1)
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 1)
      const stop = yield* Effect.fork(handle.stop({ grace: "1 second" }))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(stop), "interrupted")
      assert.strictEqual(yield* runsTotal(name, "failure"), 1)
      assert.strictEqual(yield* runsTotal(name, "success"), 0)
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 0)
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("runs_total by outcome; run duration counts failed and interrupted runs and the finalizers' time", () =>
    Effect.gen(function*() {
      let run = 0
      const task = Effect.gen(function*() {
        run++
        yield* Effect.addFinalizer(() => Effect.sleep("500 millis"))
        yield* Effect.sleep("1 second")
        if (run === 2) return yield* new Transient({ attempt: run })
        if (run === 3) yield* Effect.sleep("1 hour")
      })
      const handle = yield* Repeater.fork(task, { name: "m-outcomes", every: "10 seconds" })
      // run 1: 0–1.5 s ok; run 2: 11.5–13 s failed; run 3: 23 s– interrupted by a stop at 30 s with grace 0
      yield* TestClock.adjust("30 seconds")
      const stop = yield* Effect.fork(handle.stop({ grace: 0 }))
      yield* TestClock.adjust("1 second") // the interrupted run's finalizer: 500 ms
      assert.strictEqual(yield* Fiber.join(stop), "interrupted")
      assert.deepStrictEqual(yield* outcomes("m-outcomes"), { success: 1, failure: 1, interrupted: 1 })
      assert.deepStrictEqual(yield* histogramOf("repeater_run_duration_ms", "m-outcomes"), {
        count: 3,
        sum: 1_500 + 1_500 + 7_500,
        min: 1_500,
        max: 7_500
      })
      assert.strictEqual(yield* inFlightGauge("m-outcomes"), 0)
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("start lag: 0 for a runNow when idle, the wait for a coalesced runNow and for a rate catch-up run", () =>
    Effect.gen(function*() {
      let run = 0
      const handle = yield* Repeater.fork(
        Effect.suspend(() => ++run === 2 ? Effect.sleep("25 seconds") : Effect.void),
        { name: "m-lag", every: "10 seconds", mode: "rate" }
      )
      // run 1 at 0 (lag 0); run 2 at 10 s lasts to 35 s: ticks 20, 30 fall due, 20 skipped, 30 runs at 35 (lag 5 s)
      yield* TestClock.adjust("36 seconds")
      assert.deepStrictEqual(yield* histogramOf("repeater_start_lag_ms", "m-lag"), {
        count: 3,
        sum: 5_000,
        min: 0,
        max: 5_000
      })
      assert.strictEqual(yield* counterTotal("repeater_skipped_ticks_total", { repeater: "m-lag" }), 1)
      // a runNow when idle starts with no lag
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.strictEqual((yield* histogramOf("repeater_start_lag_ms", "m-lag")).count, 4)
      assert.strictEqual((yield* histogramOf("repeater_start_lag_ms", "m-lag")).sum, 5_000)
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("start lag of a runNow coalesced behind a run is the time it waited", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.sleep("4 seconds"), { name: "m-lag-now", every: "1 minute" })
      yield* TestClock.adjust("1 second")
      yield* handle.runNow // asked at 1 s, starts at 4 s
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(yield* histogramOf("repeater_start_lag_ms", "m-lag-now"), {
        count: 2,
        sum: 3_000,
        min: 0,
        max: 3_000
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("skipped ticks for cron: matches missed during a run are counted in the metric and the status", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
      let run = 0
      const handle = yield* Repeater.fork(
        Effect.suspend(() => ++run === 1 ? Effect.sleep("150 seconds") : Effect.void),
        { name: "m-cron-skip", cron: "* * * * *", timeZone: "UTC" }
      )
      // run 1 at 00:01:00 lasts to 00:03:30: matches 00:02 and 00:03 are skipped; run 2 at 00:04
      yield* TestClock.adjust("4 minutes")
      assert.strictEqual(yield* counterTotal("repeater_skipped_ticks_total", { repeater: "m-cron-skip" }), 2)
      const status = yield* handle.status
      assert.strictEqual(status.skippedTicks, 2)
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(millisOf(status.lastStart), Date.parse("2026-01-01T00:04:00Z"))
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a runNow stopped before its fiber started: the repeater ends with no run in flight and the gauge at 0", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(
        Effect.sleep("10 seconds"),
        { name: "m-prestart", every: "1 minute", waitFirst: true }
      )
      yield* handle.runNow
      const result = yield* handle.stop({ grace: 0 })
      yield* TestClock.adjust("0 millis")
      const status = yield* handle.status
      assert.deepStrictEqual({ result, state: status.state, inFlight: status.inFlight }, {
        result: "interrupted",
        state: "stopped",
        inFlight: false
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("the in-flight gauge is back to 0 after the service closes with a run in flight", () =>
    Effect.gen(function*() {
      yield* Effect.gen(function*() {
        yield* Repeater.fork(Effect.never, { name: "m-gauge-close", every: "1 minute" })
        yield* TestClock.adjust("1 second")
        assert.strictEqual(yield* inFlightGauge("m-gauge-close"), 1)
      }).pipe(Effect.scoped, Effect.provide(Repeater.layerWith({ defaultGrace: 0 })))
      assert.strictEqual(yield* inFlightGauge("m-gauge-close"), 0)
      assert.deepStrictEqual(yield* outcomes("m-gauge-close"), { success: 0, failure: 0, interrupted: 1 })
    }))

  it.scoped("a repeater of a service made later adds to the series its name has in the registry", () =>
    Effect.gen(function*() {
      const name = "m-later-service"
      // two services in turn, each with a repeater of that name that runs twice for a second
      const twoRuns = Effect.gen(function*() {
        yield* Repeater.fork(Effect.sleep("1 second"), { name, every: "1 second", maxRepetitions: 2 })
        yield* TestClock.adjust("10 seconds")
      }).pipe(Effect.scoped, Effect.provide(Repeater.layer))
      yield* twoRuns
      yield* twoRuns
      assert.strictEqual(yield* runsTotal(name, "success"), 4)
      assert.deepStrictEqual(yield* histogramValue("repeater_run_duration_ms", { repeater: name }), {
        count: 4,
        sum: 4_000,
        min: 1_000,
        max: 1_000
      })
      assert.strictEqual((yield* histogramValue("repeater_start_lag_ms", { repeater: name })).count, 4)
      assert.strictEqual(yield* inFlightGauge(name), 0)
    }))
})
