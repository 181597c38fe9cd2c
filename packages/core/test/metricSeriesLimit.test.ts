/**
 * The bound on per-name metric series (`metricSeriesLimit`): the first names to
 * run get series of their own, the others are counted under `repeater="(other)"`.
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Metric, type MetricPair, MetricState, TestClock } from "effect"

/** The series of a metric whose `repeater` label passes `select`. */
const series = (metric: string, select: (repeater: string) => boolean) =>
  Effect.map(
    Metric.snapshot,
    (pairs) =>
      pairs.filter((pair: MetricPair.MetricPair.Untyped) =>
        pair.metricKey.name === metric &&
        pair.metricKey.tags.some((tag) => tag.key === "repeater" && select(tag.value))
      )
  )

/** The successful runs counted under a `repeater` label value. */
const successes = (repeater: string) =>
  Effect.map(
    series("repeater_runs_total", (label) => label === repeater),
    (pairs) =>
      pairs
        .filter((pair) => pair.metricKey.tags.some((tag) => tag.key === "outcome" && tag.value === "success"))
        .reduce(
          (sum, pair) => sum + (MetricState.isCounterState(pair.metricState) ? Number(pair.metricState.count) : 0),
          0
        )
  )

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
  it.scoped("past the limit, the runs of further names are counted under repeater=\"(other)\"", () =>
    Effect.gen(function*() {
      const before = yield* successes("(other)")
      yield* runOnce("capped", 10)
      const named = yield* series("repeater_runs_total", (label) => label.startsWith("capped-"))
      const names = new Set(named.flatMap((pair) => pair.metricKey.tags.filter((tag) => tag.key === "repeater")))
      // the first three names to run, one series per outcome each
      assert.deepStrictEqual(Array.from(names, (tag) => tag.value).sort(), ["capped-0", "capped-1", "capped-2"])
      for (const metric of ["repeater_run_duration_ms", "repeater_start_lag_ms", "repeater_runs_in_flight"]) {
        assert.lengthOf(yield* series(metric, (label) => label.startsWith("capped-")), 3, metric)
      }
      assert.strictEqual((yield* successes("(other)")) - before, 7)
      for (let i = 0; i < 3; i++) assert.strictEqual(yield* successes(`capped-${i}`), 1)
    }).pipe(Effect.provide(Repeater.layerWith({ metricSeriesLimit: 3 }))))

  it.scoped("a name that has a series keeps it: its later repeaters count there, not under \"(other)\"", () =>
    Effect.gen(function*() {
      yield* runOnce("again", 2)
      const before = yield* successes("(other)")
      yield* runOnce("again", 3)
      assert.strictEqual(yield* successes("again-0"), 2)
      assert.strictEqual(yield* successes("again-1"), 2)
      assert.strictEqual((yield* successes("(other)")) - before, 1)
    }).pipe(Effect.provide(Repeater.layerWith({ metricSeriesLimit: 2 }))))

  it.scoped("the runs in flight under \"(other)\" are the sum of those of its repeaters", () =>
    Effect.gen(function*() {
      const inFlight = Effect.map(
        series("repeater_runs_in_flight", (label) => label === "(other)"),
        (pairs) =>
          pairs.map((pair) => MetricState.isGaugeState(pair.metricState) ? Number(pair.metricState.value) : NaN)
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
