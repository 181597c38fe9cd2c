import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { TestClock } from "effect/testing"
import { mark } from "./support/time.js"

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
