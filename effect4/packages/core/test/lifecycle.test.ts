import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError, RepeaterNotFoundError } from "@effect-repeater/core/RepeaterError"
import type { StopResult } from "@effect-repeater/core/RepeaterEvent"
import type { RepeaterHandle, RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import type { Duration } from "effect"
import { Context, Data, DateTime, Effect, Exit, Fiber, Layer, Option, Scope } from "effect"
import { TestClock } from "effect/testing"
import { dieOption, failureOption, originalError } from "./support/effect3.js"
import { poll } from "./support/probe.js"
import { mark, now } from "./support/time.js"

/** Runs `effect` and pairs its value with the virtual time at which it resolved. */
const timed = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<readonly [A, number], E, R> =>
  Effect.flatMap(effect, (a) => Effect.map(now, (t) => [a, t] as const))

/** A task that records its start times and lasts `millis` of virtual time. */
const recordingTask = (starts: Array<number>, millis = 0) =>
  Effect.flatMap(now, (t) =>
    Effect.andThen(
      Effect.sync(() => void starts.push(t)),
      millis > 0 ? Effect.sleep(millis) : Effect.void
    ))

const assertPending = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.map(poll(fiber), (exit) => assert.isTrue(Option.isNone(exit), "expected the fiber to be still running"))

class TaskError extends Data.TaggedError("TaskError")<{ readonly message: string }> {}

describe("stop", () => {
  it.effect("stop while idle returns \"idle\" at once; a second stop returns the same", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(recordingTask(starts), { name: "idle", every: "10 seconds" })
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(starts, [0])
      assert.strictEqual((yield* handle.status).state, "scheduled")

      // no clock adjustment: a stop that waited for anything would never resolve
      assert.deepStrictEqual(yield* timed(handle.stop()), ["idle", 5_000])
      assert.strictEqual((yield* handle.status).state, "stopped")
      assert.deepStrictEqual(yield* timed(handle.stop()), ["idle", 5_000])
      assert.deepStrictEqual(yield* timed(handle.stop({ grace: "1 second" })), ["idle", 5_000])

      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(starts, [0])
      const status = yield* handle.status
      assert.strictEqual(status.state, "stopped")
      assert.strictEqual(status.runs, 1)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a second stop called while the first waits waits for it and returns the same result", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(recordingTask(starts, 8_000), { name: "twice", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      const first = yield* Effect.forkChild(timed(handle.stop({ grace: "2 seconds" })))
      yield* TestClock.adjust("0 millis")
      // the second stop asks for a longer grace: it is a no-op that waits for the first
      const second = yield* Effect.forkChild(timed(handle.stop({ grace: "1 minute" })))
      const third = yield* Effect.forkChild(timed(handle.stop()))
      yield* TestClock.adjust("1999 millis")
      yield* assertPending(first)
      yield* assertPending(second)
      yield* assertPending(third)
      assert.strictEqual((yield* handle.status).state, "stopping")

      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(first), ["interrupted", 3_000])
      assert.deepStrictEqual(yield* Fiber.join(second), ["interrupted", 3_000])
      assert.deepStrictEqual(yield* Fiber.join(third), ["interrupted", 3_000])
      // once ended, a further stop still returns the first stop's result
      assert.deepStrictEqual(yield* timed(handle.stop()), ["interrupted", 3_000])
      assert.deepStrictEqual(starts, [0])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("graceful stop: a run that finishes within the grace -> \"finished\", stop resolves after it", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(
        mark(log, "start"),
        Effect.andThen(Effect.sleep("3 seconds"), mark(log, "end"))
      )
      const handle = yield* Repeater.fork(task, { name: "graceful", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.forkChild(
        Effect.tap(timed(handle.stop()), ([result]) => mark(log, `stopped:${result}`))
      )
      yield* TestClock.adjust("1 second")
      yield* assertPending(stopping)
      const status = yield* handle.status
      assert.strictEqual(status.state, "stopping")
      assert.isTrue(status.inFlight)
      assert.isTrue(Option.isNone(status.nextRun))

      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* Fiber.join(stopping), ["finished", 3_000])
      assert.deepStrictEqual(log, ["start@0", "end@3000", "stopped:finished@3000"])

      // no new run after stop
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(log, ["start@0", "end@3000", "stopped:finished@3000"])
      const after = yield* handle.status
      assert.strictEqual(after.state, "stopped")
      assert.strictEqual(after.runs, 1)
      assert.isFalse(after.inFlight)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("grace timeout: the run is interrupted at exactly the grace, its finalizers run before stop resolves", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.scoped(
        Effect.gen(function*() {
          yield* mark(log, "start")
          yield* Effect.addFinalizer(() => mark(log, "addFinalizer"))
          yield* Effect.sleep("1 minute")
          yield* mark(log, "end")
        })
      ).pipe(Effect.ensuring(mark(log, "ensuring")))
      const handle = yield* Repeater.fork(task, { name: "slow", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.forkChild(
        Effect.tap(timed(handle.stop({ grace: "5 seconds" })), ([result]) => mark(log, `stopped:${result}`))
      )
      yield* TestClock.adjust("4999 millis")
      yield* assertPending(stopping)
      assert.deepStrictEqual(log, ["start@0"])

      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(stopping), ["interrupted", 6_000])
      assert.deepStrictEqual(log, ["start@0", "addFinalizer@6000", "ensuring@6000", "stopped:interrupted@6000"])
      const status = yield* handle.status
      assert.strictEqual(status.state, "stopped")
      assert.strictEqual(status.failures, 0)

      yield* TestClock.adjust("2 minutes")
      assert.deepStrictEqual(log, ["start@0", "addFinalizer@6000", "ensuring@6000", "stopped:interrupted@6000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Effect.addFinalizer used directly in the task (no Effect.scoped) runs at the end of each run", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      let run = 0
      // the task needs a Scope: its finalizers belong to the run, not to the scope the repeater was forked in
      const task = Effect.gen(function*() {
        const index = ++run
        yield* mark(log, `start ${index}`)
        yield* Effect.addFinalizer(() => mark(log, `finalizer ${index}`))
        yield* Effect.sleep(index === 1 ? "1 second" : "1 minute")
      })
      const handle = yield* Repeater.fork(task, { name: "scoped", every: "10 seconds" })
      yield* TestClock.adjust("11 seconds")
      const at11s = [...log]
      const stopping = yield* Effect.forkChild(
        Effect.tap(timed(handle.stop({ grace: "2 seconds" })), ([result]) => mark(log, `stopped:${result}`))
      )
      yield* TestClock.adjust("2 seconds")
      const stopped = yield* Fiber.join(stopping)
      assert.deepStrictEqual(at11s, ["start 1@0", "finalizer 1@1000", "start 2@11000"])
      assert.deepStrictEqual(stopped, ["interrupted", 13_000])
      assert.deepStrictEqual(log, [
        "start 1@0",
        "finalizer 1@1000",
        "start 2@11000",
        "finalizer 2@13000",
        "stopped:interrupted@13000"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that cannot be interrupted: stop resolves when it really ends and reports \"interrupted\"", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(
        mark(log, "start"),
        Effect.uninterruptible(Effect.andThen(Effect.sleep("20 seconds"), mark(log, "end")))
      )
      const handle = yield* Repeater.fork(task, { name: "stubborn", every: "1 minute" })
      yield* TestClock.adjust("0 millis")
      const stopping = yield* Effect.forkChild(timed(handle.stop({ grace: "5 seconds" })))
      yield* TestClock.adjust("19999 millis")
      // the grace ran out at 5 s, but the run is still going: stop does not claim anything yet
      yield* assertPending(stopping)
      assert.deepStrictEqual(log, ["start@0"])
      assert.strictEqual((yield* handle.status).state, "stopping")

      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(stopping), ["interrupted", 20_000])
      assert.deepStrictEqual(log, ["start@0", "end@20000"])
      assert.strictEqual((yield* handle.status).state, "stopped")
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("scope close", () => {
  it.effect("all repeaters of a closing Scope are stopped together: none runs again while another waits for its grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const slow = Effect.andThen(
        mark(log, "slow start"),
        Effect.andThen(Effect.sleep("1 minute"), mark(log, "slow end"))
      )
      const block = Effect.scoped(
        Effect.gen(function*() {
          // forked first: with one finalizer each, it would be stopped last and run again meanwhile
          yield* Repeater.fork(mark(log, "fast"), { name: "fast", every: "1 second" })
          yield* Repeater.fork(slow, { name: "slow", every: "10 minutes", grace: "5 seconds" })
          yield* Effect.sleep("1500 millis")
          yield* mark(log, "block end")
        })
      ).pipe(Effect.andThen(mark(log, "scope closed")))
      const fiber = yield* Effect.forkChild(block)
      yield* TestClock.adjust("6499 millis")
      yield* assertPending(fiber)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(log, ["fast@0", "slow start@0", "fast@1000", "block end@1500", "scope closed@6500"])
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("closing an inner Effect.scoped block stops its repeater gracefully: the run finishes", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(mark(log, "start"), Effect.andThen(Effect.sleep("4 seconds"), mark(log, "end")))
      const block = Effect.scoped(
        Effect.gen(function*() {
          yield* Repeater.fork(task, { name: "inner", every: "10 seconds" })
          yield* Effect.sleep("1 second")
          yield* mark(log, "block end")
        })
      ).pipe(Effect.andThen(mark(log, "scope closed")))
      const fiber = yield* Effect.forkChild(block)
      yield* TestClock.adjust("3999 millis")
      yield* assertPending(fiber)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(log, ["start@0", "block end@1000", "end@4000", "scope closed@4000"])
      assert.deepStrictEqual(yield* Repeater.list, [])

      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(log, ["start@0", "block end@1000", "end@4000", "scope closed@4000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("closing an inner Effect.scoped block gives the run its grace, then interrupts it and runs its finalizers", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.scoped(
        Effect.gen(function*() {
          yield* mark(log, "start")
          yield* Effect.addFinalizer(() => mark(log, "finalizer"))
          yield* Effect.sleep("1 minute")
          yield* mark(log, "end")
        })
      )
      const block = Effect.scoped(
        Effect.gen(function*() {
          yield* Repeater.fork(task, { name: "inner", every: "10 minutes", grace: "2 seconds" })
          yield* Effect.sleep("1 second")
          yield* mark(log, "block end")
        })
      ).pipe(Effect.andThen(mark(log, "scope closed")))
      const fiber = yield* Effect.forkChild(block)
      yield* TestClock.adjust("2999 millis")
      yield* assertPending(fiber)
      assert.deepStrictEqual(log, ["start@0", "block end@1000"])
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(log, ["start@0", "block end@1000", "finalizer@3000", "scope closed@3000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("closing the service layer stops every repeater gracefully before its release completes", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const layerScope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layerWith({ defaultGrace: "5 seconds" }), layerScope)
      const service = Context.get(context, Repeater.Repeater)
      // the repeaters live in a scope that is never closed: only the service's release stops them
      const repeaterScope = yield* Scope.make()

      const quick = Effect.andThen(
        mark(log, "quick start"),
        Effect.andThen(Effect.sleep("4 seconds"), mark(log, "quick end"))
      )
      const slow = Effect.scoped(
        Effect.gen(function*() {
          yield* mark(log, "slow start")
          yield* Effect.addFinalizer(() => mark(log, "slow finalizer"))
          yield* Effect.sleep("1 minute")
          yield* mark(log, "slow end")
        })
      )
      const starts: Array<number> = []
      const quickHandle = yield* Scope.provide(
        service.fork(quick, { name: "quick", every: "10 seconds" }),
        repeaterScope
      )
      const slowHandle = yield* Scope.provide(service.fork(slow, { name: "slow", every: "10 seconds" }), repeaterScope)
      const idleHandle = yield* Scope.provide(
        service.fork(recordingTask(starts), { name: "idle", every: "10 seconds", initialDelay: "30 seconds" }),
        repeaterScope
      )
      yield* TestClock.adjust("1 second")

      const release = yield* Effect.forkChild(
        Effect.andThen(Scope.close(layerScope, Exit.void), mark(log, "released"))
      )
      yield* TestClock.adjust("4999 millis")
      yield* assertPending(release)
      assert.deepStrictEqual(log, ["quick start@0", "slow start@0", "quick end@4000"])

      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(release)
      assert.deepStrictEqual(log, [
        "quick start@0",
        "slow start@0",
        "quick end@4000",
        "slow finalizer@6000",
        "released@6000"
      ])
      assert.strictEqual((yield* quickHandle.status).state, "stopped")
      assert.strictEqual((yield* slowHandle.status).state, "stopped")
      assert.strictEqual((yield* idleHandle.status).state, "stopped")
      assert.deepStrictEqual(yield* timed(quickHandle.stop()), ["finished", 6_000])
      assert.deepStrictEqual(yield* timed(slowHandle.stop()), ["interrupted", 6_000])
      assert.deepStrictEqual(yield* timed(idleHandle.stop()), ["idle", 6_000])

      yield* TestClock.adjust("2 minutes")
      assert.deepStrictEqual(starts, [])
      assert.strictEqual(log.length, 5)
      yield* Scope.close(repeaterScope, Exit.void)
    }))
})

describe("grace options", () => {
  /** Forks a repeater whose run lasts 2 minutes, stops it at 0 and checks when stop resolved. */
  const graceCase = (
    options: { readonly grace?: Duration.Input },
    stop: (handle: RepeaterHandle) => Effect.Effect<StopResult, RepeaterConfigError>,
    expectedMillis: number
  ) =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(
        Effect.sleep("2 minutes"),
        { name: "graceful", every: "10 minutes", ...options }
      )
      yield* TestClock.adjust("0 millis")
      const stopping = yield* Effect.forkChild(timed(stop(handle)))
      yield* TestClock.adjust(expectedMillis - 1)
      yield* assertPending(stopping)
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(stopping), ["interrupted", expectedMillis])
    })

  it.effect("the default grace of Repeater.layer is 30 seconds", () =>
    graceCase({}, (handle) => handle.stop(), 30_000).pipe(Effect.provide(Repeater.layer)))

  it.effect("Repeater.layerWith({ defaultGrace }) sets the grace of repeaters without their own", () =>
    graceCase({}, (handle) => handle.stop(), 4_000).pipe(
      Effect.provide(Repeater.layerWith({ defaultGrace: "4 seconds" }))
    ))

  it.effect("the per-repeater grace wins over the service's defaultGrace", () =>
    graceCase({ grace: "3 seconds" }, (handle) => handle.stop(), 3_000).pipe(
      Effect.provide(Repeater.layerWith({ defaultGrace: "20 seconds" }))
    ))

  it.effect("stop({ grace }) wins over the per-repeater grace and the defaultGrace", () =>
    graceCase({ grace: "10 seconds" }, (handle) => handle.stop({ grace: "2 seconds" }), 2_000).pipe(
      Effect.provide(Repeater.layerWith({ defaultGrace: "20 seconds" }))
    ))

  it.effect("stop({ grace: 0 }) interrupts the in-flight run at once", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(Effect.sleep("1 minute"), mark(log, "end")).pipe(
        Effect.onInterrupt(() => mark(log, "interrupted"))
      )
      const handle = yield* Repeater.fork(task, { name: "zero", every: "10 minutes" })
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* timed(handle.stop({ grace: 0 })), ["interrupted", 1_000])
      assert.deepStrictEqual(log, ["interrupted@1000"])
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("join", () => {
  it.effect("succeeds right after the last run when maxRepetitions is reached", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(
        recordingTask(starts, 1_000),
        { name: "three", every: "10 seconds", maxRepetitions: 3 }
      )
      const joined = yield* Effect.forkChild(timed(Effect.exit(handle.join)))
      yield* TestClock.adjust("22999 millis")
      yield* assertPending(joined)
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(joined), [Exit.void, 23_000])
      assert.deepStrictEqual(starts, [0, 11_000, 22_000])
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 3)
      // a join after the end returns at once
      assert.deepStrictEqual(yield* timed(Effect.exit(handle.join)), [Exit.void, 23_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("succeeds when the repeater is stopped, at the time stop ends", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(recordingTask(starts, 2_000), { name: "stopped", every: "10 seconds" })
      const joined = yield* Effect.forkChild(timed(Effect.exit(handle.join)))
      yield* TestClock.adjust("11 seconds")
      assert.deepStrictEqual(starts, [0])
      yield* assertPending(joined)
      assert.strictEqual(yield* handle.stop(), "idle")
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(yield* Fiber.join(joined), [Exit.void, 11_000])
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(starts, [0])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("succeeds when the repeater is stopped with an in-flight run interrupted", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.sleep("1 minute"), { name: "stopped", every: "10 seconds" })
      const joined = yield* Effect.forkChild(timed(Effect.exit(handle.join)))
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.forkChild(handle.stop({ grace: "2 seconds" }))
      yield* TestClock.adjust("1999 millis")
      yield* assertPending(joined)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
      assert.deepStrictEqual(yield* Fiber.join(joined), [Exit.void, 3_000])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("fails with the run's typed error in onError \"stop\" mode", () =>
    Effect.gen(function*() {
      const error = new TaskError({ message: "run 2 broke" })
      let run = 0
      const task = Effect.suspend(() => ++run === 2 ? Effect.fail(error) : Effect.void)
      const handle = yield* Repeater.fork(task, { name: "fails", every: "10 seconds", onError: "stop" })
      const joined = yield* Effect.forkChild(timed(Effect.flip(handle.join)))
      yield* TestClock.adjust("9999 millis")
      yield* assertPending(joined)
      yield* TestClock.adjust("1 millis")
      const [failure, at] = yield* Fiber.join(joined)
      // the failure went through the run's span: Effect hands it over wrapped, Cause.originalError unwraps it
      assert.strictEqual(originalError(failure), error)
      assert.strictEqual(failure._tag, "TaskError")
      assert.strictEqual(at, 10_000)
      assert.strictEqual((yield* handle.status).state, "failed")
      // a later join fails the same way
      assert.strictEqual(originalError(yield* Effect.flip(handle.join)), error)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(run, 2)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("fails with the run's defect as a defect in onError \"stop\" mode", () =>
    Effect.gen(function*() {
      const defect = new Error("run 2 crashed")
      let run = 0
      const task = Effect.suspend(() => ++run === 2 ? Effect.die(defect) : Effect.void)
      const handle = yield* Repeater.fork(task, { name: "dies", every: "10 seconds", onError: "stop" })
      const joined = yield* Effect.forkChild(timed(Effect.exit(handle.join)))
      yield* TestClock.adjust("10 seconds")
      const [exit, at] = yield* Fiber.join(joined)
      assert.strictEqual(at, 10_000)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        assert.deepStrictEqual(Option.map(dieOption(exit.cause), originalError), Option.some(defect))
        assert.isTrue(Option.isNone(failureOption(exit.cause)))
      }
      assert.strictEqual((yield* handle.status).state, "failed")
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(run, 2)
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("names", () => {
  it.effect("a running repeater's name is taken", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(recordingTask(starts), { name: "dup", every: "10 seconds" })
      const error = yield* Effect.flip(Repeater.fork(Effect.void, { name: "dup", every: "5 seconds" }))
      assert.instanceOf(error, RepeaterConfigError)
      assert.strictEqual(error._tag, "RepeaterConfigError")
      assert.strictEqual(error.field, "name")
      assert.strictEqual(error.value, "dup")
      assert.strictEqual(error.repeater, "dup")
      // the first one is not disturbed
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])
      assert.strictEqual((yield* handle.status).state, "scheduled")
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a stopping repeater's name is taken until its run ended, then it is free", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(recordingTask(starts, 5_000), { name: "again", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.forkChild(handle.stop())
      yield* TestClock.adjust("0 millis")
      const error = yield* Effect.flip(Repeater.fork(Effect.void, { name: "again", every: "10 seconds" }))
      assert.strictEqual(error.field, "name")
      yield* TestClock.adjust("4 seconds")
      assert.strictEqual(yield* Fiber.join(stopping), "finished")

      const second: Array<number> = []
      const again = yield* Repeater.fork(recordingTask(second), { name: "again", every: "10 seconds" })
      yield* TestClock.adjust("15 seconds")
      assert.deepStrictEqual(starts, [0])
      assert.deepStrictEqual(second, [5_000, 15_000])
      assert.strictEqual(yield* again.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a name is free again once its repeater completed or failed", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const completed = yield* Repeater.fork(
        recordingTask(starts),
        { name: "reused", every: "10 seconds", maxRepetitions: 1 }
      )
      yield* TestClock.adjust("0 millis")
      assert.strictEqual((yield* completed.status).state, "completed")

      const failed = yield* Repeater.fork(
        Effect.andThen(recordingTask(starts), Effect.fail(new TaskError({ message: "nope" }))),
        { name: "reused", every: "10 seconds", onError: "stop" }
      )
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* failed.status).state, "failed")

      const third = yield* Repeater.fork(recordingTask(starts), { name: "reused", every: "10 seconds" })
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(starts, [0, 0, 1_000, 11_000])
      assert.strictEqual((yield* Repeater.get("reused")).name, "reused")
      assert.strictEqual(yield* third.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("Repeater.background", () => {
  it.effect("runs while the layer lives and stops gracefully when it is released", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(mark(log, "start"), Effect.andThen(Effect.sleep("2 seconds"), mark(log, "end")))
      const layer = Repeater.background(task, { name: "bg", every: "10 seconds" })
      const scope = yield* Scope.make()
      yield* Layer.buildWithScope(layer, scope)
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(log, ["start@0", "end@2000", "start@12000", "end@14000", "start@24000"])
      const handle = yield* Repeater.get("bg")
      assert.strictEqual((yield* handle.status).state, "running")

      const release = yield* Effect.forkChild(Effect.andThen(Scope.close(scope, Exit.void), mark(log, "released")))
      yield* TestClock.adjust("999 millis")
      yield* assertPending(release)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(release)
      assert.deepStrictEqual(log, [
        "start@0",
        "end@2000",
        "start@12000",
        "end@14000",
        "start@24000",
        "end@26000",
        "released@26000"
      ])
      assert.strictEqual((yield* handle.status).state, "stopped")
      assert.deepStrictEqual(yield* Repeater.list, [])
      const notFound = yield* Effect.flip(Repeater.get("bg"))
      assert.instanceOf(notFound, RepeaterNotFoundError)

      yield* TestClock.adjust("1 minute")
      assert.strictEqual(log.length, 7)
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("get and list", () => {
  it.effect("get returns the handle by name, or fails with RepeaterNotFoundError; list gives every status", () =>
    Effect.gen(function*() {
      const task = Effect.sleep("1 second")
      const a = yield* Repeater.fork(task, { name: "a", every: "10 seconds" })
      const b = yield* Repeater.fork(task, { name: "b", every: "5 seconds" })
      yield* TestClock.adjust("500 millis")
      const byName = (statuses: ReadonlyArray<RepeaterStatus>) =>
        [...statuses].sort((x, y) => x.name.localeCompare(y.name))

      const running = byName(yield* Repeater.list)
      assert.deepStrictEqual(running.map((s) => [s.name, s.state, s.inFlight, s.runs]), [
        ["a", "running", true, 0],
        ["b", "running", true, 0]
      ])

      yield* TestClock.adjust("1500 millis")
      const idle = byName(yield* Repeater.list)
      assert.deepStrictEqual(idle, [yield* a.status, yield* b.status])
      assert.deepStrictEqual(
        idle.map((s) => [s.name, s.state, s.runs, Option.map(s.nextRun, DateTime.toEpochMillis)]),
        [["a", "scheduled", 1, Option.some(11_000)], ["b", "scheduled", 1, Option.some(6_000)]]
      )

      const gotA = yield* Repeater.get("a")
      assert.strictEqual(gotA.name, "a")
      assert.deepStrictEqual(yield* gotA.status, yield* a.status)
      assert.strictEqual(yield* gotA.stop(), "idle")
      assert.strictEqual((yield* a.status).state, "stopped")

      const missing = yield* Effect.flip(Repeater.get("a"))
      assert.instanceOf(missing, RepeaterNotFoundError)
      assert.strictEqual(missing._tag, "RepeaterNotFoundError")
      assert.strictEqual(missing.repeater, "a")
      const unknown = yield* Effect.flip(Repeater.get("nobody"))
      assert.strictEqual(unknown.repeater, "nobody")
      // the name asked for does not overwrite Error's name
      assert.strictEqual(unknown.name, "RepeaterNotFoundError")
      assert.strictEqual(unknown.message, "No repeater named \"nobody\"")
      assert.strictEqual(String(unknown), "RepeaterNotFoundError: No repeater named \"nobody\"")

      assert.deepStrictEqual((yield* Repeater.list).map((s) => s.name), ["b"])
      assert.strictEqual(yield* b.stop(), "idle")
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("stop from inside the repeater's own run", () => {
  it.effect("does not deadlock: it returns \"finished\" at once and the run goes on, until a stop from outside gives it its grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      let run = 0
      const task = Effect.gen(function*() {
        const index = ++run
        yield* mark(log, `start ${index}`)
        if (index === 2) {
          const self = yield* Repeater.get("self")
          const result = yield* self.stop()
          yield* mark(log, `stop returned ${result}`)
          yield* mark(log, `state ${(yield* self.status).state}`)
          yield* Effect.sleep("3 seconds")
          yield* mark(log, "end 2")
        }
      })
      const handle = yield* Repeater.fork(task, { name: "self", every: "10 seconds", grace: "1 second" })
      const joined = yield* Effect.forkChild(timed(Effect.exit(handle.join)))
      yield* TestClock.adjust("11 seconds")
      assert.deepStrictEqual(log, [
        "start 1@0",
        "start 2@10000",
        "stop returned finished@10000",
        "state stopping@10000"
      ])
      // a stop from outside meanwhile still gives the run only its grace (1 s): it is interrupted at 12 s
      const outside = yield* Effect.forkChild(timed(handle.stop()))
      yield* TestClock.adjust("999 millis")
      yield* assertPending(outside)
      yield* assertPending(joined)
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(outside), ["interrupted", 12_000])
      assert.deepStrictEqual(yield* Fiber.join(joined), [Exit.void, 12_000])
      assert.deepStrictEqual(log, [
        "start 1@0",
        "start 2@10000",
        "stop returned finished@10000",
        "state stopping@10000"
      ])
      const status = yield* handle.status
      assert.strictEqual(status.state, "stopped")
      assert.strictEqual(status.runs, 1)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(log.length, 4)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("does not deadlock either when the run has a timeout (the task then runs in a child fiber)", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.gen(function*() {
        yield* mark(log, "start")
        const result = yield* (yield* Repeater.get("self")).stop()
        yield* mark(log, `stop returned ${result}`)
        yield* Effect.sleep("3 seconds")
        yield* mark(log, "end")
      })
      const handle = yield* Repeater.fork(
        task,
        { name: "self", every: "10 seconds", timeout: "1 minute", grace: "30 seconds" }
      )
      yield* TestClock.adjust("3 seconds")
      const at3s = [...log]
      const state = (yield* handle.status).state
      // let a wrongly waiting stop run out of grace, so that a failure is reported instead of a hang
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(at3s, ["start@0", "stop returned finished@0", "end@3000"])
      assert.strictEqual(state, "stopped")
      assert.strictEqual(yield* handle.stop(), "finished")
    }).pipe(Effect.provide(Repeater.layer)))
})
