import { Repeater } from "@effect-repeater/core"
import type { RepeaterEvent } from "@effect-repeater/core/RepeaterEvent"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Fiber, Layer, Scope, Stream } from "effect"
import { TestClock } from "effect/testing"
import { startRecorder } from "./support/probe.js"
import { assertPending, recordingTask, timed } from "./support/stopTiming.js"
import { mark, now } from "./support/time.js"

describe("clock steps and stops: scopes", () => {
  it.effect("a repeater stopped through its handle: closing its Scope later leaves a new repeater of the same name alone", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const one = yield* Scope.make()
      const two = yield* Scope.make()
      const old = yield* Repeater.fork(mark(log, "old"), { name: "job", every: "1 second" }).pipe(Scope.provide(one))
      yield* TestClock.adjust("500 millis")
      assert.strictEqual(yield* old.stop(), "idle")
      const fresh = yield* Repeater.fork(mark(log, "new"), { name: "job", every: "1 second" }).pipe(Scope.provide(two))
      yield* TestClock.adjust("0 millis")
      yield* Scope.close(one, Exit.void)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(log, ["old@0", "new@500", "new@1500"])
      assert.strictEqual((yield* fresh.status).state, "scheduled")
      yield* Scope.close(two, Exit.void)
      assert.strictEqual((yield* fresh.status).state, "stopped")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a repeater whose run stopped it and ended: closing its Scope is immediate and the stop result stays finished", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const scope = yield* Scope.make()
      const task = Effect.gen(function*() {
        const self = yield* Repeater.get("self")
        yield* mark(log, `self stop ${yield* self.stop()}`)
        yield* Effect.sleep("2 seconds")
      })
      const handle = yield* Repeater.fork(task, { name: "self", every: "10 seconds", grace: "1 minute" }).pipe(
        Scope.provide(scope)
      )
      yield* TestClock.adjust("3 seconds")
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(yield* now, 3_000)
      assert.strictEqual(yield* handle.stop(), "finished")
      assert.deepStrictEqual(log, ["self stop finished@0"])
      assert.deepStrictEqual(yield* Repeater.list, [])
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

describe("stops, scopes and memory: scope close", () => {
  it.effect(
    "while a Scope's last repeater waits for its grace, an earlier one whose run ended starts no run and ignores runNow and resume",
    () =>
      Effect.gen(function*() {
        const log: Array<string> = []
        const scope = yield* Scope.make()
        const first = yield* Repeater.fork(
          Effect.andThen(mark(log, "first"), Effect.sleep("2 seconds")),
          { name: "first", every: "1 second", grace: "10 seconds" }
        ).pipe(Scope.provide(scope))
        yield* Repeater.fork(
          Effect.andThen(mark(log, "second"), Effect.sleep("1 minute")),
          { name: "second", every: "1 minute", grace: "5 seconds" }
        ).pipe(Scope.provide(scope))
        yield* TestClock.adjust("1 second")
        // reverse order: "second" is stopped first (5 s of grace); "first" is held meanwhile
        const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
        yield* TestClock.adjust("0 millis")
        const firstJoin = yield* Effect.forkChild(first.join)
        yield* TestClock.adjust("2 seconds") // first's run ended at 2 s
        const held = (yield* first.status).state
        yield* first.runNow
        yield* first.pause
        yield* first.resume
        yield* TestClock.adjust("3 seconds") // 6 s: second's grace runs out
        yield* Fiber.join(closing)
        yield* Fiber.join(firstJoin)
        const status = yield* first.status
        assert.deepStrictEqual(log, ["first@0", "second@0"])
        assert.strictEqual(held, "stopping")
        assert.strictEqual(status.state, "stopped")
        assert.strictEqual(status.runs, 1)
        assert.strictEqual(yield* now, 6_000)
        assert.deepStrictEqual(yield* Repeater.list, [])
      }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 })))
  )

  it.effect("repeaters forked in a row into two Scopes each belong to their own Scope (no shared runtime mix-up)", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const one = yield* Scope.make()
      const two = yield* Scope.make()
      yield* Repeater.fork(mark(log, "a"), { name: "a", every: "1 second" }).pipe(Scope.provide(one))
      yield* Repeater.fork(mark(log, "b"), { name: "b", every: "1 second" }).pipe(Scope.provide(two))
      yield* Repeater.fork(mark(log, "c"), { name: "c", every: "1 second" }).pipe(Scope.provide(one))
      yield* TestClock.adjust("500 millis")
      yield* Scope.close(one, Exit.void)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["b"])
      assert.deepStrictEqual(log, ["a@0", "b@0", "c@0", "b@1000"])
      yield* Scope.close(two, Exit.void)
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a repeater forked inside Effect.uninterruptible still has interruptible runs: the grace is honoured", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Effect.uninterruptible(
        Repeater.fork(
          Effect.andThen(mark(log, "start"), Effect.never).pipe(Effect.onInterrupt(() => mark(log, "interrupted"))),
          { name: "masked", every: "1 hour" }
        )
      )
      yield* TestClock.adjust("0 millis")
      const stopping = yield* Effect.forkChild(handle.stop({ grace: "1 second" }))
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(log, ["start@0", "interrupted@1000"])
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))
})

describe("scope lifetime: release order, closing Scopes, runs' Scopes", () => {
  it.effect(
    "finalizers of one Scope run in reverse order: a resource acquired before a repeater's fork outlives that repeater",
    () =>
      Effect.gen(function*() {
        const log: Array<string> = []
        const scope = yield* Scope.make()
        // the first repeater forked in the Scope makes the Scope's slots (and its single finalizer function)
        yield* Repeater.fork(Effect.void, { name: "first", every: "1 hour", waitFirst: true }).pipe(
          Scope.provide(scope)
        )
        // a resource the second repeater uses, acquired before it is forked
        yield* Effect.acquireRelease(mark(log, "acquired"), () => mark(log, "released")).pipe(Scope.provide(scope))
        yield* Repeater.fork(
          Effect.andThen(mark(log, "run start"), Effect.andThen(Effect.sleep("5 seconds"), mark(log, "run end"))),
          { name: "user", every: "10 seconds" }
        ).pipe(Scope.provide(scope))
        yield* TestClock.adjust("2 seconds")
        const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
        yield* TestClock.adjust("10 seconds")
        yield* Fiber.join(closing)
        // with Scope semantics (last in, first out), the repeater is stopped (its run given its grace)
        // before the resource it uses is released
        assert.deepStrictEqual(log, ["acquired@0", "run start@0", "run end@5000", "released@5000"])
      }).pipe(Effect.provide(Repeater.layer))
  )

  it.effect("a repeater forked into a Scope that is already closing is stopped at once, as a Scope finalizer would be", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const scope = yield* Scope.make()
      yield* Repeater.fork(
        Effect.andThen(mark(log, "slow start"), Effect.sleep("1 minute")),
        { name: "slow", every: "1 hour", grace: "5 seconds" }
      ).pipe(Scope.provide(scope))
      yield* TestClock.adjust("1 second")
      // the Scope closes: its repeaters wait up to 5 s for the slow run
      const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
      yield* TestClock.adjust("1 second")
      const late = yield* Repeater.fork(mark(log, "late"), { name: "late", every: "1 second" }).pipe(
        Scope.provide(scope)
      )
      yield* TestClock.adjust("4 seconds")
      yield* Fiber.join(closing)
      yield* TestClock.adjust("5 seconds")
      const state = (yield* late.status).state
      const listed = (yield* Repeater.list).map((status) => status.name)
      yield* late.stop()
      // Scope.addFinalizer on a closed (or closing) Scope runs the finalizer at once
      assert.deepStrictEqual(log, ["slow start@0"])
      assert.strictEqual(state, "stopped")
      assert.deepStrictEqual(listed, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a repeater forked inside a run lives in that run's Scope: it is stopped when the run ends", () =>
    Effect.gen(function*() {
      const inner = startRecorder()
      const outer = Effect.andThen(
        Repeater.fork(inner.task, { name: "inner", every: "1 second" }),
        Effect.sleep("2500 millis")
      )
      const handle = yield* Repeater.fork(outer, { name: "outer", every: "1 minute" })
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(inner.starts, [0, 1_000, 2_000])
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["outer"])
      // the name is free again: the next outer run (delay mode: at 2.5 s + 1 min) forks it anew
      yield* TestClock.adjust("60 seconds")
      assert.deepStrictEqual(inner.starts, [0, 1_000, 2_000, 62_500, 63_500, 64_500])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a repeater that ends on its own leaves its Scope: closing the Scope later does not report it stopped", () =>
    Effect.gen(function*() {
      const received: Array<string> = []
      yield* Effect.forkChild(
        Stream.runForEach(Repeater.events, (event: RepeaterEvent) =>
          Effect.sync(() => {
            if (event._tag === "Completed" || event._tag === "Stopped" || event._tag === "Failed") {
              received.push(`${event._tag} ${event.name}`)
            }
          }))
      )
      yield* TestClock.adjust("0 millis")
      const scope = yield* Scope.make()
      yield* Repeater.fork(Effect.void, { name: "done", every: "1 second", maxRepetitions: 2 }).pipe(
        Scope.provide(scope)
      )
      yield* Repeater.fork(Effect.fail("boom"), { name: "broken", every: "1 second", onError: "stop" }).pipe(
        Scope.provide(scope)
      )
      yield* Repeater.fork(Effect.void, { name: "running", every: "1 second" }).pipe(Scope.provide(scope))
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["running"])
      yield* Scope.close(scope, Exit.void)
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(received, ["Failed broken", "Completed done", "Stopped running"])
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))
})
