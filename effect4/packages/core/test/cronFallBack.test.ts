import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Clock, DateTime, type Duration, Effect, Option } from "effect"
import { TestClock } from "effect/testing"

const at = (iso: string): number => new Date(iso).getTime()
const iso = (millis: number): string => new Date(millis).toISOString()

// America/New_York goes back from 02:00 EDT to 01:00 EST at 2024-11-03T06:00:00Z: the hour from 06:00Z to 07:00Z
// repeats the local hour 01:00–02:00. A repeater must never plan a match before the instant it plans from (which
// would run it at once, for the same match, again and again), whatever the zone's clock does.
const zone = "America/New_York"

/** Forks a cron repeater at `start`, lets `window` pass: the runs (started at, for tick), 30 at most. */
const runsFrom = (
  start: string,
  cron: string,
  window: Duration.Input,
  work: Effect.Effect<void> = Effect.void
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(at(start))
    const runs: Array<string> = []
    const task = Effect.flatMap(Repeater.currentTick, (tick) =>
      Clock.clockWith((clock) =>
        Effect.sync(() => {
          const scheduled = Option.match(tick, { onNone: () => "none", onSome: DateTime.formatIso })
          runs.push(`${iso(clock.currentTimeMillisUnsafe())} for ${scheduled}`)
        })
      )).pipe(Effect.andThen(work))
    const handle = yield* Repeater.fork(task, { name: "fold", cron, timeZone: zone, maxRepetitions: 30 })
    yield* TestClock.adjust("0 millis")
    const nextAtStart = Option.map((yield* handle.status).nextRun, DateTime.formatIso)
    yield* TestClock.adjust(window)
    const status = yield* handle.status
    return { runs, nextAtStart, skipped: status.skippedTicks }
  }).pipe(Effect.provide(Repeater.layer))

describe("cron at the instant a zone's clock goes back (America/New_York, 2024-11-03T06:00:00Z)", () => {
  it.effect("started exactly at that instant: the first run is the first match after it, never one an hour back", () =>
    Effect.gen(function*() {
      const { nextAtStart, runs, skipped } = yield* runsFrom("2024-11-03T06:00:00Z", "*/15 * * * *", "61 minutes")
      assert.deepStrictEqual(nextAtStart, Option.some("2024-11-03T07:00:00.000Z"))
      assert.deepStrictEqual(runs, ["2024-11-03T07:00:00.000Z for 2024-11-03T07:00:00.000Z"])
      assert.strictEqual(skipped, 0)
    }))

  it.effect("started within the repeated hour: it waits for the end of it, as a walk from before the change does", () =>
    Effect.gen(function*() {
      const { nextAtStart, runs } = yield* runsFrom("2024-11-03T06:20:00Z", "*/15 * * * *", "56 minutes")
      assert.deepStrictEqual(nextAtStart, Option.some("2024-11-03T07:00:00.000Z"))
      assert.deepStrictEqual(runs, [
        "2024-11-03T07:00:00.000Z for 2024-11-03T07:00:00.000Z",
        "2024-11-03T07:15:00.000Z for 2024-11-03T07:15:00.000Z"
      ])
    }))

  it.effect("a run that ends within the repeated hour: its match is not run again, the next is the next hour's", () =>
    Effect.gen(function*() {
      // 01:45 EDT (05:45Z) runs for 20 minutes, until 01:05 EST (06:05Z)
      const { runs, skipped } = yield* runsFrom(
        "2024-11-03T05:40:00Z",
        "45 * * * *",
        "146 minutes",
        Effect.sleep("20 minutes")
      )
      assert.deepStrictEqual(runs, [
        "2024-11-03T05:45:00.000Z for 2024-11-03T05:45:00.000Z",
        "2024-11-03T07:45:00.000Z for 2024-11-03T07:45:00.000Z"
      ])
      assert.strictEqual(skipped, 0)
    }))

  it.effect("per second across the change: the repeated hour is not run a second time, nor counted as skipped", () =>
    Effect.gen(function*() {
      const { runs, skipped } = yield* runsFrom("2024-11-03T05:59:57Z", "* * * * * *", "3604 seconds")
      assert.deepStrictEqual(runs, [
        "2024-11-03T05:59:58.000Z for 2024-11-03T05:59:58.000Z",
        "2024-11-03T05:59:59.000Z for 2024-11-03T05:59:59.000Z",
        "2024-11-03T07:00:00.000Z for 2024-11-03T07:00:00.000Z",
        "2024-11-03T07:00:01.000Z for 2024-11-03T07:00:01.000Z"
      ])
      assert.strictEqual(skipped, 0)
    }))
})
