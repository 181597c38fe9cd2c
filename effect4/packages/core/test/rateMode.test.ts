import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { TestClock } from "effect/testing"
import { advanceTo, forkJoinTime, joinResult, makeProbe, nextRunMillis } from "./support/probe.js"
import { range } from "./support/range.js"

describe("rate mode: the grid", () => {
  it.effect("t0 is the first scheduled start: initialDelay 3 s, every 10 s -> 3, 13, 23, 33 s", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 4_000 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", initialDelay: "3 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(nextRunMillis(yield* handle.status), 3_000)
      yield* advanceTo(2_999)
      assert.deepStrictEqual(probe.starts, [])
      yield* advanceTo(3_000)
      assert.deepStrictEqual(probe.starts, [3_000])
      yield* advanceTo(7_000)
      // the next start is on the grid, not `every` after the run's end (17 s)
      assert.strictEqual(nextRunMillis(yield* handle.status), 13_000)
      yield* advanceTo(40_000)
      assert.deepStrictEqual(probe.starts, [3_000, 13_000, 23_000, 33_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("without initialDelay the grid starts at once, and runs that take time do not shift it", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 7_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0])
      yield* advanceTo(38_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000, 30_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("waitFirst: the grid starts one period after the fork", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 2_000 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", waitFirst: true }
      )
      yield* advanceTo(9_999)
      assert.deepStrictEqual(probe.starts, [])
      yield* advanceTo(33_000)
      assert.deepStrictEqual(probe.starts, [10_000, 20_000, 30_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("the grid counts from the fork's time", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000_000)
      const probe = makeProbe({ duration: () => 1_000 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", initialDelay: "3 seconds" }
      )
      yield* advanceTo(1_030_000)
      assert.deepStrictEqual(probe.starts, [1_003_000, 1_013_000, 1_023_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("no drift over 1,000 periods: every start is exactly t0 + k * every", () =>
    Effect.gen(function*() {
      const periods = 1_000
      // runs of 1 ms to 9.5 s, varying from run to run
      const duration = (run: number) => 1 + (run * 7_919) % 9_500
      const probe = makeProbe({ duration })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", initialDelay: "3 seconds", maxRepetitions: periods }
      )
      const joined = yield* forkJoinTime(handle)
      yield* TestClock.adjust(Duration.seconds(10 * periods + 10))
      assert.strictEqual(probe.starts.length, periods)
      for (const k of range(periods)) {
        assert.strictEqual(probe.starts[k], 3_000 + k * 10_000, `start of run ${k}`)
        assert.strictEqual(probe.ends[k], 3_000 + k * 10_000 + duration(k), `end of run ${k}`)
      }
      assert.strictEqual(probe.maxConcurrent(), 1)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, periods)
      assert.strictEqual(status.skippedTicks, 0)
      const last = periods - 1
      assert.strictEqual(yield* joinResult(joined), 3_000 + last * 10_000 + duration(last))
    }).pipe(Effect.provide(Repeater.layer)), 120_000)
})

describe("rate mode: overruns", () => {
  it.effect("a run that ends exactly on the next tick is followed by that tick at once; nothing is skipped", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 10_000 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", maxRepetitions: 4 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000, 30_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      assert.strictEqual(yield* joinResult(joined), 40_000)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("an overrun is followed at once by exactly one run, the missed tick is counted: 0, 25, 30, 40 s", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: (run) => run === 0 ? 25_000 : 0 })
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* advanceTo(24_999)
      assert.deepStrictEqual(probe.starts, [0])
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      yield* advanceTo(25_000)
      // at 25 s: one run (for tick 20 s), not one per missed tick
      assert.deepStrictEqual(probe.starts, [0, 25_000])
      const atOverrun = yield* handle.status
      assert.strictEqual(atOverrun.skippedTicks, 1)
      assert.strictEqual(atOverrun.runs, 2)
      assert.strictEqual(nextRunMillis(atOverrun), 30_000)
      yield* advanceTo(29_999)
      assert.deepStrictEqual(probe.starts, [0, 25_000])
      yield* advanceTo(50_000)
      assert.deepStrictEqual(probe.starts, [0, 25_000, 30_000, 40_000, 50_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 1)
      assert.strictEqual(probe.maxConcurrent(), 1)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a long overrun never causes a burst: one run at its end, then back on the grid", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: (run) => run === 0 ? 95_000 : 0 })
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* advanceTo(99_999)
      assert.deepStrictEqual(probe.starts, [0, 95_000])
      // ticks 10 to 80 s were missed; tick 90 s ran at 95 s
      assert.strictEqual((yield* handle.status).skippedTicks, 8)
      yield* advanceTo(110_000)
      assert.deepStrictEqual(probe.starts, [0, 95_000, 100_000, 110_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 8)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("an overrun that ends exactly on a tick runs that tick at once and skips the one in between", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 20_000 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", maxRepetitions: 3 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(20_000)
      assert.deepStrictEqual(probe.starts, [0, 20_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 1)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 20_000, 40_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      // ticks 10 and 30 were skipped by the first two runs; the last run ends the repeater (no tick was due after it)
      assert.strictEqual((yield* handle.status).skippedTicks, 2)
      assert.strictEqual(yield* joinResult(joined), 60_000)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("runs that always outlast the period never overlap: 15 s runs every 10 s", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 15_000 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", maxRepetitions: 7 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(200_000)
      // ticks 0, 10 (run at 15), 30, 40 (run at 45), 60, 70 (run at 75), 90; ticks 20, 50 and 80 are skipped
      assert.deepStrictEqual(probe.starts, [0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      const status = yield* handle.status
      assert.strictEqual(status.runs, 7)
      assert.strictEqual(status.skippedTicks, 3)
      assert.strictEqual(yield* joinResult(joined), 105_000)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("no tick ever runs twice: every tick up to the last is run once or counted as skipped", () =>
    Effect.gen(function*() {
      const every = 10_000
      const durations = [3_000, 25_000, 10_000, 0, 17_000, 40_000, 5_000]
      const probe = makeProbe({ duration: (run) => durations[run] ?? 0 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", maxRepetitions: 10 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(300_000)
      // 0 -> 3 (next tick 10); 10 -> 35 (tick 20 skipped, tick 30 at once); 35 -> 45 (tick 40 at once);
      // 45 -> 45 (tick 50); 50 -> 67 (tick 60 at once); 67 -> 107 (ticks 70, 80, 90 skipped, tick 100 at once);
      // 107 -> 112 (tick 110 at once); then 120, 130
      assert.deepStrictEqual(
        probe.starts,
        [0, 10_000, 35_000, 45_000, 50_000, 67_000, 107_000, 112_000, 120_000, 130_000]
      )
      const status = yield* handle.status
      assert.strictEqual(status.runs, 10)
      assert.strictEqual(status.skippedTicks, 4)
      assert.strictEqual(probe.maxConcurrent(), 1)
      assert.strictEqual(yield* joinResult(joined), 130_000)
      // each start belongs to a distinct tick, and the ticks run plus the ticks skipped are all ticks
      const ticks = probe.starts.map((start) => Math.floor(start / every))
      for (let k = 1; k < ticks.length; k++) assert.isAbove(ticks[k], ticks[k - 1], `run ${k}`)
      assert.strictEqual(ticks[ticks.length - 1] + 1, status.runs + status.skippedTicks)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a failed run that overruns is treated like a successful one", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: (run) => run === 0 ? 25_000 : 0, fails: (run) => run === 0 })
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* advanceTo(40_000)
      assert.deepStrictEqual(probe.starts, [0, 25_000, 30_000, 40_000])
      const status = yield* handle.status
      assert.strictEqual(status.failures, 1)
      assert.strictEqual(status.skippedTicks, 1)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})
