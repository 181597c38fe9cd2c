/**
 * Cron: matches skipped by a long run are counted exactly without walking them one by one (a run
 * of a per-second cron that lasts a year skips 31.5 million matches).
 */
import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { TestClock } from "effect/testing"

const day = 86_400_000

describe("cron: matches skipped by a long run", () => {
  it.effect("a per-second cron whose run lasts a year: every skipped match counted, the next one planned", () =>
    Effect.gen(function*() {
      const start = Date.parse("2026-01-01T00:00:00Z")
      yield* TestClock.setTime(start)
      let runs = 0
      const task = Effect.suspend(() => ++runs === 1 ? Effect.sleep(365 * day) : Effect.void)
      const handle = yield* Repeater.fork(task, { name: "every-second", cron: "* * * * * *", timeZone: "UTC" })
      yield* TestClock.adjust(365 * day + 1_000) // the run of 00:00:01 ends a year later
      const status = yield* handle.status
      // the matches from 00:00:02 to the end of the run, included: a year of seconds
      assert.strictEqual(status.skippedTicks, 365 * 86_400)
      assert.deepStrictEqual(
        Option.map(status.nextRun, DateTime.toEpochMillis),
        Option.some(start + 365 * day + 2_000)
      )
      yield* TestClock.adjust(1_000)
      assert.strictEqual(runs, 2)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("in a zone that changes its offset: the count is that of the walk (the hour that occurs twice, once)", () =>
    Effect.gen(function*() {
      const start = Date.parse("2026-01-01T00:00:00Z")
      yield* TestClock.setTime(start)
      let runs = 0
      const task = Effect.suspend(() => ++runs === 1 ? Effect.sleep(365 * day) : Effect.void)
      const handle = yield* Repeater.fork(task, { name: "every-minute", cron: "* * * * *", timeZone: "Europe/Paris" })
      yield* TestClock.adjust(365 * day + 60_000)
      const status = yield* handle.status
      // the minutes of a year after the first match, but the hour of October that occurs twice is met once
      assert.strictEqual(status.skippedTicks, 365 * 1_440 - 60)
    }).pipe(Effect.provide(Repeater.layer)))
})
