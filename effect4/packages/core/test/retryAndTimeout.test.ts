import { Repeater } from "@effect-repeater/core"
import { RepeaterTimeoutError } from "@effect-repeater/core/RepeaterError"
import type { RepeaterScheduleError } from "@effect-repeater/core/RepeaterError"
import type { RepeaterHandle, RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Fiber, Option, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { failureOption, originalError } from "./support/effect3.js"
import { Transient } from "./support/errors.js"
import { millis } from "./support/statusView.js"
import { captureLogs, TaskError } from "./support/taskFailures.js"
import type { CapturedLog } from "./support/taskFailures.js"
import { mark, now } from "./support/time.js"

describe("retry", () => {
  it.effect("retries within one run: two failures then a success make one successful run", () => {
    const logs: Array<CapturedLog> = []
    return Effect.gen(function*() {
      const attempts: Array<number> = []
      const task = Effect.flatMap(now, (t) =>
        Effect.suspend(() => {
          attempts.push(t)
          return attempts.length % 3 === 0 ? Effect.void : Effect.fail(new TaskError({ message: "flaky" }))
        }))
      const handle = yield* Repeater.fork(
        task,
        {
          name: "retried",
          every: "10 seconds",
          retry: Schedule.max([Schedule.recurs(2), Schedule.spaced("1 second")])
        }
      )
      yield* TestClock.adjust("15 seconds")
      // run 1: attempts at 0, 1 s, 2 s; it ends at 2 s, so run 2 starts at 12 s
      assert.deepStrictEqual(attempts, [0, 1_000, 2_000, 12_000, 13_000, 14_000])
      const status = yield* handle.status
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(status.failures, 0)
      assert.isTrue(Option.isNone(status.lastFailure))
      assert.deepStrictEqual(logs.filter((entry) => entry.level === "ERROR"), [])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer), Effect.provide(captureLogs(logs)))
  })

  it.effect("retries exhausted: the run counts as one failed run", () => {
    const logs: Array<CapturedLog> = []
    return Effect.gen(function*() {
      const attempts: Array<number> = []
      const error = new TaskError({ message: "always" })
      const task = Effect.flatMap(now, (t) =>
        Effect.suspend(() => {
          attempts.push(t)
          return Effect.fail(error)
        }))
      const handle = yield* Repeater.fork(
        task,
        {
          name: "exhausted",
          every: "10 seconds",
          retry: Schedule.max([Schedule.recurs(2), Schedule.spaced("1 second")])
        }
      )
      yield* TestClock.adjust("11 seconds")
      assert.deepStrictEqual(attempts, [0, 1_000, 2_000])
      const status = yield* handle.status
      assert.strictEqual(status.runs, 1)
      assert.strictEqual(status.failures, 1)
      assert.strictEqual(logs.length, 1)
      assert.strictEqual(logs[0].level, "ERROR")
      assert.strictEqual(logs[0].at, 2_000)
      assert.strictEqual(logs[0].annotations.run, 1)
      assert.deepStrictEqual(
        Option.map(failureOption(logs[0].cause), originalError),
        Option.some<unknown>(error)
      )
      // the schedule goes on from the end of the failed run
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(attempts, [0, 1_000, 2_000, 12_000])
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer), Effect.provide(captureLogs(logs)))
  })
})

describe("timeout", () => {
  it.effect("a run longer than timeout is interrupted at the timeout, counts as a failure, and the schedule goes on", () => {
    const logs: Array<CapturedLog> = []
    return Effect.gen(function*() {
      const events: Array<string> = []
      const task = Effect.andThen(
        mark(events, "start"),
        Effect.andThen(Effect.sleep("5 seconds"), mark(events, "end"))
      ).pipe(Effect.ensuring(mark(events, "finalizer")))
      const handle = yield* Repeater.fork(task, { name: "slow", every: "10 seconds", timeout: "2 seconds" })
      yield* TestClock.adjust("1999 millis")
      assert.deepStrictEqual(events, ["start@0"])
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(events, ["start@0", "finalizer@2000"])

      assert.strictEqual(logs.length, 1)
      const [entry] = logs
      assert.strictEqual(entry.level, "ERROR")
      assert.strictEqual(entry.at, 2_000)
      assert.strictEqual(entry.annotations.run, 1)
      const failure = Option.map(failureOption(entry.cause), originalError)
      assert.isTrue(Option.isSome(failure))
      const error = Option.getOrThrow(failure)
      assert.instanceOf(error, RepeaterTimeoutError)
      if (error instanceof RepeaterTimeoutError) {
        assert.strictEqual(error._tag, "RepeaterTimeoutError")
        assert.strictEqual(error.repeater, "slow")
        assert.strictEqual(error.run, 1)
        assert.isTrue(Duration.equals(error.timeout, Duration.seconds(2)))
      }

      const status = yield* handle.status
      assert.strictEqual(status.runs, 1)
      assert.strictEqual(status.failures, 1)
      assert.include(Option.getOrThrow(status.lastFailure), "RepeaterTimeoutError")
      assert.deepStrictEqual(Option.map(status.nextRun, DateTime.toEpochMillis), Option.some(12_000))

      // the schedule goes on: delay mode from the end of the timed-out run
      yield* TestClock.adjust("13 seconds")
      assert.deepStrictEqual(events, ["start@0", "finalizer@2000", "start@12000", "finalizer@14000"])
      assert.deepStrictEqual(logs.map((entry) => [entry.annotations.run, entry.at]), [[1, 2_000], [2, 14_000]])
      const after = yield* handle.status
      assert.strictEqual(after.runs, 2)
      assert.strictEqual(after.failures, 2)
      assert.strictEqual(after.state, "scheduled")
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer), Effect.provide(captureLogs(logs)))
  })

  it.effect("with onError \"stop\", join fails with the RepeaterTimeoutError", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(
        Effect.sleep("5 seconds"),
        { name: "slow", every: "10 seconds", timeout: "2 seconds", onError: "stop" }
      )
      const joined = yield* Effect.forkChild(Effect.flip(handle.join))
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(joined)
      assert.strictEqual(error._tag, "RepeaterTimeoutError")
      assert.instanceOf(error, RepeaterTimeoutError)
      if (error instanceof RepeaterTimeoutError) {
        assert.strictEqual(error.repeater, "slow")
        assert.strictEqual(error.run, 1)
        assert.strictEqual(Duration.toMillis(error.timeout), 2_000)
      }
      assert.strictEqual((yield* handle.status).state, "failed")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("timeout applies to each retry attempt", () => {
    const logs: Array<CapturedLog> = []
    return Effect.gen(function*() {
      const events: Array<string> = []
      let attempt = 0
      const task = Effect.gen(function*() {
        const index = ++attempt
        yield* mark(events, `attempt ${index}`)
        // the first two attempts outlast the timeout, the third one does not
        yield* Effect.sleep(index < 3 ? "5 seconds" : "1500 millis")
        yield* mark(events, `end ${index}`)
      }).pipe(Effect.onInterrupt(() => mark(events, "interrupted")))
      const handle = yield* Repeater.fork(
        task,
        {
          name: "retried",
          every: "1 minute",
          timeout: "2 seconds",
          retry: Schedule.max([Schedule.recurs(2), Schedule.spaced("1 second")])
        }
      )
      yield* TestClock.adjust("10 seconds")
      // a timeout of the whole run would have stopped it at 2 s
      assert.deepStrictEqual(events, [
        "attempt 1@0",
        "interrupted@2000",
        "attempt 2@3000",
        "interrupted@5000",
        "attempt 3@6000",
        "end 3@7500"
      ])
      const status = yield* handle.status
      assert.strictEqual(status.runs, 1)
      assert.strictEqual(status.failures, 0)
      assert.deepStrictEqual(Option.map(status.lastDuration, Duration.toMillis), Option.some(7_500))
      assert.deepStrictEqual(Option.map(status.nextRun, DateTime.toEpochMillis), Option.some(67_500))
      assert.deepStrictEqual(logs.filter((entry) => entry.level === "ERROR"), [])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer), Effect.provide(captureLogs(logs)))
  })
})

describe("stops, scopes and memory: long graces and timeouts", () => {
  it.effect("a timeout longer than 2^30 ms fails the run in one TestClock.adjust, and the schedule goes on", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.andThen(mark(log, "start"), Effect.never).pipe(Effect.onInterrupt(() => mark(log, "interrupted"))),
        { name: "long-timeout", every: "1 hour", timeout: "20 days" }
      )
      yield* TestClock.adjust("21 days")
      const status = yield* handle.status
      const day = 86_400_000
      assert.deepStrictEqual(log, ["start@0", `interrupted@${20 * day}`, `start@${20 * day + 3_600_000}`])
      assert.strictEqual(status.failures, 1)
      assert.strictEqual(yield* handle.stop({ grace: "0 millis" }), "interrupted")
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))
})

const statusView = (status: RepeaterStatus) => ({
  state: status.state,
  inFlight: status.inFlight,
  runs: status.runs,
  failures: status.failures,
  skippedTicks: status.skippedTicks,
  nextRun: millis(status.nextRun)
})

describe("retry and timeout: one run", () => {
  it.effect("retry: a run that succeeds on its third attempt is one run, no failure", () =>
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

  it.effect("typed errors with a retry schedule on the error type; join fails with E | RepeaterTimeoutError", () =>
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
        retry: Schedule.while(
          Schedule.setInputType<Transient | RepeaterTimeoutError>()(Schedule.forever),
          ({ input }) => input._tag === "Transient" && input.attempt < 2
        )
      })
      const typed: RepeaterHandle<Transient> = handle
      const join: Effect.Effect<void, Transient | RepeaterTimeoutError | RepeaterScheduleError> = typed.join
      yield* TestClock.adjust("1 second")
      const error = yield* Effect.flip(join)
      assert.deepStrictEqual(error, new Transient({ attempt: 2 }))
      assert.notInstanceOf(error, RepeaterTimeoutError)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("timeout with retry: every attempt times out, the run is one failure with the timeout error", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        Effect.andThen(Effect.flatMap(now, (t) => Effect.sync(() => void starts.push(t))), Effect.never),
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
})
