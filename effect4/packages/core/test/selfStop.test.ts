import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Option, Scope } from "effect"
import { TestClock } from "effect/testing"
import { poll } from "./support/probe.js"
import { isPending, timedStop } from "./support/stepsAndStops.js"
import { assertPending, timed } from "./support/stopTiming.js"
import { mark, now } from "./support/time.js"

describe("clock steps and stops: stop results", () => {
  /** A task that stops its own repeater, logs the result, then runs `rest`. */
  const selfStopping = (log: Array<string>, rest: Effect.Effect<void>) =>
    Effect.gen(function*() {
      const self = yield* Repeater.get("self")
      yield* mark(log, `self stop ${yield* self.stop()}`)
      yield* rest
    }).pipe(Effect.onInterrupt(() => mark(log, "interrupted")))

  it.effect("self-stop, then two outside stops with different graces: the first outside stop's grace decides, both get its result", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        selfStopping(log, Effect.sleep("1 hour")),
        { name: "self", every: "10 seconds" }
      )
      yield* TestClock.adjust("1 second")
      const first = yield* Effect.forkChild(timedStop(handle.stop({ grace: "5 seconds" })))
      yield* TestClock.adjust("1 second")
      const second = yield* Effect.forkChild(timedStop(handle.stop({ grace: "1 second" })))
      yield* TestClock.adjust("1 second")
      const secondPendingAt3s = yield* isPending(second)
      yield* TestClock.adjust("10 seconds")
      assert.isTrue(secondPendingAt3s)
      assert.deepStrictEqual(yield* Fiber.join(first), ["interrupted", 6_000])
      assert.deepStrictEqual(yield* Fiber.join(second), ["interrupted", 6_000])
      assert.deepStrictEqual(log, ["self stop finished@0", "interrupted@6000"])
      assert.strictEqual(yield* handle.stop(), "interrupted")
    }).pipe(Effect.ensuring(TestClock.adjust("1 hour")), Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))

  it.effect("self-stop, then an outside stop: a run that ends within the grace is reported finished when it ends", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        selfStopping(log, Effect.andThen(Effect.sleep("1500 millis"), mark(log, "end"))),
        { name: "self", every: "10 seconds" }
      )
      yield* TestClock.adjust("1 second")
      const outside = yield* Effect.forkChild(timedStop(handle.stop({ grace: "2 seconds" })))
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(yield* Fiber.join(outside), ["finished", 1_500])
      assert.deepStrictEqual(log, ["self stop finished@0", "end@1500"])
      const status = yield* handle.status
      assert.strictEqual(status.state, "stopped")
      assert.strictEqual(status.runs, 1)
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))

  it.effect("self-stop, then an outside stop: an uninterruptible run is reported interrupted when it really ends", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        selfStopping(log, Effect.uninterruptible(Effect.andThen(Effect.sleep("5 seconds"), mark(log, "end")))),
        { name: "self", every: "10 seconds" }
      )
      yield* TestClock.adjust("1 second")
      const outside = yield* Effect.forkChild(timedStop(handle.stop({ grace: "1 second" })))
      yield* TestClock.adjust("2 seconds")
      const pendingAt3s = yield* isPending(outside)
      yield* TestClock.adjust("5 seconds")
      assert.isTrue(pendingAt3s)
      // both stop procedures (the self-stop's and the outside one's) see the same end: the
      // uninterruptible part runs to its end, then the pending interruption takes effect
      assert.deepStrictEqual(yield* Fiber.join(outside), ["interrupted", 5_000])
      assert.strictEqual(yield* handle.stop(), "interrupted")
      assert.deepStrictEqual(log, ["self stop finished@0", "end@5000", "interrupted@5000"])
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))

  it.effect("an outside stop under way, then the run stops itself: the outside stop still interrupts at its grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.andThen(
          Effect.sleep("1 second"),
          selfStopping(log, Effect.sleep("1 hour"))
        ),
        { name: "self", every: "10 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      const outside = yield* Effect.forkChild(timedStop(handle.stop({ grace: "3 seconds" })))
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(yield* Fiber.join(outside), ["interrupted", 3_000])
      assert.deepStrictEqual(log, ["self stop finished@1000", "interrupted@3000"])
    }).pipe(Effect.ensuring(TestClock.adjust("1 hour")), Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))
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

describe("stops, scopes and memory: stop from the run in flight", () => {
  it.effect("a run that stopped its own repeater and goes on still gets only the grace when its Scope closes", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const scope = yield* Scope.make()
      const task = Effect.gen(function*() {
        yield* mark(log, "start")
        const self = yield* Repeater.get("self")
        yield* mark(log, `self stop ${yield* self.stop()}`)
        // the run goes on (a long cleanup, a stuck call): it is the last one
        yield* Effect.sleep("1 hour")
      }).pipe(Effect.onInterrupt(() => mark(log, "interrupted")))
      yield* Repeater.fork(task, { name: "self", every: "10 seconds", grace: "2 seconds" }).pipe(Scope.provide(scope))
      yield* TestClock.adjust("1 second")
      const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
      yield* TestClock.adjust("5 seconds")
      const pending = yield* isPending(closing)
      // a Scope close is graceful: 2 s of grace from 1 s, then the run is interrupted
      assert.deepStrictEqual(log, ["start@0", "self stop finished@0", "interrupted@3000"])
      assert.isFalse(pending)
    }).pipe(
      // whatever happened, the run ends within the hour: nothing is left waiting for it
      Effect.ensuring(TestClock.adjust("1 hour")),
      Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))
    ))

  it.effect("a run that stopped its own repeater and goes on still gets only the grace when the service closes", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const layerScope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layerWith({ defaultGrace: "2 seconds" }), layerScope)
      const task = Effect.gen(function*() {
        yield* mark(log, "start")
        const self = yield* Repeater.get("self")
        yield* mark(log, `self stop ${yield* self.stop()}`)
        yield* Effect.sleep("1 hour")
      }).pipe(Effect.onInterrupt(() => mark(log, "interrupted")), Effect.provide(context))
      // the repeater lives in a Scope that outlives the service
      yield* Repeater.fork(task, { name: "self", every: "10 seconds" }).pipe(Effect.provide(context))
      yield* TestClock.adjust("1 second")
      const closing = yield* Effect.forkChild(Scope.close(layerScope, Exit.void))
      yield* TestClock.adjust("5 seconds")
      const pending = yield* isPending(closing)
      assert.deepStrictEqual(log, ["start@0", "self stop finished@0", "interrupted@3000"])
      assert.isFalse(pending)
    }).pipe(Effect.ensuring(TestClock.adjust("1 hour"))))

  it.effect("an outside stop after the run stopped itself gives the run its grace and reports what really happened", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.gen(function*() {
        const self = yield* Repeater.get("self")
        yield* mark(log, `self stop ${yield* self.stop()}`)
        yield* Effect.sleep("4 seconds")
        yield* mark(log, "end")
      })
      const handle = yield* Repeater.fork(task, { name: "self", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      const outside = yield* Effect.forkChild(handle.stop({ grace: "1 second" }))
      yield* TestClock.adjust("10 seconds")
      const result = yield* Fiber.join(outside)
      // the run would have ended at 4 s, but the outside stop at 1 s gives it 1 s: interrupted at 2 s
      assert.deepStrictEqual(log, ["self stop finished@0"])
      assert.strictEqual(result, "interrupted")
      assert.strictEqual((yield* handle.status).state, "stopped")
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))
})

describe("self stop while an outside stop waits", () => {
  it.effect("a run that stops its own repeater while an outside stop waits for it is not blocked by that stop", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.gen(function*() {
        yield* mark(log, "start")
        yield* Effect.sleep("5 seconds")
        const self = yield* Repeater.get("self-stopping")
        yield* mark(log, `self stop ${yield* self.stop()}`)
      })
      const handle = yield* Repeater.fork(task, { name: "self-stopping", every: "1 minute" })
      yield* TestClock.adjust("1 second")
      const outside = yield* Effect.forkChild(Effect.zip(handle.stop(), now))
      yield* TestClock.adjust("40 seconds")
      // "called from inside the repeater's own run, stop cannot wait for that run: it returns at once"
      assert.deepStrictEqual(log, ["start@0", "self stop finished@5000"])
      assert.deepStrictEqual(yield* Fiber.join(outside), ["finished", 5_000])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that stops its own repeater from an onError handler while an outside stop waits does not deadlock", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      // the service and the repeater live in Scopes of their own, closed only if nothing hangs
      const layerScope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layer, layerScope)
      const repeaterScope = yield* Scope.make()
      const task = Effect.andThen(
        mark(log, "start"),
        Effect.andThen(Effect.sleep("1500 millis"), Effect.fail("boom"))
      )
        .pipe(
          // a common pattern: stop the repeater when a run fails (onError handlers are uninterruptible)
          Effect.onError(() =>
            Effect.flatMap(
              Effect.orDie(Effect.flatMap(Repeater.get("stop-on-error"), (self) => self.stop())),
              (result) => mark(log, `self stop ${result}`)
            )
          )
        )
      const handle = yield* Repeater.fork(task, { name: "stop-on-error", every: "1 minute", grace: "2 seconds" }).pipe(
        Effect.provide(context),
        Scope.provide(repeaterScope)
      )
      yield* TestClock.adjust("1 second")
      const outside = yield* Effect.forkChild(Effect.zip(handle.stop(), now))
      yield* TestClock.adjust("1 minute")
      const outsideDone = Option.isSome(yield* poll(outside))
      assert.deepStrictEqual(log, ["start@0", "self stop finished@1500"])
      assert.isTrue(outsideDone, "the outside stop never resolves: the run waits for it, it waits for the run")
      assert.deepStrictEqual(yield* Fiber.join(outside), ["finished", 1_500])
      yield* Scope.close(repeaterScope, Exit.void)
      yield* Scope.close(layerScope, Exit.void)
    }))
})
