import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import { TestClock } from "effect/testing"
import { dieOption, failureOption, originalError } from "./support/effect3.js"
import type { CapturedLog } from "./support/taskFailures.js"
import { captureLogs, scriptedTask, TaskError } from "./support/taskFailures.js"

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
