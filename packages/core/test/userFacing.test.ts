/**
 * What users see: the README and docs/testing.md snippets and claims, the
 * events stream (order, late and several subscribers, end at service close),
 * metrics, status consistency and the API's types.
 */
import { Repeater } from "@effect-repeater/core"
import { type RepeaterScheduleError, RepeaterTimeoutError } from "@effect-repeater/core/RepeaterError"
import type { RepeaterEvent } from "@effect-repeater/core/RepeaterEvent"
import type { RepeaterHandle, RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import {
  Cause,
  Context,
  Data,
  DateTime,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Metric,
  type MetricPair,
  MetricState,
  Option,
  Schedule,
  Scope,
  Stream,
  TestClock
} from "effect"
import { now } from "./support/time.js"

class Transient extends Data.TaggedError("Transient")<{ readonly attempt: number }> {}

const millis = (value: Option.Option<DateTime.Utc>): number | undefined =>
  Option.getOrUndefined(Option.map(value, DateTime.toEpochMillis))

/** An event as `tag name#run` plus the times that matter, in virtual milliseconds. */
const eventView = (event: RepeaterEvent): string => {
  switch (event._tag) {
    case "RunStarted":
      return `${event._tag} ${event.name}#${event.run} s=${DateTime.toEpochMillis(event.scheduledAt)} a=${
        DateTime.toEpochMillis(event.startedAt)
      }`
    case "RunSucceeded":
    case "RunFailed":
      return `${event._tag} ${event.name}#${event.run} d=${Duration.toMillis(event.duration)}`
    case "TickSkipped":
      return `${event._tag} ${event.name}#${event.run} s=${DateTime.toEpochMillis(event.scheduledAt)} n=${event.count}`
    case "Stopped":
      return `${event._tag} ${event.name} runs=${event.runs} ${event.result}`
    case "Completed":
    case "Failed":
      return `${event._tag} ${event.name} runs=${event.runs}`
  }
}

/** Subscribes in a fiber of the current Scope; returns what it receives. */
const subscribe = Effect.gen(function*() {
  const received: Array<string> = []
  const fiber = yield* Effect.forkScoped(
    Stream.runForEach(Repeater.events, (event) => Effect.sync(() => void received.push(eventView(event))))
  )
  yield* TestClock.adjust("0 millis")
  return { received, fiber }
})

/** The metric pairs named `name` whose labels include all of `labels`. */
const metricPairs = (name: string, labels: Record<string, string>) =>
  Effect.map(
    Metric.snapshot,
    (pairs) =>
      pairs.filter((pair: MetricPair.MetricPair.Untyped) =>
        pair.metricKey.name === name &&
        Object.entries(labels).every(([key, value]) =>
          pair.metricKey.tags.some((tag) => tag.key === key && tag.value === value)
        )
      )
  )

const counterValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) =>
    pairs.reduce((sum, pair) => {
      const state = pair.metricState
      return MetricState.isCounterState(state) ? sum + Number(state.count) : sum
    }, 0))

const gaugeValue = (repeater: string) =>
  Effect.map(metricPairs("repeater_runs_in_flight", { repeater }), (pairs) => {
    assert.strictEqual(pairs.length, 1)
    const state = pairs[0].metricState
    return MetricState.isGaugeState(state) ? Number(state.value) : NaN
  })

const histogram = (name: string, repeater: string) =>
  Effect.map(metricPairs(name, { repeater }), (pairs) => {
    assert.strictEqual(pairs.length, 1)
    const state = pairs[0].metricState
    return MetricState.isHistogramState(state) ?
      { count: state.count, sum: state.sum, min: state.min, max: state.max } :
      { count: NaN, sum: NaN, min: NaN, max: NaN }
  })

const outcomes = (repeater: string) =>
  Effect.all({
    success: counterValue("repeater_runs_total", { repeater, outcome: "success" }),
    failure: counterValue("repeater_runs_total", { repeater, outcome: "failure" }),
    interrupted: counterValue("repeater_runs_total", { repeater, outcome: "interrupted" })
  })

const statusView = (status: RepeaterStatus) => ({
  state: status.state,
  inFlight: status.inFlight,
  runs: status.runs,
  failures: status.failures,
  skippedTicks: status.skippedTicks,
  nextRun: millis(status.nextRun)
})

// -----------------------------------------------------------------------------
// 1. the documentation's snippets and claims
// -----------------------------------------------------------------------------

describe("the documentation's claims", () => {
  it.scoped("testing.md: TestClock.adjust(\"1 hour\") on every: \"5 seconds\" runs it 721 times, at 0, 5, ..., 3600 s", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      yield* Repeater.fork(
        Effect.flatMap(now, (t) => Effect.sync(() => void starts.push(t))),
        { name: "doc-721", every: "5 seconds" }
      )
      yield* TestClock.adjust("1 hour")
      assert.deepStrictEqual(starts, Array.from({ length: 721 }, (_, i) => i * 5_000))
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("testing.md: stop({ grace: \"1 second\" }) resolves interrupted after the run's finalizers, once the clock passes the grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.addFinalizer(() => Effect.flatMap(now, (t) => Effect.sync(() => void log.push(`finalizer@${t}`)))).pipe(
          Effect.zipRight(Effect.sleep("1 minute"))
        ),
        { name: "doc-grace", every: "10 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      const stop = yield* Effect.fork(Effect.zip(handle.stop({ grace: "1 second" }), now))
      yield* TestClock.adjust("999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(stop)))
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(stop), ["interrupted", 1_000])
      assert.deepStrictEqual(log, ["finalizer@1000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("testing.md: with onError: \"stop\", Effect.flip(handle.join) gives the run's error", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(
        Effect.fail(new Transient({ attempt: 1 })),
        { name: "doc-flip", every: "1 second", onError: "stop" }
      )
      yield* TestClock.adjust("0 millis")
      const error = yield* Effect.flip(handle.join)
      assert.deepStrictEqual(error, new Transient({ attempt: 1 }))
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("README: the RepeaterConfigError message of every: \"-5 seconds\" reads as documented", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Repeater.fork(Effect.void, { name: "cleanup", every: "-5 seconds" }))
      assert.strictEqual(
        error.message,
        "Invalid option \"every\" of repeater \"cleanup\": \"-5 seconds\" is not a valid duration: it must be finite and greater than zero"
      )
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("README: the opening example (fork, log the status, join) runs until its Scope is closed from outside", () =>
    Effect.gen(function*() {
      const logged: Array<RepeaterStatus> = []
      const program = Effect.gen(function*() {
        const cleanup = yield* Repeater.fork(
          Effect.log("removing expired tokens"),
          { name: "token-cleanup", every: "1 hour", timeout: "5 minutes" }
        )
        logged.push(yield* cleanup.status)
        yield* cleanup.join
      })
      const fiber = yield* Effect.fork(program.pipe(Effect.scoped, Effect.provide(Repeater.layer)))
      yield* TestClock.adjust("3 hours")
      // join only returns when the repeater ends: the program's own Scope never closes by itself
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      assert.strictEqual(logged.length, 1)
      assert.strictEqual(logged[0].state, "scheduled")
      yield* Fiber.interrupt(fiber)
    }))
})

// -----------------------------------------------------------------------------
// 2. events
// -----------------------------------------------------------------------------

describe("events stream", () => {
  it.scoped("per repeater in order; a late subscriber sees only later events; two subscribers see the same", () =>
    Effect.gen(function*() {
      const early = yield* subscribe
      yield* Repeater.fork(Effect.sleep("2 seconds"), { name: "ev-a", every: "10 seconds" })
      yield* TestClock.adjust("5 seconds")
      const late = yield* subscribe
      yield* Repeater.fork(Effect.sleep("1 second"), { name: "ev-b", every: "10 seconds", maxRepetitions: 1 })
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(early.received, [
        "RunStarted ev-a#1 s=0 a=0",
        "RunSucceeded ev-a#1 d=2000",
        "RunStarted ev-b#1 s=5000 a=5000",
        "RunSucceeded ev-b#1 d=1000",
        "Completed ev-b runs=1",
        "RunStarted ev-a#2 s=12000 a=12000",
        "RunSucceeded ev-a#2 d=2000"
      ])
      assert.deepStrictEqual(late.received, early.received.slice(2))
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a repeater forked in another fiber reports on the same stream", () =>
    Effect.gen(function*() {
      const { received } = yield* subscribe
      const scope = yield* Effect.scope
      const forker = yield* Effect.fork(
        Repeater.fork(Effect.void, { name: "ev-other", every: "3 seconds", maxRepetitions: 2 }).pipe(
          Scope.extend(scope)
        )
      )
      yield* Fiber.join(forker)
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(received, [
        "RunStarted ev-other#1 s=0 a=0",
        "RunSucceeded ev-other#1 d=0",
        "RunStarted ev-other#2 s=3000 a=3000",
        "RunSucceeded ev-other#2 d=0",
        "Completed ev-other runs=2"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("the stream ends when the service closes, after the final Stopped event of every repeater", () =>
    Effect.gen(function*() {
      const outer = yield* Effect.scope
      const subscriber = yield* Effect.gen(function*() {
        const received: Array<string> = []
        const fiber = yield* Effect.forkIn(
          Stream.runForEach(Repeater.events, (event) => Effect.sync(() => void received.push(eventView(event)))),
          outer
        )
        yield* TestClock.adjust("0 millis")
        yield* Repeater.fork(Effect.void, { name: "end-a", every: "1 minute", waitFirst: true })
        yield* Repeater.fork(Effect.void, { name: "end-b", every: "1 minute", waitFirst: true })
        yield* Repeater.fork(Effect.void, { name: "end-c", every: "1 minute", waitFirst: true })
        yield* TestClock.adjust("1 second")
        return { received, fiber }
      }).pipe(Effect.scoped, Effect.provide(Repeater.layer))
      // the service has closed: its stream must end by itself, having delivered the three Stopped events
      yield* TestClock.adjust("0 millis")
      const ended = yield* Fiber.poll(subscriber.fiber)
      assert.isTrue(Option.isSome(ended) && Exit.isSuccess(ended.value), "the stream ended")
      assert.deepStrictEqual([...subscriber.received].sort(), [
        "Stopped end-a runs=0 idle",
        "Stopped end-b runs=0 idle",
        "Stopped end-c runs=0 idle"
      ])
    }))

  it.scoped("the stream ends when the service closes, after the Stopped event of a repeater whose run had its grace", () =>
    Effect.gen(function*() {
      const outer = yield* Effect.scope
      const subscriber = yield* Effect.gen(function*() {
        const received: Array<string> = []
        const fiber = yield* Effect.forkIn(
          Stream.runForEach(Repeater.events, (event) => Effect.sync(() => void received.push(eventView(event)))),
          outer
        )
        yield* TestClock.adjust("0 millis")
        yield* Repeater.fork(Effect.sleep("1 hour"), { name: "end-busy", every: "1 minute" })
        yield* TestClock.adjust("1 second")
        return { received, fiber }
      }).pipe(Effect.scoped, Effect.provide(Repeater.layerWith({ defaultGrace: 0 })))
      yield* TestClock.adjust("0 millis")
      const ended = yield* Fiber.poll(subscriber.fiber)
      assert.isTrue(Option.isSome(ended) && Exit.isSuccess(ended.value), "the stream ended")
      assert.deepStrictEqual(subscriber.received, [
        "RunStarted end-busy#1 s=0 a=0",
        "Stopped end-busy runs=0 interrupted"
      ])
    }))
})

// -----------------------------------------------------------------------------
// 3. metrics
// -----------------------------------------------------------------------------

describe("metrics", () => {
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
      assert.deepStrictEqual(yield* histogram("repeater_run_duration_ms", "m-outcomes"), {
        count: 3,
        sum: 1_500 + 1_500 + 7_500,
        min: 1_500,
        max: 7_500
      })
      assert.strictEqual(yield* gaugeValue("m-outcomes"), 0)
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
      assert.deepStrictEqual(yield* histogram("repeater_start_lag_ms", "m-lag"), {
        count: 3,
        sum: 5_000,
        min: 0,
        max: 5_000
      })
      assert.strictEqual(yield* counterValue("repeater_skipped_ticks_total", { repeater: "m-lag" }), 1)
      // a runNow when idle starts with no lag
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.strictEqual((yield* histogram("repeater_start_lag_ms", "m-lag")).count, 4)
      assert.strictEqual((yield* histogram("repeater_start_lag_ms", "m-lag")).sum, 5_000)
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("start lag of a runNow coalesced behind a run is the time it waited", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.sleep("4 seconds"), { name: "m-lag-now", every: "1 minute" })
      yield* TestClock.adjust("1 second")
      yield* handle.runNow // asked at 1 s, starts at 4 s
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(yield* histogram("repeater_start_lag_ms", "m-lag-now"), {
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
      assert.strictEqual(yield* counterValue("repeater_skipped_ticks_total", { repeater: "m-cron-skip" }), 2)
      const status = yield* handle.status
      assert.strictEqual(status.skippedTicks, 2)
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(millis(status.lastStart), Date.parse("2026-01-01T00:04:00Z"))
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
        assert.strictEqual(yield* gaugeValue("m-gauge-close"), 1)
      }).pipe(Effect.scoped, Effect.provide(Repeater.layerWith({ defaultGrace: 0 })))
      assert.strictEqual(yield* gaugeValue("m-gauge-close"), 0)
      assert.deepStrictEqual(yield* outcomes("m-gauge-close"), { success: 0, failure: 0, interrupted: 1 })
    }))
})

// -----------------------------------------------------------------------------
// 4. status
// -----------------------------------------------------------------------------

describe("status", () => {
  it.scoped("Repeater.list holds exactly each live handle's status, at every step", () =>
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

  it.scoped("retry: a run that succeeds on its third attempt is one run, no failure", () =>
    Effect.gen(function*() {
      let attempt = 0
      const handle = yield* Repeater.fork(
        Effect.suspend(() => ++attempt < 3 ? Effect.fail(new Transient({ attempt })) : Effect.void),
        { name: "st-retry", every: "1 minute", retry: Schedule.recurs(3) }
      )
      yield* TestClock.adjust("1 second")
      const status = yield* handle.status
      assert.deepStrictEqual({ attempt, runs: status.runs, failures: status.failures }, {
        attempt: 3,
        runs: 1,
        failures: 0
      })
      assert.isTrue(Option.isNone(status.lastFailure))
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("timeout with retry: every attempt times out, the run is one failure with the timeout error", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        Effect.zipRight(Effect.flatMap(now, (t) => Effect.sync(() => void starts.push(t))), Effect.never),
        { name: "st-timeout", every: "1 minute", timeout: "2 seconds", retry: Schedule.recurs(2) }
      )
      yield* TestClock.adjust("10 seconds")
      const status = yield* handle.status
      assert.deepStrictEqual(starts, [0, 2_000, 4_000])
      assert.deepStrictEqual(statusView(status), {
        state: "scheduled",
        inFlight: false,
        runs: 1,
        failures: 1,
        skippedTicks: 0,
        nextRun: 66_000
      })
      const failure = Option.getOrElse(status.lastFailure, () => "")
      assert.include(failure, "RepeaterTimeoutError")
      assert.include(failure, "timed out after 2s")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("lastFailure of a run whose finalizer dies shows the defect", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(
        Effect.addFinalizer(() => Effect.dieMessage("finalizer exploded")),
        { name: "st-finalizer", every: "1 minute" }
      )
      yield* TestClock.adjust("1 second")
      const status = yield* handle.status
      assert.deepStrictEqual({ runs: status.runs, failures: status.failures }, { runs: 1, failures: 1 })
      assert.include(Option.getOrElse(status.lastFailure, () => ""), "finalizer exploded")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("nextRun in delay, rate, schedule and cron (Europe/Berlin, across the spring DST change) modes", () =>
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
      const next = (handle: RepeaterHandle) => Effect.map(handle.status, (status) => millis(status.nextRun))
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
      assert.strictEqual(millis((yield* cron.status).lastStart), Date.parse("2026-03-29T01:00:00Z"))
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))
})

// -----------------------------------------------------------------------------
// 5. API
// -----------------------------------------------------------------------------

describe("API types and layers", () => {
  it.scoped("typed errors with a retry schedule on the error type; join fails with E | RepeaterTimeoutError", () =>
    Effect.gen(function*() {
      let attempt = 0
      const task: Effect.Effect<void, Transient> = Effect.suspend(() =>
        Effect.fail(new Transient({ attempt: ++attempt }))
      )
      // a retry schedule that reads the error must accept RepeaterTimeoutError too (timeouts go through retry)
      const handle = yield* Repeater.fork(task, {
        name: "api-typed",
        every: "1 minute",
        onError: "stop",
        retry: Schedule.recurWhile((error: Transient | RepeaterTimeoutError) =>
          error._tag === "Transient" && error.attempt < 2
        )
      })
      const typed: RepeaterHandle<Transient> = handle
      const join: Effect.Effect<void, Transient | RepeaterTimeoutError | RepeaterScheduleError> = typed.join
      yield* TestClock.adjust("1 second")
      const error = yield* Effect.flip(join)
      assert.deepStrictEqual(error, new Transient({ attempt: 2 }))
      assert.notInstanceOf(error, RepeaterTimeoutError)
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("pipeable form: effect.pipe(Repeater.fork(options)) keeps the error type in the handle", () =>
    Effect.gen(function*() {
      const handle = yield* Effect.fail(new Transient({ attempt: 7 })).pipe(
        Repeater.fork({ name: "api-pipe", every: "1 minute", onError: "stop" })
      )
      const typed: RepeaterHandle<Transient> = handle
      yield* TestClock.adjust("0 millis")
      const error = yield* Effect.flip(typed.join)
      assert.deepStrictEqual(error, new Transient({ attempt: 7 }))
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("Repeater.background in a Layer graph: runs with its dependency while built, stopped when its Scope closes", () =>
    Effect.gen(function*() {
      class Counter extends Context.Tag("test/Counter")<Counter, { readonly hits: Array<number> }>() {}
      const CounterLive = Layer.sync(Counter, () => ({ hits: [] }))
      const Job = Repeater.background(
        Effect.flatMap(Counter, (counter) => Effect.flatMap(now, (t) => Effect.sync(() => void counter.hits.push(t)))),
        { name: "bg-job", every: "5 seconds" }
      )
      const App = Job.pipe(Layer.provideMerge(CounterLive), Layer.provideMerge(Repeater.layer))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(App, scope)
      yield* TestClock.adjust("12 seconds")
      const counter = Context.get(context, Counter)
      assert.deepStrictEqual(counter.hits, [0, 5_000, 10_000])
      const handle = yield* Repeater.get("bg-job").pipe(Effect.provide(context))
      assert.strictEqual((yield* handle.status).state, "scheduled")
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual((yield* handle.status).state, "stopped")
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(counter.hits, [0, 5_000, 10_000])
    }))

  it.scoped("Repeater.background with a taken name fails the Layer with a RepeaterConfigError", () =>
    Effect.gen(function*() {
      const A = Repeater.background(Effect.void, { name: "bg-dup", every: "5 seconds" })
      const B = Repeater.background(Effect.void, { name: "bg-dup", every: "7 seconds" })
      const exit = yield* Effect.exit(
        Layer.build(Layer.mergeAll(A, B).pipe(Layer.provide(Repeater.layer)))
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const failure = Cause.failureOption(exit.cause)
        assert.isTrue(Option.isSome(failure) && failure.value._tag === "RepeaterConfigError")
        assert.isTrue(Option.isSome(failure) && failure.value.field === "name")
      }
    }))
})
