/**
 * How runs are started and ended: the runs due in one timer turn, a run's
 * own Scope (made only when the run uses it), a run that ends at once, and
 * the dispatcher on Effect's default Clock (real time).
 */
import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Schedule, Scope } from "effect"
import { TestClock } from "effect/testing"
import { mark } from "./support/time.js"

// -----------------------------------------------------------------------------
// The runs due in one timer turn
// -----------------------------------------------------------------------------

describe("runs: the runs due in one timer turn", () => {
  it.effect("repeaters due at the same instant run in the order they were scheduled, each at its exact time", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      for (const name of ["a", "b", "c"]) {
        yield* Repeater.fork(mark(log, name), { name, every: "1 second", waitFirst: true })
      }
      yield* Repeater.fork(mark(log, "d"), { name: "d", every: "2 seconds", waitFirst: true })
      yield* TestClock.adjust("4 seconds")
      assert.deepStrictEqual(log, [
        "a@1000",
        "b@1000",
        "c@1000",
        // d was scheduled for 2 s at 0 s, before a, b and c (at 1 s): it goes first
        "d@2000",
        "a@2000",
        "b@2000",
        "c@2000",
        "a@3000",
        "b@3000",
        "c@3000",
        "d@4000",
        "a@4000",
        "b@4000",
        "c@4000"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that ends at once is in flight while it runs: its own status says running, its runNow is coalesced", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      let run = 0
      const task = Effect.gen(function*() {
        const index = ++run
        const self = yield* Repeater.get("self")
        const status = yield* self.status
        yield* mark(log, `run ${index} ${status.state} inFlight=${status.inFlight}`)
        if (index === 1) yield* self.runNow
      })
      yield* Repeater.fork(task, { name: "self", every: "10 seconds", waitFirst: true })
      yield* TestClock.adjust("15 seconds")
      // the runNow asked for during run 1 is one run right after it, never a second run at the same time
      assert.deepStrictEqual(log, [
        "run 1 running inFlight=true@10000",
        "run 2 running inFlight=true@10000"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that stops its own repeater synchronously is its last run", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.gen(function*() {
        const self = yield* Repeater.get("self")
        yield* mark(log, `stop ${yield* self.stop()}`)
      })
      const handle = yield* Repeater.fork(task, { name: "self", every: "1 second", waitFirst: true })
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(log, ["stop finished@1000"])
      assert.strictEqual((yield* handle.status).state, "stopped")
      assert.strictEqual((yield* handle.status).runs, 1)
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// A run's Scope
// -----------------------------------------------------------------------------

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

// -----------------------------------------------------------------------------
// Effect's default Clock (real time)
// -----------------------------------------------------------------------------

/** Polls `condition` every 5 ms until it holds, for at most `deadlineMillis`. */
const eventually = (condition: () => boolean, deadlineMillis = 20_000) =>
  Effect.promise(async () => {
    const end = Date.now() + deadlineMillis
    while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5))
    return condition()
  })

describe("runs: on Effect's default Clock", () => {
  it("repeaters run on real time and stop", () =>
    Effect.runPromise(
      Effect.scoped(Effect.gen(function*() {
        const starts: Array<number> = []
        const handle = yield* Repeater.fork(
          Effect.sync(() => void starts.push(Date.now())),
          { name: "live", every: "20 millis", waitFirst: true }
        )
        const t0 = Date.now()
        const ran = yield* eventually(() => starts.length >= 3)
        assert.isTrue(ran, "three runs")
        // never early: the k-th start is at least k intervals after the fork
        starts.slice(0, 3).forEach((start, k) => assert.isAtLeast(start - t0, 20 * (k + 1) - 1))
        assert.strictEqual(yield* handle.stop(), "idle")
        const count = starts.length
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 100)))
        assert.strictEqual(starts.length, count, "no run after the stop")
      })).pipe(Effect.provide(Repeater.layer))
    ), 60_000)

  it("a schedule without delay runs again and again without starving the event loop", () =>
    Effect.runPromise(
      Effect.scoped(Effect.gen(function*() {
        let runs = 0
        let timerFired = false
        const handle = yield* Repeater.fork(Effect.sync(() => runs++), { name: "busy", schedule: Schedule.forever })
        setTimeout(() => timerFired = true, 10)
        const fired = yield* eventually(() => timerFired)
        const runsWhenFired = runs
        yield* handle.stop()
        // each run waits for a timer turn of its own, so another timer gets its turn too
        assert.isTrue(fired, "the other timer fired")
        assert.isAbove(runsWhenFired, 1)
      })).pipe(Effect.provide(Repeater.layer))
    ), 60_000)

  it("a stop while a run is in flight gives it its grace on real time", () =>
    Effect.runPromise(
      Effect.scoped(Effect.gen(function*() {
        let started = false
        const handle = yield* Repeater.fork(
          Effect.andThen(Effect.sync(() => started = true), Effect.sleep("50 millis")),
          { name: "slow", every: "10 millis", waitFirst: true }
        )
        assert.isTrue(yield* eventually(() => started))
        const stopping = yield* Effect.forkChild(handle.stop({ grace: "10 seconds" }))
        assert.strictEqual(yield* Fiber.join(stopping), "finished")
      })).pipe(Effect.provide(Repeater.layer))
    ), 60_000)
})
