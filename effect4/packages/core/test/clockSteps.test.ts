import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Clock, DateTime, Duration, Effect, Exit, Layer, Option, Schedule, Scope } from "effect"
import { TestClock } from "effect/testing"
import { hour, iso, minute, steppableService } from "./support/stepsAndStops.js"
import { now, steppableClock } from "./support/time.js"

describe("clock steps and stops: wall-clock steps back and cron", () => {
  it.effect("cron: a step back while a run is in flight does not run the match that run consumed a second time", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T02:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      const task = Effect.andThen(Effect.sync(() => void starts.push(wall())), Effect.sleep("10 minutes"))
      yield* onService(Repeater.fork(task, { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }))
      yield* TestClock.adjust(Duration.millis(65 * minute)) // wall 03:05: the 03:00 run is in flight
      step(-hour) // wall 02:05; the run ends at 02:10 by the wall clock
      yield* TestClock.adjust(Duration.millis(25 * hour)) // wall: 02:05 -> 03:05 the next day
      yield* Scope.close(scope, Exit.void)
      // The 03:00 match was consumed at 03:00; it is never replayed (as when the step comes
      // while the repeater is idle, or paused: see the next tests).
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z"), iso("2026-03-11T03:00:00Z")])
    }))

  it.effect("cron: a step back after the run ended (idle) moves the queued run: the consumed match is not replayed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T02:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      const task = Effect.andThen(Effect.sync(() => void starts.push(wall())), Effect.sleep("10 minutes"))
      yield* onService(Repeater.fork(task, { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }))
      yield* TestClock.adjust(Duration.millis(90 * minute)) // wall 03:30: the run ended at 03:10
      step(-hour) // wall 02:30
      yield* TestClock.adjust(Duration.millis(25 * hour)) // wall: 02:30 -> 03:30 the next day
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z"), iso("2026-03-11T03:00:00Z")])
    }))

  it.effect("cron: resume after a step back made while paused does not replay the consumed match", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T02:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      const handle = yield* onService(
        Repeater.fork(
          Effect.sync(() => void starts.push(wall())),
          { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }
        )
      )
      yield* TestClock.adjust(Duration.millis(90 * minute)) // wall 03:30: ran at 03:00
      yield* handle.pause
      step(-hour) // wall 02:30
      yield* TestClock.adjust(Duration.millis(10 * minute)) // wall 02:40
      yield* handle.resume
      yield* TestClock.adjust(Duration.millis(25 * hour)) // wall 03:40 the next day
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z"), iso("2026-03-11T03:00:00Z")])
    }))

  it.effect("cron: resume exactly on a match that fell due while paused runs it at once (the tick at the resume)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T02:00:00Z"))
      const starts: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.flatMap(now, (t) => Effect.sync(() => void starts.push(new Date(t).toISOString()))),
        { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }
      )
      yield* TestClock.adjust("30 minutes")
      yield* handle.pause
      yield* TestClock.adjust("30 minutes") // 03:00:00.000, while paused
      assert.deepStrictEqual(starts, [])
      yield* handle.resume
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z")])
      yield* TestClock.adjust("1 day")
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z"), iso("2026-03-11T03:00:00Z")])
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))

  it.effect("schedule: Schedule.cron keeps to the wall clock after a step back (it is stepped as Effect.repeat does)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T12:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      yield* onService(
        Repeater.fork(
          Effect.sync(() => void starts.push(wall())),
          { name: "nightly", schedule: Schedule.cron("0 3 * * *", "UTC") }
        )
      )
      yield* TestClock.adjust(Duration.millis(hour)) // wall 13:00
      step(-5 * hour) // wall 08:00
      yield* TestClock.adjust(Duration.millis(68 * hour)) // wall: 08:00 -> 04:00 three days later
      yield* Scope.close(scope, Exit.void)
      // The first run is at once. The run already planned when the step came may come at 22:00
      // by the wall clock (Effect.repeat's sleep does the same), but the schedule is then stepped
      // with the wall time again: 03:00 on each of the following days.
      assert.strictEqual(starts[0], iso("2026-03-10T12:00:00Z"))
      assert.deepStrictEqual(starts.slice(-3), [
        iso("2026-03-11T03:00:00Z"),
        iso("2026-03-12T03:00:00Z"),
        iso("2026-03-13T03:00:00Z")
      ])
    }))

  it.effect("cron: after a step back, status.nextRun and lastStart are wall-clock times (the match, the real start)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T12:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      const nightly = yield* onService(
        Repeater.fork(
          Effect.sync(() => void starts.push(wall())),
          { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }
        )
      )
      // a neighbour in the same service reads the dispatcher's time every 10 minutes
      yield* onService(Repeater.fork(Effect.void, { name: "frequent", every: "10 minutes" }))
      yield* TestClock.adjust(Duration.millis(hour)) // wall 13:00
      step(-5 * hour) // wall 08:00
      yield* TestClock.adjust(Duration.millis(10 * minute)) // the neighbour notices the step
      const before = yield* nightly.status
      yield* TestClock.adjust(Duration.millis(19 * hour)) // wall 03:10 the next day
      const after = yield* nightly.status
      yield* Scope.close(scope, Exit.void)
      // the run itself is at 03:00 by the wall clock ...
      assert.deepStrictEqual(starts, [iso("2026-03-11T03:00:00Z")])
      // ... and so should be what the status says about it
      assert.deepStrictEqual(Option.map(before.nextRun, DateTime.formatIso), Option.some(iso("2026-03-11T03:00:00Z")))
      assert.deepStrictEqual(Option.map(after.lastStart, DateTime.formatIso), Option.some(iso("2026-03-11T03:00:00Z")))
    }))
})

describe("clock steps and stops: wall-clock steps back and intervals", () => {
  it.effect("every: a step back of 1.5 s (more than the 1 s tolerance) is absorbed: the next run is 10 min of elapsed time later", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const base = yield* Clock.clockWith(Effect.succeed)
      const { onService, step } = yield* steppableService(scope)
      const elapsed: Array<number> = []
      yield* onService(
        Repeater.fork(
          Effect.sync(() => void elapsed.push(base.currentTimeMillisUnsafe())),
          { name: "steady", every: "10 minutes" }
        )
      )
      yield* TestClock.adjust(Duration.millis(5 * minute))
      step(-1_500)
      yield* TestClock.adjust(Duration.millis(16 * minute))
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(elapsed, [0, 10 * minute, 20 * minute])
    }))

  it.effect("every: a step back of 500 ms long after the last reading is within the tolerance: the next run waits for the wall clock", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const base = yield* Clock.clockWith(Effect.succeed)
      const { onService, step } = yield* steppableService(scope)
      const elapsed: Array<number> = []
      yield* onService(
        Repeater.fork(
          Effect.sync(() => void elapsed.push(base.currentTimeMillisUnsafe())),
          { name: "steady", every: "10 minutes" }
        )
      )
      yield* TestClock.adjust(Duration.millis(5 * minute))
      step(-500)
      yield* TestClock.adjust(Duration.millis(16 * minute))
      yield* Scope.close(scope, Exit.void)
      // a slewed (not stepped) wall clock: due times follow it, 500 ms later in elapsed time
      assert.deepStrictEqual(elapsed, [0, 10 * minute + 500, 20 * minute + 500])
    }))

  it.effect("every: a step back of 500 ms right after a reading (below the last reading) is absorbed", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const base = yield* Clock.clockWith(Effect.succeed)
      const { onService, step } = yield* steppableService(scope)
      const elapsed: Array<number> = []
      yield* onService(
        Repeater.fork(
          Effect.sync(() => {
            elapsed.push(base.currentTimeMillisUnsafe())
            if (elapsed.length === 1) step(-500)
          }),
          // the wall clock goes back 500 ms during the first run, right after its start was read
          { name: "steady", every: "10 minutes" }
        )
      )
      yield* TestClock.adjust(Duration.millis(21 * minute))
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(elapsed, [0, 10 * minute, 20 * minute])
    }))
})

describe("stops, scopes and memory: wall clock", () => {
  it.effect("cron: after the wall clock is stepped back by 5 hours, a daily 03:00 job runs at 03:00 wall time", () =>
    Effect.gen(function*() {
      const hour = 3_600_000
      yield* TestClock.setTime(Date.parse("2026-03-10T12:00:00Z"))
      const base = yield* Clock.clockWith(Effect.succeed)
      const { clock, step } = steppableClock(base)
      const starts: Array<string> = []
      const task = Effect.sync(() => void starts.push(new Date(clock.currentTimeMillisUnsafe()).toISOString()))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layerWith({ defaultGrace: 0 }), scope).pipe(
        Effect.provideService(Clock.Clock, clock)
      )
      yield* Repeater.fork(task, { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }).pipe(
        Effect.provide(context),
        Scope.provide(scope),
        Effect.provideService(Clock.Clock, clock)
      )
      yield* TestClock.adjust(Duration.millis(hour))
      step(-5 * hour) // wall 13:00 -> 08:00
      yield* TestClock.adjust(Duration.millis(20 * hour)) // wall: 08:00 -> 04:00 the next day
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(starts, ["2026-03-11T03:00:00.000Z"])
    }))

  it.effect("cron: a step back noticed by a busy neighbour does not move a daily 03:00 job to 22:00 wall time", () =>
    Effect.gen(function*() {
      const hour = 3_600_000
      yield* TestClock.setTime(Date.parse("2026-03-10T12:00:00Z"))
      const base = yield* Clock.clockWith(Effect.succeed)
      const { clock, step } = steppableClock(base)
      const starts: Array<string> = []
      const task = Effect.sync(() => void starts.push(new Date(clock.currentTimeMillisUnsafe()).toISOString()))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layerWith({ defaultGrace: 0 }), scope).pipe(
        Effect.provideService(Clock.Clock, clock)
      )
      const fork = Repeater.fork(task, { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" })
      yield* fork.pipe(Effect.provide(context), Scope.provide(scope), Effect.provideService(Clock.Clock, clock))
      // a neighbour in the same service reads the dispatcher's time every 10 minutes
      yield* Repeater.fork(Effect.void, { name: "frequent", every: "10 minutes" }).pipe(
        Effect.provide(context),
        Scope.provide(scope),
        Effect.provideService(Clock.Clock, clock)
      )
      yield* TestClock.adjust(Duration.millis(hour))
      step(-5 * hour) // wall 13:00 -> 08:00
      yield* TestClock.adjust(Duration.millis(20 * hour)) // wall: 08:00 -> 04:00 the next day
      yield* Scope.close(scope, Exit.void)
      // matches are wall times: the job runs at 03:00 by the wall clock, once
      assert.deepStrictEqual(starts, ["2026-03-11T03:00:00.000Z"])
    }))

  it.effect("every: a wall-clock step back smaller than the time since the last reading does not stall the repeater", () =>
    Effect.gen(function*() {
      const minute = 60_000
      const base = yield* Clock.clockWith(Effect.succeed)
      const { clock, step } = steppableClock(base)
      const elapsed: Array<number> = []
      const task = Effect.sync(() => void elapsed.push(base.currentTimeMillisUnsafe()))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layerWith({ defaultGrace: 0 }), scope).pipe(
        Effect.provideService(Clock.Clock, clock)
      )
      yield* Repeater.fork(task, { name: "steady", every: "10 minutes" }).pipe(
        Effect.provide(context),
        Scope.provide(scope),
        Effect.provideService(Clock.Clock, clock)
      )
      yield* TestClock.adjust(Duration.millis(minute))
      step(-5 * minute) // one minute after the run at 0, the wall clock goes back 5 minutes
      yield* TestClock.adjust(Duration.millis(24 * minute))
      yield* Scope.close(scope, Exit.void)
      // "every 10 minutes" is elapsed time, as for a step back of an hour
      assert.deepStrictEqual(elapsed, [0, 10 * minute, 20 * minute])
    }))
})

describe("clock steps: every", () => {
  it.effect("every: a wall clock stepped back by an hour does not stall the repeater for an hour", () =>
    Effect.gen(function*() {
      const base = yield* Clock.clockWith(Effect.succeed)
      const { clock, step } = steppableClock(base)
      const elapsed: Array<number> = []
      const task = Effect.sync(() => void elapsed.push(base.currentTimeMillisUnsafe()))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layer, scope).pipe(
        Effect.provideService(Clock.Clock, clock)
      )
      yield* Repeater.fork(task, { name: "steady", every: "10 seconds" }).pipe(
        Effect.provide(context),
        Scope.provide(scope),
        Effect.provideService(Clock.Clock, clock)
      )
      yield* TestClock.adjust("25 seconds")
      step(-3_600_000)
      yield* TestClock.adjust("35 seconds")
      yield* Scope.close(scope, Exit.void)
      // "every 10 seconds" is elapsed time: 10 s after each run, whatever the wall clock says
      assert.deepStrictEqual(elapsed, [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000])
    }))
})
