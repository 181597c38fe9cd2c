import { Repeater } from "@effect-repeater/core"
import { RepeaterTimeoutError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import type { Cause } from "effect"
import { Data, DateTime, Duration, Effect, Exit, Fiber, Option, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { dieOption, failureOption, originalError, replaceLoggers } from "./support/effect3.js"
import { mark, now } from "./support/time.js"

class TaskError extends Data.TaggedError("TaskError")<{ readonly message: string }> {}

interface CapturedLog {
  readonly level: string
  readonly message: unknown
  readonly cause: Cause.Cause<unknown>
  readonly annotations: Readonly<Record<string, unknown>>
  readonly at: number
}

/** it.effect removes the default logger: this one records every log line instead. */
const captureLogs = (logs: Array<CapturedLog>) =>
  replaceLoggers(({ annotations, cause, date, level, message }) => {
    logs.push({ level, message, cause, annotations, at: date.getTime() })
  })

/** A task that records its start times, and fails (or dies, or is interrupted) as `outcome` says for its n-th run. */
const scriptedTask = (
  starts: Array<number>,
  outcome: (run: number) => Effect.Effect<void, TaskError>
) =>
  Effect.flatMap(now, (t) =>
    Effect.suspend(() => {
      starts.push(t)
      return outcome(starts.length)
    }))

describe("onError \"continue\" (the default)", () => {
  it.effect("a typed failure is logged at Error level with its full Cause and the schedule goes on", () => {
    const logs: Array<CapturedLog> = []
    return Effect.gen(function*() {
      const error = new TaskError({ message: "the database is gone" })
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        scriptedTask(starts, (run) => run === 2 ? Effect.fail(error) : Effect.void),
        { name: "typed", every: "10 seconds" }
      )
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])

      assert.strictEqual(logs.length, 1)
      const [entry] = logs
      assert.strictEqual(entry.level, "ERROR")
      assert.deepStrictEqual(entry.message, ["Repeater \"typed\" run 2 failed"])
      assert.strictEqual(entry.at, 10_000)
      assert.deepStrictEqual(
        Option.map(failureOption(entry.cause), originalError),
        Option.some<unknown>(error)
      )
      assert.strictEqual(entry.annotations.repeater, "typed")
      assert.strictEqual(entry.annotations.run, 2)

      const status = yield* handle.status
      assert.strictEqual(status.state, "scheduled")
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.failures, 1)
      assert.isTrue(Option.isSome(status.lastFailure))
      assert.include(Option.getOrThrow(status.lastFailure), "the database is gone")
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer), Effect.provide(captureLogs(logs)))
  })

  it.effect("a defect is logged at Error level with its full Cause and the schedule goes on", () => {
    const logs: Array<CapturedLog> = []
    return Effect.gen(function*() {
      const defect = new Error("out of cheese")
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        scriptedTask(starts, (run) => run === 2 ? Effect.die(defect) : Effect.void),
        { name: "defect", every: "10 seconds" }
      )
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])

      assert.strictEqual(logs.length, 1)
      const [entry] = logs
      assert.strictEqual(entry.level, "ERROR")
      assert.deepStrictEqual(entry.message, ["Repeater \"defect\" run 2 failed"])
      assert.strictEqual(entry.at, 10_000)
      assert.deepStrictEqual(
        Option.map(dieOption(entry.cause), originalError),
        Option.some<unknown>(defect)
      )
      assert.strictEqual(entry.annotations.repeater, "defect")
      assert.strictEqual(entry.annotations.run, 2)

      const status = yield* handle.status
      assert.strictEqual(status.state, "scheduled")
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.failures, 1)
      assert.include(Option.getOrThrow(status.lastFailure), "out of cheese")
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer), Effect.provide(captureLogs(logs)))
  })

  it.effect("a defect thrown by synchronous code is a failure like any other", () => {
    const logs: Array<CapturedLog> = []
    return Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        scriptedTask(starts, () =>
          Effect.sync(() => {
            throw new Error("thrown in sync")
          })),
        { name: "thrown", every: "10 seconds" }
      )
      yield* TestClock.adjust("15 seconds")
      assert.deepStrictEqual(starts, [0, 10_000])
      assert.deepStrictEqual(logs.map((entry) => [entry.level, entry.annotations.run, entry.at]), [
        ["ERROR", 1, 0],
        ["ERROR", 2, 10_000]
      ])
      const status = yield* handle.status
      assert.strictEqual(status.failures, 2)
      assert.include(Option.getOrThrow(status.lastFailure), "thrown in sync")
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer), Effect.provide(captureLogs(logs)))
  })
})

describe("onError \"stop\"", () => {
  it.effect("a typed failure ends the repeater failed, join fails with the error, no further run", () =>
    Effect.gen(function*() {
      const error = new TaskError({ message: "stop here" })
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        scriptedTask(starts, (run) => run === 2 ? Effect.fail(error) : Effect.void),
        { name: "typed", every: "10 seconds", onError: "stop" }
      )
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(starts, [0, 10_000])
      const status = yield* handle.status
      assert.strictEqual(status.state, "failed")
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(status.failures, 1)
      assert.isTrue(Option.isNone(status.nextRun))
      assert.include(Option.getOrThrow(status.lastFailure), "stop here")
      const failure = yield* Effect.flip(handle.join)
      assert.strictEqual(originalError(failure), error)
      assert.deepStrictEqual(yield* Repeater.list, [])
      // stopping a repeater that ended on its own
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a defect ends the repeater failed, join fails with the defect, no further run", () =>
    Effect.gen(function*() {
      const defect = new Error("fatal")
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        scriptedTask(starts, (run) => run === 2 ? Effect.die(defect) : Effect.void),
        { name: "defect", every: "10 seconds", onError: "stop" }
      )
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(starts, [0, 10_000])
      const status = yield* handle.status
      assert.strictEqual(status.state, "failed")
      assert.strictEqual(status.failures, 1)
      const exit = yield* Effect.exit(handle.join)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        assert.deepStrictEqual(Option.map(dieOption(exit.cause), originalError), Option.some(defect))
        assert.isTrue(Option.isNone(failureOption(exit.cause)))
      }
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("interrupted runs", () => {
  it.effect("a run that interrupts itself is not a failure, even with onError \"stop\"", () => {
    const logs: Array<CapturedLog> = []
    return Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        scriptedTask(starts, (run) => run === 2 ? Effect.interrupt : Effect.void),
        { name: "interrupted", every: "10 seconds", onError: "stop" }
      )
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])
      const status = yield* handle.status
      assert.strictEqual(status.state, "scheduled")
      assert.strictEqual(status.failures, 0)
      // `runs` counts finished runs; an interrupted run is not one
      assert.strictEqual(status.runs, 2)
      assert.isTrue(Option.isNone(status.lastFailure))
      assert.deepStrictEqual(logs.filter((entry) => entry.level === "ERROR"), [])
      assert.strictEqual(yield* handle.stop(), "idle")
      assert.isTrue(Exit.isSuccess(yield* Effect.exit(handle.join)))
    }).pipe(Effect.provide(Repeater.layer), Effect.provide(captureLogs(logs)))
  })
})

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

describe("isolation", () => {
  it.effect("a failing repeater never takes down another repeater of the same service", () => {
    const logs: Array<CapturedLog> = []
    return Effect.gen(function*() {
      const good: Array<number> = []
      const bad: Array<number> = []
      const fatal: Array<number> = []
      const goodHandle = yield* Repeater.fork(
        scriptedTask(good, () => Effect.sleep("1 second")),
        { name: "good", every: "10 seconds", mode: "rate" }
      )
      // fails on odd runs, dies on even ones
      const badHandle = yield* Repeater.fork(
        scriptedTask(bad, (run) =>
          run % 2 === 1 ?
            Effect.fail(new TaskError({ message: `bad run ${run}` })) :
            Effect.die(new Error(`bad run ${run}`))),
        { name: "bad", every: "3 seconds" }
      )
      const fatalHandle = yield* Repeater.fork(
        scriptedTask(fatal, () => Effect.die(new Error("fatal"))),
        { name: "fatal", every: "3 seconds", onError: "stop", initialDelay: "5 seconds" }
      )
      yield* TestClock.adjust("55 seconds")

      assert.deepStrictEqual(good, [0, 10_000, 20_000, 30_000, 40_000, 50_000])
      assert.deepStrictEqual(bad, [
        0,
        3_000,
        6_000,
        9_000,
        12_000,
        15_000,
        18_000,
        21_000,
        24_000,
        27_000,
        30_000,
        33_000,
        36_000,
        39_000,
        42_000,
        45_000,
        48_000,
        51_000,
        54_000
      ])
      assert.deepStrictEqual(fatal, [5_000])

      const goodStatus = yield* goodHandle.status
      assert.strictEqual(goodStatus.state, "scheduled")
      assert.strictEqual(goodStatus.runs, 6)
      assert.strictEqual(goodStatus.failures, 0)
      const badStatus = yield* badHandle.status
      assert.strictEqual(badStatus.state, "scheduled")
      assert.strictEqual(badStatus.failures, 19)
      assert.strictEqual((yield* fatalHandle.status).state, "failed")
      assert.strictEqual(logs.filter((entry) => entry.annotations.repeater === "good").length, 0)
      assert.strictEqual(logs.filter((entry) => entry.annotations.repeater === "bad").length, 19)

      // the service still accepts new repeaters
      const late: Array<number> = []
      const lateHandle = yield* Repeater.fork(
        scriptedTask(late, () => Effect.void),
        { name: "late", every: "10 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(late, [55_000])

      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* goodHandle.stop(), "idle")
      assert.strictEqual(yield* badHandle.stop(), "idle")
      assert.strictEqual(yield* lateHandle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer), Effect.provide(captureLogs(logs)))
  })
})
