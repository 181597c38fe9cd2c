import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option, Schedule, Scope } from "effect"
import { TestClock } from "effect/testing"
import { isPending } from "./support/stepsAndStops.js"
import { mark, now } from "./support/time.js"

describe("runs: a run's own Scope", () => {
  it.effect("finalizers of a child Scope forked from the run's Scope run when the run ends", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      let run = 0
      const task = Effect.gen(function*() {
        const index = ++run
        const child = yield* Scope.fork(yield* Effect.scope, "sequential")
        yield* Scope.addFinalizer(child, mark(log, `child ${index}`))
        yield* Effect.addFinalizer(() => mark(log, `run ${index}`))
        yield* Effect.sleep("1 second")
        yield* mark(log, `end ${index}`)
      })
      yield* Repeater.fork(task, { name: "child", every: "10 seconds", maxRepetitions: 2 })
      yield* TestClock.adjust("30 seconds")
      // reverse order: the run's own finalizer, then the child Scope's
      assert.deepStrictEqual(log, [
        "end 1@1000",
        "run 1@1000",
        "child 1@1000",
        "end 2@12000",
        "run 2@12000",
        "child 2@12000"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a fiber forked into the run's Scope is interrupted when the run ends", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.gen(function*() {
        yield* Effect.forkScoped(
          Effect.onInterrupt(Effect.andThen(Effect.sleep("1 hour"), mark(log, "background end")), () =>
            mark(log, "background interrupted"))
        )
        yield* Effect.sleep("1 second")
      })
      yield* Repeater.fork(task, { name: "forked", every: "1 minute", maxRepetitions: 1 })
      yield* TestClock.adjust("2 hours")
      assert.deepStrictEqual(log, ["background interrupted@1000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a finalizer added to a run's Scope after the run ended runs at once, as with any closed Scope", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const scopes: Array<Scope.Scope> = []
      const task = Effect.flatMap(Effect.scope, (scope) => Effect.sync(() => void scopes.push(scope)))
      yield* Repeater.fork(task, { name: "kept", every: "1 second", waitFirst: true, maxRepetitions: 1 })
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual(scopes.length, 1)
      yield* Scope.addFinalizerExit(scopes[0], (exit) => mark(log, `late finalizer ${Exit.isSuccess(exit)}`))
      const child = yield* Scope.fork(scopes[0], "sequential")
      yield* Scope.addFinalizer(child, mark(log, "late child"))
      assert.deepStrictEqual(log, ["late finalizer true@2000", "late child@2000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run's Scope is closed with the run's exit: a failed run's finalizer sees the failure", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(
        Effect.addFinalizer((exit) => mark(log, `finalizer ${Exit.isFailure(exit) ? "failure" : "success"}`)),
        Effect.fail("boom")
      )
      yield* Repeater.fork(task, { name: "failing", every: "1 second", waitFirst: true, maxRepetitions: 1 })
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(log, ["finalizer failure@1000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("each run has a Scope of its own", () =>
    Effect.gen(function*() {
      const scopes: Array<Scope.Scope> = []
      const task = Effect.flatMap(Effect.scope, (scope) => Effect.sync(() => void scopes.push(scope)))
      yield* Repeater.fork(task, { name: "own", every: "1 second", waitFirst: true, maxRepetitions: 3 })
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(new Set(scopes).size, 3)
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("a run's Scope: finalizers are part of the run", () => {
  it.effect("runs never overlap, even while a run's finalizers are still running", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      let open = 0
      let maxOpen = 0
      const task = Effect.gen(function*() {
        open++
        maxOpen = Math.max(maxOpen, open)
        yield* mark(log, "start")
        yield* Effect.addFinalizer(() =>
          Effect.andThen(
            Effect.sleep("3 seconds"),
            Effect.andThen(
              mark(log, "finalized"),
              Effect.sync(() => {
                open--
              })
            )
          )
        )
      })
      const handle = yield* Repeater.fork(task, { name: "cleanup", every: "1 second" })
      yield* TestClock.adjust("8 seconds")
      const stopping = yield* Effect.forkChild(handle.stop({ grace: "0 millis" }))
      yield* TestClock.adjust("3 seconds")
      yield* Fiber.join(stopping)
      // a run ends when its finalizers have run: the next one starts 1 s after that
      assert.deepStrictEqual(log.slice(0, 5), [
        "start@0",
        "finalized@3000",
        "start@4000",
        "finalized@7000",
        "start@8000"
      ])
      assert.strictEqual(maxOpen, 1)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("runNow while a run's finalizers are running is coalesced into one run after them", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(
        mark(log, "start"),
        Effect.addFinalizer(() => Effect.andThen(Effect.sleep("3 seconds"), mark(log, "finalized")))
      )
      const handle = yield* Repeater.fork(task, { name: "manual", every: "1 minute" })
      yield* TestClock.adjust("1 second")
      yield* handle.runNow
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(log, ["start@0", "finalized@3000", "start@3000", "finalized@6000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("with a timeout (each attempt scoped), a run's finalizers are inside the run: no overlap", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(
        mark(log, "start"),
        Effect.addFinalizer(() => Effect.andThen(Effect.sleep("3 seconds"), mark(log, "finalized")))
      )
      const handle = yield* Repeater.fork(task, { name: "cleanup", every: "1 second", timeout: "1 minute" })
      yield* TestClock.adjust("8 seconds")
      assert.deepStrictEqual(log, ["start@0", "finalized@3000", "start@4000", "finalized@7000", "start@8000"])
      const stopping = yield* Effect.forkChild(handle.stop({ grace: "0 millis" }))
      yield* TestClock.adjust("3 seconds")
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("stop while a run's finalizers are running waits for them and reports \"finished\"", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(
        mark(log, "start"),
        Effect.addFinalizer(() => Effect.andThen(Effect.sleep("3 seconds"), mark(log, "finalized")))
      )
      const handle = yield* Repeater.fork(task, { name: "cleanup", every: "1 minute" })
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.forkChild(Effect.zip(handle.stop(), now))
      yield* TestClock.adjust("0 millis")
      const pendingAt1s = yield* isPending(stopping)
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(yield* Fiber.join(stopping), ["finished", 3_000])
      assert.isTrue(pendingAt1s)
      assert.deepStrictEqual(log, ["start@0", "finalized@3000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a finalizer that dies makes its run a failed run, and the schedule goes on", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const task = Effect.gen(function*() {
        starts.push(yield* now)
        const first = starts.length === 1
        yield* Effect.addFinalizer(() => first ? Effect.die("finalizer broke") : Effect.void)
      })
      const handle = yield* Repeater.fork(task, { name: "leaky", schedule: Schedule.spaced("10 seconds") })
      yield* TestClock.adjust("25 seconds")
      const status = yield* handle.status
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])
      assert.strictEqual(status.failures, 1)
      assert.strictEqual(status.runs, 3)
      assert.include(Option.getOrElse(status.lastFailure, () => ""), "finalizer broke")
    }).pipe(Effect.provide(Repeater.layer)))
})
