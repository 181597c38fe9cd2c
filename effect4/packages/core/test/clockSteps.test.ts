/**
 * Clock steps and stops: an outside stop after a self-stop, the first stop
 * result winning, Scopes letting go of ended repeaters, wall-clock steps back
 * absorbed (queued cron runs move with them, cron `resume` recomputed from the
 * wall clock), and `Repeater.layerConfig`.
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import {
  Clock,
  Config,
  ConfigProvider,
  type Context,
  DateTime,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Schedule,
  Scope
} from "effect"
import { TestClock } from "effect/testing"
import { poll } from "./support/probe.js"
import { mark, now, steppableClock } from "./support/time.js"

const minute = 60_000
const hour = 60 * minute

const isPending = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.map(poll(fiber), Option.isNone)

/** A stop, with the virtual time at which it resolved. */
const timedStop = (stop: Effect.Effect<string, unknown>) => Effect.zip(stop, now)

/**
 * A `Repeater` service (grace 0) on a steppable clock, built in `scope`, and a `fork` that starts
 * repeaters in that service and Scope with the same clock.
 */
const steppableService = (scope: Scope.Scope) =>
  Effect.gen(function*() {
    const base = yield* Clock.clockWith(Effect.succeed)
    const stepper = steppableClock(base)
    const context: Context.Context<Repeater.Repeater> = yield* Layer.buildWithScope(
      Repeater.layerWith({ defaultGrace: 0 }),
      scope
    ).pipe(Effect.provideService(Clock.Clock, stepper.clock))
    const onService = <A, E>(effect: Effect.Effect<A, E, Repeater.Repeater | Scope.Scope>) =>
      effect.pipe(Effect.provide(context), Scope.provide(scope), Effect.provideService(Clock.Clock, stepper.clock))
    return { ...stepper, onService }
  })

const iso = (text: string) => new Date(text).toISOString()

// -----------------------------------------------------------------------------
// Wall-clock steps back
// -----------------------------------------------------------------------------

describe("clock steps and stops: wall-clock steps back and cron", () => {
  it.effect("cron: a step back while a run is in flight does not run the match that run consumed a second time", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T02:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      const task = Effect.andThen(Effect.sync(() => void starts.push(wall())), Effect.sleep("10 minutes"))
      yield* onService(Repeater.fork(task, { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }))
      yield* TestClock.adjust(Duration.millis(65 * minute)) // wall 03:05: the 03:00 run is in flight
      step(-hour) // wall 02:05; the run ends at 02:10 by the wall clock
      yield* TestClock.adjust(Duration.millis(25 * hour)) // wall: 02:05 -> 03:05 the next day
      yield* Scope.close(scope, Exit.void)
      // The 03:00 match was consumed at 03:00; it is never replayed (as when the step comes
      // while the repeater is idle, or paused: see the next tests).
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z"), iso("2026-03-11T03:00:00Z")])
    }))

  it.effect("cron: a step back after the run ended (idle) moves the queued run: the consumed match is not replayed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T02:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      const task = Effect.andThen(Effect.sync(() => void starts.push(wall())), Effect.sleep("10 minutes"))
      yield* onService(Repeater.fork(task, { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }))
      yield* TestClock.adjust(Duration.millis(90 * minute)) // wall 03:30: the run ended at 03:10
      step(-hour) // wall 02:30
      yield* TestClock.adjust(Duration.millis(25 * hour)) // wall: 02:30 -> 03:30 the next day
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z"), iso("2026-03-11T03:00:00Z")])
    }))

  it.effect("cron: resume after a step back made while paused does not replay the consumed match", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T02:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      const handle = yield* onService(
        Repeater.fork(
          Effect.sync(() => void starts.push(wall())),
          { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }
        )
      )
      yield* TestClock.adjust(Duration.millis(90 * minute)) // wall 03:30: ran at 03:00
      yield* handle.pause
      step(-hour) // wall 02:30
      yield* TestClock.adjust(Duration.millis(10 * minute)) // wall 02:40
      yield* handle.resume
      yield* TestClock.adjust(Duration.millis(25 * hour)) // wall 03:40 the next day
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z"), iso("2026-03-11T03:00:00Z")])
    }))

  it.effect("cron: resume exactly on a match that fell due while paused runs it at once (the tick at the resume)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T02:00:00Z"))
      const starts: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.flatMap(now, (t) => Effect.sync(() => void starts.push(new Date(t).toISOString()))),
        { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }
      )
      yield* TestClock.adjust("30 minutes")
      yield* handle.pause
      yield* TestClock.adjust("30 minutes") // 03:00:00.000, while paused
      assert.deepStrictEqual(starts, [])
      yield* handle.resume
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z")])
      yield* TestClock.adjust("1 day")
      assert.deepStrictEqual(starts, [iso("2026-03-10T03:00:00Z"), iso("2026-03-11T03:00:00Z")])
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0 }))))

  it.effect("schedule: Schedule.cron keeps to the wall clock after a step back (it is stepped as Effect.repeat does)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T12:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      yield* onService(
        Repeater.fork(
          Effect.sync(() => void starts.push(wall())),
          { name: "nightly", schedule: Schedule.cron("0 3 * * *", "UTC") }
        )
      )
      yield* TestClock.adjust(Duration.millis(hour)) // wall 13:00
      step(-5 * hour) // wall 08:00
      yield* TestClock.adjust(Duration.millis(68 * hour)) // wall: 08:00 -> 04:00 three days later
      yield* Scope.close(scope, Exit.void)
      // The first run is at once. The run already planned when the step came may come at 22:00
      // by the wall clock (Effect.repeat's sleep does the same), but the schedule is then stepped
      // with the wall time again: 03:00 on each of the following days.
      assert.strictEqual(starts[0], iso("2026-03-10T12:00:00Z"))
      assert.deepStrictEqual(starts.slice(-3), [
        iso("2026-03-11T03:00:00Z"),
        iso("2026-03-12T03:00:00Z"),
        iso("2026-03-13T03:00:00Z")
      ])
    }))

  it.effect("cron: after a step back, status.nextRun and lastStart are wall-clock times (the match, the real start)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-10T12:00:00Z"))
      const scope = yield* Scope.make()
      const { onService, step, wall } = yield* steppableService(scope)
      const starts: Array<string> = []
      const nightly = yield* onService(
        Repeater.fork(
          Effect.sync(() => void starts.push(wall())),
          { name: "nightly", cron: "0 3 * * *", timeZone: "UTC" }
        )
      )
      // a neighbour in the same service reads the dispatcher's time every 10 minutes
      yield* onService(Repeater.fork(Effect.void, { name: "frequent", every: "10 minutes" }))
      yield* TestClock.adjust(Duration.millis(hour)) // wall 13:00
      step(-5 * hour) // wall 08:00
      yield* TestClock.adjust(Duration.millis(10 * minute)) // the neighbour notices the step
      const before = yield* nightly.status
      yield* TestClock.adjust(Duration.millis(19 * hour)) // wall 03:10 the next day
      const after = yield* nightly.status
      yield* Scope.close(scope, Exit.void)
      // the run itself is at 03:00 by the wall clock ...
      assert.deepStrictEqual(starts, [iso("2026-03-11T03:00:00Z")])
      // ... and so should be what the status says about it
      assert.deepStrictEqual(Option.map(before.nextRun, DateTime.formatIso), Option.some(iso("2026-03-11T03:00:00Z")))
      assert.deepStrictEqual(Option.map(after.lastStart, DateTime.formatIso), Option.some(iso("2026-03-11T03:00:00Z")))
    }))
})

describe("clock steps and stops: wall-clock steps back and intervals", () => {
  it.effect("every: a step back of 1.5 s (more than the 1 s tolerance) is absorbed: the next run is 10 min of elapsed time later", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const base = yield* Clock.clockWith(Effect.succeed)
      const { onService, step } = yield* steppableService(scope)
      const elapsed: Array<number> = []
      yield* onService(
        Repeater.fork(
          Effect.sync(() => void elapsed.push(base.currentTimeMillisUnsafe())),
          { name: "steady", every: "10 minutes" }
        )
      )
      yield* TestClock.adjust(Duration.millis(5 * minute))
      step(-1_500)
      yield* TestClock.adjust(Duration.millis(16 * minute))
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(elapsed, [0, 10 * minute, 20 * minute])
    }))

  it.effect("every: a step back of 500 ms long after the last reading is within the tolerance: the next run waits for the wall clock", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const base = yield* Clock.clockWith(Effect.succeed)
      const { onService, step } = yield* steppableService(scope)
      const elapsed: Array<number> = []
      yield* onService(
        Repeater.fork(
          Effect.sync(() => void elapsed.push(base.currentTimeMillisUnsafe())),
          { name: "steady", every: "10 minutes" }
        )
      )
      yield* TestClock.adjust(Duration.millis(5 * minute))
      step(-500)
      yield* TestClock.adjust(Duration.millis(16 * minute))
      yield* Scope.close(scope, Exit.void)
      // a slewed (not stepped) wall clock: due times follow it, 500 ms later in elapsed time
      assert.deepStrictEqual(elapsed, [0, 10 * minute + 500, 20 * minute + 500])
    }))

  it.effect("every: a step back of 500 ms right after a reading (below the last reading) is absorbed", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const base = yield* Clock.clockWith(Effect.succeed)
      const { onService, step } = yield* steppableService(scope)
      const elapsed: Array<number> = []
      yield* onService(
        Repeater.fork(
          Effect.sync(() => {
            elapsed.push(base.currentTimeMillisUnsafe())
            if (elapsed.length === 1) step(-500)
          }),
          // the wall clock goes back 500 ms during the first run, right after its start was read
          { name: "steady", every: "10 minutes" }
        )
      )
      yield* TestClock.adjust(Duration.millis(21 * minute))
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(elapsed, [0, 10 * minute, 20 * minute])
    }))
})

// -----------------------------------------------------------------------------
// Stop: a self-stop, then outside stops; two outside stops
// -----------------------------------------------------------------------------

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

  it.effect("two outside stops with different graces: the second waits for the first and returns its result", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.andThen(mark(log, "start"), Effect.never).pipe(Effect.onInterrupt(() => mark(log, "interrupted"))),
        { name: "busy", every: "10 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      const first = yield* Effect.forkChild(timedStop(handle.stop({ grace: "3 seconds" })))
      yield* TestClock.adjust("1 second")
      const second = yield* Effect.forkChild(timedStop(handle.stop({ grace: "0 millis" })))
      yield* TestClock.adjust("0 millis")
      const secondPendingAt1s = yield* isPending(second)
      yield* TestClock.adjust("5 seconds")
      assert.isTrue(secondPendingAt1s)
      assert.deepStrictEqual(yield* Fiber.join(first), ["interrupted", 3_000])
      assert.deepStrictEqual(yield* Fiber.join(second), ["interrupted", 3_000])
      assert.deepStrictEqual(log, ["start@0", "interrupted@3000"])
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

// -----------------------------------------------------------------------------
// Scopes let go of ended repeaters
// -----------------------------------------------------------------------------

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

// -----------------------------------------------------------------------------
// Repeater.layerConfig
// -----------------------------------------------------------------------------

describe("clock steps and stops: Repeater.layerConfig", () => {
  const fromEnv = (env: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env }))

  it.effect("with no settings (all are optional) it is the default service: 30 seconds of stop grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.andThen(mark(log, "start"), Effect.never).pipe(Effect.onInterrupt(() => mark(log, "interrupted"))),
        { name: "busy", every: "1 minute" }
      )
      yield* TestClock.adjust("0 millis")
      const stopping = yield* Effect.forkChild(timedStop(handle.stop()))
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(yield* Fiber.join(stopping), ["interrupted", 30_000])
      assert.deepStrictEqual(log, ["start@0", "interrupted@30000"])
    }).pipe(Effect.provide(Repeater.layerConfig({}))))

  it.effect("an eventBufferSize of 0 from Config fails the layer with a RepeaterConfigError naming the setting", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(
          Repeater.layerConfig({ eventBufferSize: Config.Int("REPEATER_EVENT_BUFFER") }).pipe(
            Layer.provide(fromEnv({ REPEATER_EVENT_BUFFER: "0" }))
          )
        ))
      )
      assert.instanceOf(error, RepeaterConfigError)
      assert.strictEqual(error instanceof RepeaterConfigError ? error.field : undefined, "eventBufferSize")
    }))
})
