/**
 * Stops, Scopes and memory: stop from the run in flight, the Scope's group of
 * repeaters and per-fork finalizers, a run ending after its finalizers, long
 * timeouts and graces, wall-clock steps back.
 */
import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Exit, Fiber, Layer, Option, Scope } from "effect"
import { TestClock } from "effect/testing"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { poll } from "./support/probe.js"
import { mark, now, steppableClock } from "./support/time.js"

const isPending = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.map(poll(fiber), Option.isNone)

// -----------------------------------------------------------------------------
// Stop from the run in flight, then a Scope or the service closes
// -----------------------------------------------------------------------------

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

// -----------------------------------------------------------------------------
// Scopes: the draining group, per-fork finalizers, the shared runtime
// -----------------------------------------------------------------------------

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

// -----------------------------------------------------------------------------
// Long graces and timeouts on TestClock
// -----------------------------------------------------------------------------

describe("stops, scopes and memory: long graces and timeouts", () => {
  it.effect("a stop grace longer than 2^30 ms runs out in one TestClock.adjust", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.andThen(mark(log, "start"), Effect.never).pipe(Effect.onInterrupt(() => mark(log, "interrupted"))),
        { name: "long-grace", every: "1 hour", grace: "30 days" }
      )
      yield* TestClock.adjust("0 millis")
      const stopping = yield* Effect.forkChild(handle.stop())
      yield* TestClock.adjust("31 days")
      const pending = yield* isPending(stopping)
      assert.isFalse(pending)
      assert.deepStrictEqual(log, ["start@0", `interrupted@${30 * 86_400_000}`])
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))

  it.effect("a stop grace longer than 2^30 ms: a run that ends within it is reported finished when it ends", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(
        Effect.sleep("5 seconds"),
        { name: "long-grace", every: "1 hour", grace: "30 days" }
      )
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.forkChild(Effect.zip(handle.stop(), now))
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(yield* Fiber.join(stopping), ["finished", 5_000])
      assert.strictEqual((yield* handle.status).runs, 1)
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))

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

// -----------------------------------------------------------------------------
// Memory
// -----------------------------------------------------------------------------

setFlagsFromString("--expose-gc")
const collectGarbage: () => void = runInNewContext("gc")

describe("stops, scopes and memory: memory", () => {
  it.effect("a repeater that completed in a long-lived Scope can be garbage-collected while the Scope stays open", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const refs: Array<WeakRef<object>> = []
      for (let i = 0; i < 20; i++) {
        // no local variable keeps the handle
        refs.push(
          yield* Repeater.fork(Effect.void, { name: `once-${i}`, every: "1 second", maxRepetitions: 1 }).pipe(
            Scope.provide(scope),
            Effect.map((handle) => new WeakRef<object>(handle))
          )
        )
      }
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* Repeater.list, [])
      // let every fiber that touched the repeaters end, then collect
      for (let i = 0; i < 10; i++) yield* Effect.yieldNow
      collectGarbage()
      const alive = refs.filter((ref) => ref.deref() !== undefined).length
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(alive, 0)
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// Clocks
// -----------------------------------------------------------------------------

describe("stops, scopes and memory: wall clock", () => {
  it.effect("cron: after the wall clock is stepped back by 5 hours, a daily 03:00 job runs at 03:00 wall time", () =>
    Effect.gen(function*() {
      const hour = 3_600_000
      yield* TestClock.setTime(Date.parse("2026-03-10T12:00:00Z"))
      const base = yield* Clock.clockWith(Effect.succeed)
      const { clock, step } = steppableClock(base)
      const starts: Array<string> = []
      const task = Effect.sync(() => void starts.push(new Date(clock.currentTimeMillisUnsafe()).toISOString()))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layerWith({ defaultGrace: 0 }), scope).pipe(
        Effect.provideService(Clock.Clock, clock)
      )
      yield* Repeater.fork(task, { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }).pipe(
        Effect.provide(context),
        Scope.provide(scope),
        Effect.provideService(Clock.Clock, clock)
      )
      yield* TestClock.adjust(Duration.millis(hour))
      step(-5 * hour) // wall 13:00 -> 08:00
      yield* TestClock.adjust(Duration.millis(20 * hour)) // wall: 08:00 -> 04:00 the next day
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(starts, ["2026-03-11T03:00:00.000Z"])
    }))

  it.effect("cron: a step back noticed by a busy neighbour does not move a daily 03:00 job to 22:00 wall time", () =>
    Effect.gen(function*() {
      const hour = 3_600_000
      yield* TestClock.setTime(Date.parse("2026-03-10T12:00:00Z"))
      const base = yield* Clock.clockWith(Effect.succeed)
      const { clock, step } = steppableClock(base)
      const starts: Array<string> = []
      const task = Effect.sync(() => void starts.push(new Date(clock.currentTimeMillisUnsafe()).toISOString()))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layerWith({ defaultGrace: 0 }), scope).pipe(
        Effect.provideService(Clock.Clock, clock)
      )
      const fork = Repeater.fork(task, { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" })
      yield* fork.pipe(Effect.provide(context), Scope.provide(scope), Effect.provideService(Clock.Clock, clock))
      // a neighbour in the same service reads the dispatcher's time every 10 minutes
      yield* Repeater.fork(Effect.void, { name: "frequent", every: "10 minutes" }).pipe(
        Effect.provide(context),
        Scope.provide(scope),
        Effect.provideService(Clock.Clock, clock)
      )
      yield* TestClock.adjust(Duration.millis(hour))
      step(-5 * hour) // wall 13:00 -> 08:00
      yield* TestClock.adjust(Duration.millis(20 * hour)) // wall: 08:00 -> 04:00 the next day
      yield* Scope.close(scope, Exit.void)
      // matches are wall times: the job runs at 03:00 by the wall clock, once
      assert.deepStrictEqual(starts, ["2026-03-11T03:00:00.000Z"])
    }))

  it.effect("every: a wall-clock step back smaller than the time since the last reading does not stall the repeater", () =>
    Effect.gen(function*() {
      const minute = 60_000
      const base = yield* Clock.clockWith(Effect.succeed)
      const { clock, step } = steppableClock(base)
      const elapsed: Array<number> = []
      const task = Effect.sync(() => void elapsed.push(base.currentTimeMillisUnsafe()))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layerWith({ defaultGrace: 0 }), scope).pipe(
        Effect.provideService(Clock.Clock, clock)
      )
      yield* Repeater.fork(task, { name: "steady", every: "10 minutes" }).pipe(
        Effect.provide(context),
        Scope.provide(scope),
        Effect.provideService(Clock.Clock, clock)
      )
      yield* TestClock.adjust(Duration.millis(minute))
      step(-5 * minute) // one minute after the run at 0, the wall clock goes back 5 minutes
      yield* TestClock.adjust(Duration.millis(24 * minute))
      yield* Scope.close(scope, Exit.void)
      // "every 10 minutes" is elapsed time, as for a step back of an hour
      assert.deepStrictEqual(elapsed, [0, 10 * minute, 20 * minute])
    }))
})
