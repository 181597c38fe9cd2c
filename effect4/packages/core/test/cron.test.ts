import { Repeater } from "@effect-repeater/core"
import type { RepeaterOptions } from "@effect-repeater/core/Repeater"
import { assert, describe, it } from "@effect/vitest"
import { Clock, DateTime, type Duration, Effect, Fiber, Layer, Option, type Scope } from "effect"
import { TestClock } from "effect/testing"
import { now } from "./support/time.js"

const at = (iso: string): number => new Date(iso).getTime()
const iso = (millis: number): string => new Date(millis).toISOString()

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
const localDate = (millis: number, timeZone: string): string =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(millis)

/** A task that records the virtual instant at which each run starts. */
const recorder = () => {
  const starts: Array<string> = []
  const task = Effect.clockWith((clock) => Effect.sync(() => starts.push(iso(clock.currentTimeMillisUnsafe()))))
  return { starts, task }
}

/**
 * Sets the wall time to `start`, forks a cron repeater there, lets `window`
 * pass and returns the instants (ISO, UTC) at which its runs started.
 */
const runsOf = (start: string, options: RepeaterOptions<never>, window: Duration.Input) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(at(start))
    const { starts, task } = recorder()
    const handle = yield* Repeater.fork(task, options)
    yield* TestClock.adjust(window)
    const status = yield* handle.status
    assert.strictEqual(status.skippedTicks, 0)
    assert.strictEqual(status.runs, starts.length)
    return starts
  }).pipe(Effect.provide(Repeater.layer))

describe("cron: the first run", () => {
  it.effect("starting exactly on a match: the first run is at the next match, not at the start", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(at("2026-01-15T10:00:00Z"))
      const { starts, task } = recorder()
      const handle = yield* Repeater.fork(task, { name: "hourly", cron: "0 * * * *", timeZone: "UTC" })
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(starts, [])
      const status = yield* handle.status
      assert.deepStrictEqual(status.nextRun, Option.some(DateTime.makeUnsafe(at("2026-01-15T11:00:00Z"))))
      yield* TestClock.adjust("59 minutes")
      assert.deepStrictEqual(starts, [])
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(starts, ["2026-01-15T11:00:00.000Z"])
      yield* TestClock.adjust("2 hours")
      assert.deepStrictEqual(starts, [
        "2026-01-15T11:00:00.000Z",
        "2026-01-15T12:00:00.000Z",
        "2026-01-15T13:00:00.000Z"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("starting between matches: the first run is at the first match after the start", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-01-15T10:20:30Z",
        { name: "quarter", cron: "*/15 * * * *", timeZone: "UTC" },
        "40 minutes"
      )
      assert.deepStrictEqual(starts, [
        "2026-01-15T10:30:00.000Z",
        "2026-01-15T10:45:00.000Z",
        "2026-01-15T11:00:00.000Z"
      ])
    }))
})

describe("cron: six fields (seconds first)", () => {
  it.effect("runs at the exact seconds", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-01-15T00:00:00Z",
        { name: "seconds", cron: "5,20 * * * * *", timeZone: "UTC" },
        "90 seconds"
      )
      assert.deepStrictEqual(starts, [
        "2026-01-15T00:00:05.000Z",
        "2026-01-15T00:00:20.000Z",
        "2026-01-15T00:01:05.000Z",
        "2026-01-15T00:01:20.000Z"
      ])
    }))

  it.effect("starting exactly on a seconds match: the first run is at the next one", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-01-15T00:00:05Z",
        { name: "seconds", cron: "5,20 * * * * *", timeZone: "UTC" },
        "61 seconds"
      )
      assert.deepStrictEqual(starts, ["2026-01-15T00:00:20.000Z", "2026-01-15T00:01:05.000Z"])
    }))

  it.effect("every 10 seconds, mid-second start", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-01-15T00:00:03.250Z",
        { name: "tens", cron: "*/10 * * * * *", timeZone: "UTC" },
        "30 seconds"
      )
      assert.deepStrictEqual(starts, [
        "2026-01-15T00:00:10.000Z",
        "2026-01-15T00:00:20.000Z",
        "2026-01-15T00:00:30.000Z"
      ])
    }))
})

describe("cron: matches missed during a long run", () => {
  it.effect("are skipped and counted, never replayed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(at("2026-01-15T00:00:00Z"))
      const starts: Array<string> = []
      const ends: Array<string> = []
      const now = Effect.clockWith((clock) => Effect.sync(() => iso(clock.currentTimeMillisUnsafe())))
      const task = Effect.gen(function*() {
        starts.push(yield* now)
        yield* Effect.sleep("35 seconds")
        ends.push(yield* now)
      })
      const handle = yield* Repeater.fork(task, { name: "slow", cron: "*/10 * * * * *", timeZone: "UTC" })
      // Run 1: 00:10 to 00:45 misses 00:20, 00:30, 00:40; run 2: 00:50 to 01:25 misses 01:00, 01:10, 01:20.
      yield* TestClock.adjust("46 seconds")
      assert.deepStrictEqual(starts, ["2026-01-15T00:00:10.000Z"])
      assert.deepStrictEqual(ends, ["2026-01-15T00:00:45.000Z"])
      let status = yield* handle.status
      assert.strictEqual(status.skippedTicks, 3)
      assert.deepStrictEqual(status.nextRun, Option.some(DateTime.makeUnsafe(at("2026-01-15T00:00:50Z"))))
      yield* TestClock.adjust("49 seconds")
      assert.deepStrictEqual(starts, [
        "2026-01-15T00:00:10.000Z",
        "2026-01-15T00:00:50.000Z",
        "2026-01-15T00:01:30.000Z"
      ])
      assert.deepStrictEqual(ends, ["2026-01-15T00:00:45.000Z", "2026-01-15T00:01:25.000Z"])
      status = yield* handle.status
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(status.skippedTicks, 6)
      assert.strictEqual(status.inFlight, true)
      // The third run is still in flight: stop it so that the scope can close.
      const stopping = yield* Effect.forkChild(handle.stop({ grace: "1 second" }))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
      assert.strictEqual(starts.length, 3)
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("cron: pause", () => {
  it.effect("matches that fall due while paused (even during a runNow run) are dropped, not counted as skipped", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(at("2026-01-15T00:00:00Z"))
      const starts: Array<string> = []
      const now = Effect.clockWith((clock) => Effect.sync(() => iso(clock.currentTimeMillisUnsafe())))
      const task = Effect.gen(function*() {
        starts.push(yield* now)
        if (starts.length === 2) yield* Effect.sleep("25 seconds")
      })
      const handle = yield* Repeater.fork(task, { name: "paused-cron", cron: "*/10 * * * * *", timeZone: "UTC" })
      yield* TestClock.adjust("15 seconds")
      yield* handle.pause
      yield* TestClock.adjust("2 seconds")
      // a manual run from 00:17 to 00:42 while paused: the matches 00:20, 00:30, 00:40 fall due meanwhile
      yield* handle.runNow
      yield* TestClock.adjust("33 seconds")
      assert.deepStrictEqual(starts, ["2026-01-15T00:00:10.000Z", "2026-01-15T00:00:17.000Z"])
      let status = yield* handle.status
      assert.strictEqual(status.state, "paused")
      assert.strictEqual(status.skippedTicks, 0)
      // the next match after the manual run (00:50) has not passed at the resume: it is kept
      assert.deepStrictEqual(status.nextRun, Option.none())
      yield* handle.resume
      assert.deepStrictEqual(
        (yield* handle.status).nextRun,
        Option.some(DateTime.makeUnsafe(at("2026-01-15T00:00:50Z")))
      )
      yield* TestClock.adjust("20 seconds")
      assert.deepStrictEqual(starts, [
        "2026-01-15T00:00:10.000Z",
        "2026-01-15T00:00:17.000Z",
        "2026-01-15T00:00:50.000Z",
        "2026-01-15T00:01:00.000Z",
        "2026-01-15T00:01:10.000Z"
      ])
      status = yield* handle.status
      assert.strictEqual(status.skippedTicks, 0)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("cron: daylight-saving changes in a named zone", () => {
  it.effect("Europe/Berlin spring forward (2026-03-29, 02:00 -> 03:00): one run a day, no double fire, no day skipped", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-03-27T00:00:00Z",
        { name: "berlin", cron: "30 2 * * *", timeZone: "Europe/Berlin" },
        "5 days"
      )
      assert.deepStrictEqual(starts, [
        "2026-03-27T01:30:00.000Z", // 02:30 CET
        "2026-03-28T01:30:00.000Z", // 02:30 CET
        "2026-03-29T01:30:00.000Z", // 02:30 does not exist: 03:30 CEST, the wall time moved forward by the gap
        "2026-03-30T00:30:00.000Z", // 02:30 CEST
        "2026-03-31T00:30:00.000Z" // 02:30 CEST
      ])
      assert.deepStrictEqual(starts.map((start) => localDate(at(start), "Europe/Berlin")), [
        "2026-03-27",
        "2026-03-28",
        "2026-03-29",
        "2026-03-30",
        "2026-03-31"
      ])
    }))

  it.effect("Europe/Berlin fall back (2026-10-25, 03:00 -> 02:00): 02:30 happens twice but the repeater fires once", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-10-24T00:00:00Z",
        { name: "berlin", cron: "30 2 * * *", timeZone: "Europe/Berlin" },
        "3 days"
      )
      assert.deepStrictEqual(starts, [
        "2026-10-24T00:30:00.000Z", // 02:30 CEST
        "2026-10-25T00:30:00.000Z", // the first 02:30 (CEST); the second one (01:30Z, CET) is not run
        "2026-10-26T01:30:00.000Z" // 02:30 CET
      ])
      assert.strictEqual(starts.filter((start) => localDate(at(start), "Europe/Berlin") === "2026-10-25").length, 1)
    }))

  it.effect("America/New_York fall back (2026-11-01, 02:00 -> 01:00): 01:30 fires once", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-10-31T00:00:00Z",
        { name: "new-york", cron: "30 1 * * *", timeZone: "America/New_York" },
        "3 days"
      )
      assert.deepStrictEqual(starts, [
        "2026-10-31T05:30:00.000Z", // 01:30 EDT
        "2026-11-01T05:30:00.000Z", // the first 01:30 (EDT); the second one (06:30Z, EST) is not run
        "2026-11-02T06:30:00.000Z" // 01:30 EST
      ])
    }))

  it.effect("America/New_York spring forward (2026-03-08, 02:00 -> 03:00): 02:30 still fires that day", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-03-07T00:00:00Z",
        { name: "new-york", cron: "30 2 * * *", timeZone: "America/New_York" },
        "3 days"
      )
      assert.deepStrictEqual(starts.map((start) => localDate(at(start), "America/New_York")), [
        "2026-03-07",
        "2026-03-08",
        "2026-03-09"
      ])
      assert.deepStrictEqual(starts, [
        "2026-03-07T07:30:00.000Z", // 02:30 EST
        "2026-03-08T07:30:00.000Z", // 02:30 does not exist: 03:30 EDT
        "2026-03-09T06:30:00.000Z" // 02:30 EDT
      ])
    }))
})

describe("cron: the default time zone", () => {
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone

  const compare = (start: string, cron: string, window: Duration.Input) =>
    Effect.gen(function*() {
      yield* TestClock.setTime(at(start))
      const byDefault = recorder()
      const explicit = recorder()
      const a = yield* Repeater.fork(byDefault.task, { name: "default", cron })
      const b = yield* Repeater.fork(explicit.task, { name: "explicit", cron, timeZone: localZone })
      assert.deepStrictEqual((yield* a.status).nextRun, (yield* b.status).nextRun)
      yield* TestClock.adjust(window)
      assert.isAbove(explicit.starts.length, 0)
      assert.deepStrictEqual(byDefault.starts, explicit.starts)
      assert.deepStrictEqual((yield* a.status).nextRun, (yield* b.status).nextRun)
    }).pipe(Effect.provide(Repeater.layer))

  it.effect(`is the process's named zone (${localZone}): same runs around the spring change`, () =>
    compare("2026-03-26T00:00:00Z", "30 2 * * *", "6 days"))

  it.effect(`is the process's named zone (${localZone}): same runs around the autumn change`, () =>
    compare("2026-10-23T00:00:00Z", "30 1,2 * * *", "10 days"))

  it.effect(`is the process's named zone (${localZone}): same runs of a monthly cron over a year`, () =>
    compare("2026-01-15T00:00:00Z", "0 0 1 * *", "366 days"))
})

describe("cron: monthly", () => {
  it.effect("0 0 1 * * in UTC fires at the start of each month", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-01-15T12:00:00Z",
        { name: "monthly", cron: "0 0 1 * *", timeZone: "UTC" },
        "170 days"
      )
      assert.deepStrictEqual(starts, [
        "2026-02-01T00:00:00.000Z",
        "2026-03-01T00:00:00.000Z",
        "2026-04-01T00:00:00.000Z",
        "2026-05-01T00:00:00.000Z",
        "2026-06-01T00:00:00.000Z",
        "2026-07-01T00:00:00.000Z"
      ])
    }))

  it.effect("0 0 1 * * in Europe/Berlin fires at local midnight, across the change to summer time", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-01-15T12:00:00Z",
        { name: "monthly", cron: "0 0 1 * *", timeZone: "Europe/Berlin" },
        "110 days"
      )
      assert.deepStrictEqual(starts, [
        "2026-01-31T23:00:00.000Z", // 1 Feb 00:00 CET
        "2026-02-28T23:00:00.000Z", // 1 Mar 00:00 CET
        "2026-03-31T22:00:00.000Z", // 1 Apr 00:00 CEST
        "2026-04-30T22:00:00.000Z" // 1 May 00:00 CEST
      ])
    }))

  it.effect("starting exactly on the 1st at midnight: the first run is a month later", () =>
    Effect.gen(function*() {
      const starts = yield* runsOf(
        "2026-01-01T00:00:00Z",
        { name: "monthly", cron: "0 0 1 * *", timeZone: "UTC" },
        "59 days"
      )
      assert.deepStrictEqual(starts, ["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"])
    }))
})

/** A clock on which each reading of the wall time takes `millis` (a busy machine between two readings). */
const busyClock = (base: Clock.Clock, millis: number): Clock.Clock => {
  let passed = 0
  const wall = () => base.currentTimeMillisUnsafe() + (passed += millis)
  return {
    currentTimeMillisUnsafe: wall,
    currentTimeMillis: Effect.sync(wall),
    currentTimeNanosUnsafe: () => BigInt(wall()) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(wall()) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: base.monotonicTimeNanos,
    sleep: (duration) => base.sleep(duration)
  }
}

describe("cron: time passing while a run is planned", () => {
  it.effect("the next run is the match itself, never earlier, however much time passed since the plan's reading", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(at("2026-01-15T00:00:03.250Z"))
      const clock = busyClock(yield* Clock.clockWith(Effect.succeed), 7)
      const starts: Array<number> = []
      const task = Effect.sync(() => void starts.push(clock.currentTimeMillisUnsafe()))
      const busy = <A, E>(effect: Effect.Effect<A, E, Repeater.Repeater | Scope.Scope>) =>
        Effect.provideService(Effect.provide(effect, context), Clock.Clock, clock)
      const context = yield* Effect.provideService(Layer.build(Repeater.layer), Clock.Clock, clock)
      const handle = yield* busy(Repeater.fork(task, { name: "tens", cron: "*/10 * * * * *", timeZone: "UTC" }))
      const first = (yield* handle.status).nextRun
      yield* TestClock.adjust("20 seconds")
      const nextRuns = [first, (yield* handle.status).nextRun]
      // every planned run is on a match (a whole ten seconds), and every run started at or after its match
      for (const nextRun of nextRuns) {
        assert.strictEqual(Option.getOrThrow(nextRun).epochMilliseconds % 10_000, 0, String(nextRun))
      }
      assert.isAbove(starts.length, 0)
      for (const start of starts) assert.isBelow(start % 10_000, 1_000, iso(start))
    }))

  it.effect("cron: a run that ends exactly on a match skips that match and counts it (Cron.next is strictly after)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-01-15T00:00:00Z"))
      const starts: Array<string> = []
      const task = Effect.flatMap(
        now,
        (t) =>
          Effect.andThen(
            Effect.sync(() => void starts.push(new Date(t).toISOString().slice(11, 19))),
            Effect.sleep("10 seconds")
          )
      )
      const handle = yield* Repeater.fork(task, { name: "cron", cron: "*/10 * * * * *", timeZone: "UTC" })
      yield* TestClock.adjust("55 seconds")
      assert.deepStrictEqual(starts, ["00:00:10", "00:00:30", "00:00:50"])
      assert.strictEqual((yield* handle.status).skippedTicks, 2)
      const stopping = yield* Effect.forkChild(handle.stop({ grace: "0 millis" }))
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
    }).pipe(Effect.provide(Repeater.layer)))
})
