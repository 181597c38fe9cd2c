/**
 * The bound on per-name metric series (`metricSeriesLimit`): the first names to
 * run get series of their own, the others are counted under `repeater="(other)"`.
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { counterTotal, seriesOf } from "./support/metrics.js"

/** The successful runs counted under a `repeater` attribute value. */
const successes = (repeater: string) => counterTotal("repeater_runs_total", { repeater, outcome: "success" })

/** Forks `count` repeaters named `prefix-i` that run once, one second from now, and lets them run. */
const runOnce = (prefix: string, count: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < count; i++) {
      yield* Repeater.fork(Effect.void, { name: `${prefix}-${i}`, every: "1 second", maxRepetitions: 1 })
    }
    yield* TestClock.adjust("1 second")
    assert.deepStrictEqual(yield* Repeater.list, [])
  })

describe("metric series limit", () => {
  it.effect("past the limit, the runs of further names are counted under repeater=\"(other)\"", () =>
    Effect.gen(function*() {
      const before = yield* successes("(other)")
      yield* runOnce("capped", 10)
      const named = yield* seriesOf("repeater_runs_total", (label) => label.startsWith("capped-"))
      const names = new Set(named.map((pair) => pair.attributes?.["repeater"]))
      // the first three names to run, one series per outcome each
      assert.deepStrictEqual(Array.from(names).sort(), ["capped-0", "capped-1", "capped-2"])
      for (const metric of ["repeater_run_duration_ms", "repeater_start_lag_ms", "repeater_runs_in_flight"]) {
        assert.lengthOf(yield* seriesOf(metric, (label) => label.startsWith("capped-")), 3, metric)
      }
      assert.strictEqual((yield* successes("(other)")) - before, 7)
      for (let i = 0; i < 3; i++) assert.strictEqual(yield* successes(`capped-${i}`), 1)
    }).pipe(Effect.provide(Repeater.layerWith({ metricSeriesLimit: 3 }))))

  it.effect("a name that has a series keeps it: its later repeaters count there, not under \"(other)\"", () =>
    Effect.gen(function*() {
      yield* runOnce("again", 2)
      const before = yield* successes("(other)")
      yield* runOnce("again", 3)
      assert.strictEqual(yield* successes("again-0"), 2)
      assert.strictEqual(yield* successes("again-1"), 2)
      assert.strictEqual((yield* successes("(other)")) - before, 1)
    }).pipe(Effect.provide(Repeater.layerWith({ metricSeriesLimit: 2 }))))

  it.effect("the runs in flight under \"(other)\" are the sum of those of its repeaters", () =>
    Effect.gen(function*() {
      const inFlight = Effect.map(
        seriesOf("repeater_runs_in_flight", (label) => label === "(other)"),
        (pairs) => pairs.map((pair) => pair.type === "Gauge" ? Number(pair.state.value) : NaN)
      )
      for (let i = 0; i < 3; i++) {
        yield* Repeater.fork(Effect.sleep("10 seconds"), { name: `busy-${i}`, every: "1 second", maxRepetitions: 1 })
      }
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* inFlight, [3])
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(yield* inFlight, [0])
    }).pipe(Effect.provide(Repeater.layerWith({ metricSeriesLimit: 0 }))))

  it.effect("a limit that is not a whole number of 0 or more fails the layer, naming the setting", () =>
    Effect.gen(function*() {
      for (const metricSeriesLimit of [-1, 1.5, NaN]) {
        const error = yield* Effect.flip(Effect.scoped(Repeater.make({ metricSeriesLimit })))
        assert.instanceOf(error, RepeaterConfigError)
        assert.strictEqual(error.field, "metricSeriesLimit")
        assert.deepStrictEqual(error.value, metricSeriesLimit)
      }
    }))
})
