import { Repeater } from "@effect-repeater/core"
import type { RepeaterHandle, RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, Fiber, Option, Schedule } from "effect"
import { TestClock } from "effect/testing"
import type { StatusView } from "./support/statusView.js"
import { Boom, fresh, millis as millisOf, subscribeFailures, view } from "./support/statusView.js"

describe("status", () => {
  it.effect("through a lifecycle: scheduled -> running -> scheduled -> paused -> scheduled -> running -> stopping -> stopped", () =>
    Effect.gen(function*() {
      const name = "st-lifecycle"
      const handle = yield* Repeater.fork(Effect.sleep("2 seconds"), { name, every: "10 seconds" })
      yield* TestClock.adjust("0 millis")
      // t = 0: run 1 in flight
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        state: "running",
        inFlight: true,
        lastStart: 0
      })

      yield* TestClock.adjust("2 seconds")
      // t = 2 s: run 1 ended, run 2 due at 12 s
      const afterFirst: StatusView = {
        ...fresh(name),
        runs: 1,
        lastStart: 0,
        lastEnd: 2_000,
        lastDuration: 2_000,
        nextRun: 12_000
      }
      assert.deepStrictEqual(view(yield* handle.status), afterFirst)

      yield* TestClock.adjust("3 seconds")
      yield* handle.pause
      // t = 5 s: paused, no next run
      assert.deepStrictEqual(view(yield* handle.status), { ...afterFirst, state: "paused", nextRun: undefined })

      yield* TestClock.adjust("3 seconds")
      yield* handle.resume
      // t = 8 s: the due time has not passed: it is kept
      assert.deepStrictEqual(view(yield* handle.status), afterFirst)

      yield* TestClock.adjust("4 seconds")
      // t = 12 s: run 2 in flight
      const second = view(yield* handle.status)
      assert.deepStrictEqual(
        {
          state: second.state,
          inFlight: second.inFlight,
          runs: second.runs,
          lastStart: second.lastStart,
          lastEnd: second.lastEnd,
          nextRun: second.nextRun
        },
        { state: "running", inFlight: true, runs: 1, lastStart: 12_000, lastEnd: 2_000, nextRun: undefined }
      )

      yield* TestClock.adjust("1 second")
      const stop = yield* Effect.forkChild(handle.stop())
      yield* TestClock.adjust("0 millis")
      // t = 13 s: stopping, the in-flight run has its grace
      const stopping = view(yield* handle.status)
      assert.deepStrictEqual(
        { state: stopping.state, inFlight: stopping.inFlight, runs: stopping.runs, nextRun: stopping.nextRun },
        { state: "stopping", inFlight: true, runs: 1, nextRun: undefined }
      )

      yield* TestClock.adjust("1 second")
      // t = 14 s: run 2 finished within the grace
      assert.strictEqual(yield* Fiber.join(stop), "finished")
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        state: "stopped",
        runs: 2,
        lastStart: 12_000,
        lastEnd: 14_000,
        lastDuration: 2_000
      })
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual((yield* handle.status).runs, 2)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("paused during a run: the run goes on, then no next run; resume after the due time does not catch up", () =>
    Effect.gen(function*() {
      const name = "st-pause-in-flight"
      const handle = yield* Repeater.fork(Effect.sleep("4 seconds"), { name, every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      yield* handle.pause
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        state: "paused",
        inFlight: true,
        lastStart: 0
      })
      yield* TestClock.adjust("3 seconds")
      // t = 4 s: the run ended while paused
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        state: "paused",
        runs: 1,
        lastStart: 0,
        lastEnd: 4_000,
        lastDuration: 4_000
      })
      yield* TestClock.adjust("26 seconds")
      // t = 30 s: the run due at 14 s was dropped; delay mode waits one period from the resume
      yield* handle.resume
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        runs: 1,
        lastStart: 0,
        lastEnd: 4_000,
        lastDuration: 4_000,
        nextRun: 40_000
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("runNow while paused: the status shows the run in flight, then its end, still paused with no next run", () =>
    Effect.gen(function*() {
      const name = "st-run-now-paused"
      const handle = yield* Repeater.fork(
        Effect.sleep("1 second"),
        { name, every: "10 seconds", initialDelay: "5 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(view(yield* handle.status), { ...fresh(name), nextRun: 5_000 })
      yield* handle.pause
      yield* TestClock.adjust("7 seconds")
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        state: "paused",
        inFlight: true,
        lastStart: 7_000
      })
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        state: "paused",
        runs: 1,
        lastStart: 7_000,
        lastEnd: 8_000,
        lastDuration: 1_000
      })
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual((yield* handle.status).runs, 1)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("failures, runs (failed ones included) and lastFailure as the pretty Cause of the last failure", () =>
    Effect.gen(function*() {
      const causes = yield* subscribeFailures
      const name = "st-failures"
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return run === 1 ?
          Effect.andThen(Effect.sleep("1 second"), Effect.fail(new Boom({ message: "disk full" }))) :
          run === 2 ?
          Effect.andThen(Effect.sleep("2 seconds"), Effect.die(new Error("null pointer"))) :
          Effect.void
      })
      const handle = yield* Repeater.fork(task, { name, every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      // t = 1 s: run 1 failed
      assert.strictEqual(causes.length, 1)
      const first = Cause.pretty(causes[0])
      assert.include(first, "disk full")
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        runs: 1,
        failures: 1,
        lastStart: 0,
        lastEnd: 1_000,
        lastDuration: 1_000,
        lastFailure: first,
        nextRun: 11_000
      })
      yield* TestClock.adjust("12 seconds")
      // t = 13 s: run 2 died at 13 s
      assert.strictEqual(causes.length, 2)
      const second = Cause.pretty(causes[1])
      assert.include(second, "null pointer")
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        runs: 2,
        failures: 2,
        lastStart: 11_000,
        lastEnd: 13_000,
        lastDuration: 2_000,
        lastFailure: second,
        nextRun: 23_000
      })
      yield* TestClock.adjust("10 seconds")
      // t = 23 s: run 3 succeeded at once; lastFailure stays the last failure
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        runs: 3,
        failures: 2,
        lastStart: 23_000,
        lastEnd: 23_000,
        lastDuration: 0,
        lastFailure: second,
        nextRun: 33_000
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("skippedTicks and nextRun in rate mode", () =>
    Effect.gen(function*() {
      const name = "st-rate"
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return run === 1 ? Effect.sleep("3 seconds") : run === 2 ? Effect.sleep("25 seconds") : Effect.void
      })
      const handle = yield* Repeater.fork(task, { name, every: "10 seconds", mode: "rate" })
      yield* TestClock.adjust("3 seconds")
      // t = 3 s: the next run is on the grid, not 10 s after the end
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        runs: 1,
        lastStart: 0,
        lastEnd: 3_000,
        lastDuration: 3_000,
        nextRun: 10_000
      })
      yield* TestClock.adjust("20 seconds")
      // t = 23 s: run 2 (10–35 s) in flight
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        state: "running",
        inFlight: true,
        runs: 1,
        lastStart: 10_000,
        lastEnd: 3_000,
        lastDuration: 3_000
      })
      yield* TestClock.adjust("12 seconds")
      // t = 35 s: ticks 20 s skipped, tick 30 s ran at once at 35 s (instant), next on the grid at 40 s
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        runs: 3,
        skippedTicks: 1,
        lastStart: 35_000,
        lastEnd: 35_000,
        lastDuration: 0,
        nextRun: 40_000
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("nextRun of a cron repeater is its first match after the start", () =>
    Effect.gen(function*() {
      const name = "st-cron"
      const start = Date.parse("2024-03-10T10:07:30Z")
      yield* TestClock.setTime(start)
      const handle = yield* Repeater.fork(Effect.void, { name, cron: "*/15 * * * *", timeZone: "UTC" })
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        nextRun: Date.parse("2024-03-10T10:15:00Z")
      })
      yield* TestClock.adjust("7 minutes")
      yield* TestClock.adjust("30 seconds")
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        runs: 1,
        lastStart: Date.parse("2024-03-10T10:15:00Z"),
        lastEnd: Date.parse("2024-03-10T10:15:00Z"),
        lastDuration: 0,
        nextRun: Date.parse("2024-03-10T10:30:00Z")
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("nextRun of a schedule repeater comes from stepping the schedule after a run", () =>
    Effect.gen(function*() {
      const name = "st-schedule"
      const handle = yield* Repeater.fork(Effect.sleep("1 second"), { name, schedule: Schedule.spaced("10 seconds") })
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        runs: 1,
        lastStart: 0,
        lastEnd: 1_000,
        lastDuration: 1_000,
        nextRun: 11_000
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("completed after maxRepetitions: state completed, no next run, gone from list", () =>
    Effect.gen(function*() {
      const name = "st-completed"
      const handle = yield* Repeater.fork(Effect.sleep("1 second"), { name, every: "10 seconds", maxRepetitions: 2 })
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual((yield* Repeater.list).map(view), [
        { ...fresh(name), runs: 1, lastStart: 0, lastEnd: 1_000, lastDuration: 1_000, nextRun: 11_000 }
      ])
      yield* TestClock.adjust("7 seconds")
      // t = 12 s: run 2 (11–12 s) was the last one
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        state: "completed",
        runs: 2,
        lastStart: 11_000,
        lastEnd: 12_000,
        lastDuration: 1_000
      })
      assert.deepStrictEqual(yield* Repeater.list, [])
      const missing = yield* Effect.flip(Repeater.get(name))
      assert.strictEqual(missing._tag, "RepeaterNotFoundError")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("failed with onError: stop: state failed with the failure counted and shown", () =>
    Effect.gen(function*() {
      const causes = yield* subscribeFailures
      const name = "st-failed"
      const handle = yield* Repeater.fork(
        Effect.andThen(Effect.sleep("1 second"), Effect.fail(new Boom({ message: "fatal" }))),
        { name, every: "10 seconds", onError: "stop" }
      )
      yield* TestClock.adjust("20 seconds")
      assert.strictEqual(causes.length, 1)
      assert.deepStrictEqual(view(yield* handle.status), {
        ...fresh(name),
        state: "failed",
        runs: 1,
        failures: 1,
        lastStart: 0,
        lastEnd: 1_000,
        lastDuration: 1_000,
        lastFailure: Cause.pretty(causes[0])
      })
      assert.include(Option.getOrThrow((yield* handle.status).lastFailure), "fatal")
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("an interrupted run is neither a run nor a failure", () =>
    Effect.gen(function*() {
      const name = "st-interrupted"
      const handle = yield* Repeater.fork(Effect.never, { name, every: "10 seconds" })
      yield* TestClock.adjust("2 seconds")
      const stop = yield* Effect.forkChild(handle.stop({ grace: "1 second" }))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(stop), "interrupted")
      const status = yield* handle.status
      assert.deepStrictEqual(
        { state: status.state, inFlight: status.inFlight, runs: status.runs, failures: status.failures },
        { state: "stopped", inFlight: false, runs: 0, failures: 0 }
      )
      assert.isTrue(Option.isNone(status.lastFailure))
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Repeater.list and Repeater.get show every live repeater's status", () =>
    Effect.gen(function*() {
      const a = yield* Repeater.fork(Effect.sleep("1 second"), { name: "st-list-a", every: "10 seconds" })
      const b = yield* Repeater.fork(Effect.void, { name: "st-list-b", every: "4 seconds", initialDelay: "3 seconds" })
      yield* TestClock.adjust("5 seconds")
      yield* b.pause
      const expectedA: StatusView = {
        ...fresh("st-list-a"),
        runs: 1,
        lastStart: 0,
        lastEnd: 1_000,
        lastDuration: 1_000,
        nextRun: 11_000
      }
      const expectedB: StatusView = {
        ...fresh("st-list-b"),
        state: "paused",
        runs: 1,
        lastStart: 3_000,
        lastEnd: 3_000,
        lastDuration: 0
      }
      const listed = (yield* Repeater.list).map(view).sort((x, y) => x.name.localeCompare(y.name))
      assert.deepStrictEqual(listed, [expectedA, expectedB])
      assert.deepStrictEqual(view(yield* a.status), expectedA)
      assert.deepStrictEqual(view(yield* (yield* Repeater.get("st-list-b")).status), expectedB)
      assert.strictEqual(yield* a.stop(), "idle")
      assert.deepStrictEqual((yield* Repeater.list).map(view), [expectedB])
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("lastDuration", () => {
  it.effect("keeps the previous run's duration while the next run is in flight", () =>
    Effect.gen(function*() {
      const durations = [2_000, 5_000]
      let index = 0
      const task = Effect.suspend(() => Effect.sleep(Duration.millis(durations[index++] ?? 0)))
      const handle = yield* Repeater.fork(task, { name: "durations", every: "10 seconds" })
      // run 1: 0 → 2 s; run 2 starts at 12 s and lasts 5 s
      yield* TestClock.adjust("13 seconds")
      const during = view(yield* handle.status)
      assert.strictEqual(during.state, "running")
      assert.strictEqual(during.lastStart, 12_000)
      assert.strictEqual(during.lastEnd, 2_000)
      assert.strictEqual(during.lastDuration, 2_000)
      yield* TestClock.adjust("4 seconds")
      const after = view(yield* handle.status)
      assert.strictEqual(after.lastEnd, 17_000)
      assert.strictEqual(after.lastDuration, 5_000)
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("status.lastFailure", () => {
  it.effect("shows the error's cause chain, such as a driver error wrapped by a library error", () =>
    Effect.gen(function*() {
      const driverError = new Error("no such table: tokens")
      const handle = yield* Repeater.fork(
        Effect.fail(new Error("Failed to execute statement", { cause: driverError })),
        { name: "cleanup", every: "1 minute" }
      )
      yield* TestClock.adjust("0 millis")
      const status = yield* handle.status
      assert.strictEqual(status.failures, 1)
      const lastFailure = Option.getOrThrow(status.lastFailure)
      assert.isTrue(lastFailure.startsWith("Error: Failed to execute statement"))
      assert.include(lastFailure, "[cause]: Error: no such table: tokens")
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("status: list, nextRun and finalizer failures", () => {
  it.effect("Repeater.list holds exactly each live handle's status, at every step", () =>
    Effect.gen(function*() {
      const a = yield* Repeater.fork(Effect.sleep("3 seconds"), { name: "st-a", every: "10 seconds" })
      const b = yield* Repeater.fork(Effect.void, { name: "st-b", every: "4 seconds", mode: "rate" })
      const c = yield* Repeater.fork(Effect.void, { name: "st-c", every: "1 second", maxRepetitions: 2 })
      const compare = Effect.gen(function*() {
        const list = yield* Repeater.list
        const live: Array<RepeaterHandle> = [a, b, c]
        const statuses: Array<RepeaterStatus> = []
        for (const handle of live) {
          const status = yield* handle.status
          if (!["stopped", "completed", "failed"].includes(status.state)) statuses.push(status)
        }
        assert.deepStrictEqual(list, statuses)
      })
      for (const step of [0, 1, 2_000, 1_500, 5_000]) {
        yield* TestClock.adjust(Duration.millis(step))
        yield* compare
      }
      yield* b.pause
      yield* compare
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["st-a", "st-b"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("nextRun in delay, rate, schedule and cron (Europe/Berlin, across the spring DST change) modes", () =>
    Effect.gen(function*() {
      const start = Date.parse("2026-03-28T12:00:00Z")
      yield* TestClock.setTime(start)
      const delay = yield* Repeater.fork(Effect.sleep("3 seconds"), { name: "nr-delay", every: "10 seconds" })
      const rate = yield* Repeater.fork(
        Effect.sleep("3 seconds"),
        { name: "nr-rate", every: "10 seconds", mode: "rate", initialDelay: "1 second" }
      )
      const schedule = yield* Repeater.fork(
        Effect.sleep("3 seconds"),
        { name: "nr-schedule", schedule: Schedule.exponential("2 seconds") }
      )
      const cron = yield* Repeater.fork(
        Effect.void,
        { name: "nr-cron", cron: "0 3 * * *", timeZone: "Europe/Berlin" }
      )
      const next = (handle: RepeaterHandle) => Effect.map(handle.status, (status) => millisOf(status.nextRun))
      yield* TestClock.adjust("0 millis")
      // in flight: no next run
      assert.strictEqual(yield* next(delay), undefined)
      assert.strictEqual(yield* next(rate), start + 1_000)
      assert.strictEqual(yield* next(schedule), undefined)
      // 03:00 CEST on 29 March 2026 is 01:00 UTC (clocks go forward at 02:00 CET)
      assert.strictEqual(yield* next(cron), Date.parse("2026-03-29T01:00:00Z"))
      yield* TestClock.adjust("4 seconds")
      assert.strictEqual(yield* next(delay), start + 13_000)
      assert.strictEqual(yield* next(rate), start + 11_000)
      assert.strictEqual(yield* next(schedule), start + 5_000) // exponential: first delay 2 s after the end at 3 s
      yield* rate.pause
      assert.strictEqual(yield* next(rate), undefined)
      // (the others are stopped, so that moving the clock by 13 hours stays cheap)
      for (const handle of [delay, rate, schedule]) yield* handle.stop({ grace: 0 })
      // the day after: 03:00 CEST is again 01:00 UTC
      yield* TestClock.setTime(Date.parse("2026-03-29T01:00:01Z"))
      assert.strictEqual(yield* next(cron), Date.parse("2026-03-30T01:00:00Z"))
      assert.strictEqual(millisOf((yield* cron.status).lastStart), Date.parse("2026-03-29T01:00:00Z"))
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))

  it.effect("lastFailure of a run whose finalizer dies shows the defect", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(
        Effect.addFinalizer(() => Effect.die(new Error("finalizer exploded"))),
        { name: "st-finalizer", every: "1 minute" }
      )
      yield* TestClock.adjust("1 second")
      const status = yield* handle.status
      assert.deepStrictEqual({ runs: status.runs, failures: status.failures }, { runs: 1, failures: 1 })
      assert.include(Option.getOrElse(status.lastFailure, () => ""), "finalizer exploded")
    }).pipe(Effect.provide(Repeater.layer)))
})
