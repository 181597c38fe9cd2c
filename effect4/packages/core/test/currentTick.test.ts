import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"

/** A task that records, for each run, the tick it sees and the virtual instant it started at. */
const recorder = (durationMillis: (run: number) => number = () => 0) => {
  const runs: Array<{ readonly tick: number | undefined; readonly start: number }> = []
  const task = Effect.gen(function*() {
    const tick = yield* Repeater.currentTick
    const start = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    runs.push({ tick: Option.getOrUndefined(Option.map(tick, DateTime.toEpochMillis)), start })
    const millis = durationMillis(runs.length - 1)
    if (millis > 0) yield* Effect.sleep(millis)
  })
  return { runs, task }
}

const ticks = (runs: ReadonlyArray<{ readonly tick: number | undefined }>) => runs.map((run) => run.tick)

describe("Repeater.currentTick: the scheduled instant a run runs for", () => {
  it.effect("delay mode: each tick is `every` after the previous run ended; the jitter delays the start only", () =>
    Effect.gen(function*() {
      const { runs, task } = recorder(() => 3_000)
      const handle = yield* Repeater.fork(
        task,
        { name: "delay", every: "10 seconds", jitter: "2 seconds", maxRepetitions: 4 }
      )
      yield* TestClock.adjust("80 seconds")
      assert.strictEqual((yield* handle.status).state, "completed")
      assert.strictEqual(runs.length, 4)
      runs.forEach((run, k) => {
        if (k > 0) assert.strictEqual(run.tick, runs[k - 1].start + 3_000 + 10_000)
        assert.isAtLeast(run.start, run.tick!)
        assert.isBelow(run.start, run.tick! + 2_000)
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("rate mode: grid ticks, and after an overrun the late run sees the latest tick that fell due", () =>
    Effect.gen(function*() {
      // the first run takes 25 s: the ticks of 10 s and 20 s fell due during it; 20 s runs at once, late
      const { runs, task } = recorder((run) => run === 0 ? 25_000 : 1_000)
      const handle = yield* Repeater.fork(task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* TestClock.adjust("45 seconds")
      yield* handle.stop()
      assert.deepStrictEqual(runs, [
        { tick: 0, start: 0 },
        { tick: 20_000, start: 25_000 },
        { tick: 30_000, start: 30_000 },
        { tick: 40_000, start: 40_000 }
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("cron: the match itself, however late the jitter starts the run", () =>
    Effect.gen(function*() {
      const t0 = Date.UTC(2026, 0, 15, 10, 7, 0)
      const HOUR = 3_600_000
      yield* TestClock.setTime(t0)
      const { runs, task } = recorder()
      const handle = yield* Repeater.fork(
        task,
        { name: "cron", cron: "0 * * * *", timeZone: "UTC", jitter: "20 minutes" }
      )
      yield* TestClock.adjust("200 minutes")
      yield* handle.stop()
      const match = Date.UTC(2026, 0, 15, 11, 0, 0)
      assert.deepStrictEqual(ticks(runs), [match, match + HOUR, match + 2 * HOUR])
      runs.forEach((run) => assert.isBelow(run.start - run.tick!, 20 * 60_000))
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("runNow: the instant it was asked for, also when it waits for the run in flight", () =>
    Effect.gen(function*() {
      const { runs, task } = recorder((run) => run === 0 ? 5_000 : 0)
      const handle = yield* Repeater.fork(task, { name: "manual", every: "1 hour", waitFirst: true })
      yield* TestClock.adjust("7 seconds")
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("2 seconds")
      yield* handle.runNow
      yield* TestClock.adjust("3 seconds")
      yield* handle.stop()
      // (the second runNow, asked at 9 s during the run of 7 s, starts when that run ends, at 12 s)
      assert.deepStrictEqual(runs, [{ tick: 7_000, start: 7_000 }, { tick: 9_000, start: 12_000 }])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("seen by the fibers a run forks; none outside runs", () =>
    Effect.gen(function*() {
      assert.isTrue(Option.isNone(yield* Repeater.currentTick))
      const seen: Array<number | undefined> = []
      const task = Effect.flatMap(
        Effect.forkChild(Repeater.currentTick),
        (child) =>
          Effect.flatMap(Fiber.join(child), (tick) =>
            Effect.sync(() => {
              seen.push(Option.getOrUndefined(Option.map(tick, DateTime.toEpochMillis)))
            }))
      )
      const handle = yield* Repeater.fork(task, { name: "child", every: "10 seconds", initialDelay: "4 seconds" })
      yield* TestClock.adjust("15 seconds")
      yield* handle.stop()
      assert.deepStrictEqual(seen, [4_000, 14_000])
      assert.isTrue(Option.isNone(yield* Repeater.currentTick))
    }).pipe(Effect.provide(Repeater.layer)))
})
