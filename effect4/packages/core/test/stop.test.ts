import { Repeater } from "@effect-repeater/core"
import type { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import type { StopResult } from "@effect-repeater/core/RepeaterEvent"
import type { RepeaterHandle } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import type { Duration } from "effect"
import { Effect, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { startRecorder } from "./support/probe.js"
import { isPending, timedStop } from "./support/stepsAndStops.js"
import { assertPending, recordingTask, timed } from "./support/stopTiming.js"
import { mark, now } from "./support/time.js"

describe("clock steps and stops: stop results", () => {
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
})

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
})

describe("stop: from other fibers, ties, and after the stop", () => {
  it.effect(
    "stop from a fiber that an earlier run left behind is not a stop from the run in flight: it gets the grace",
    () =>
      Effect.gen(function*() {
        const log: Array<string> = []
        let run = 0
        const task = Effect.gen(function*() {
          const index = ++run
          yield* mark(log, `start ${index}`)
          if (index === 1) {
            // a watchdog that outlives run 1 and stops the repeater later, during run 2
            yield* Effect.forkDetach(
              Effect.sleep("15 seconds").pipe(
                Effect.andThen(
                  Effect.flatMap(Repeater.get("watched"), (handle) => handle.stop({ grace: "1 second" }))
                ),
                Effect.flatMap((result) => mark(log, `watchdog stop ${result}`))
              )
            )
          } else {
            yield* Effect.sleep("1 minute")
            yield* mark(log, `end ${index}`)
          }
        })
        const handle = yield* Repeater.fork(task, { name: "watched", every: "10 seconds" })
        yield* TestClock.adjust("20 seconds")
        const state = (yield* handle.status).state
        yield* TestClock.adjust("2 minutes")
        // run 2 (10 s to 70 s) is in flight at 15 s: it gets 1 s of grace and is interrupted at 16 s
        assert.deepStrictEqual(log, ["start 1@0", "start 2@10000", "watchdog stop interrupted@16000"])
        assert.strictEqual(state, "stopped")
      }).pipe(Effect.provide(Repeater.layer))
  )

  it.effect("stop called from another repeater's run gives the stopped repeater its grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      yield* Repeater.fork(
        Effect.andThen(
          mark(log, "worker start"),
          Effect.andThen(Effect.sleep("10 seconds"), mark(log, "worker end"))
        ),
        { name: "worker", every: "1 minute" }
      )
      yield* Repeater.fork(
        Effect.flatMap(
          Effect.flatMap(Repeater.get("worker"), (worker) => worker.stop({ grace: "1 second" })),
          (result) => mark(log, `stopper got ${result}`)
        ),
        { name: "stopper", every: "1 hour", initialDelay: "2 seconds" }
      )
      yield* TestClock.adjust("20 seconds")
      assert.deepStrictEqual(log, ["worker start@0", "stopper got interrupted@3000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("after stop, runNow / pause / resume do nothing and no timer is left", () =>
    Effect.gen(function*() {
      const { starts, task } = startRecorder()
      const handle = yield* Repeater.fork(task, { name: "done", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      yield* handle.pause
      assert.strictEqual(yield* handle.stop(), "idle")
      yield* handle.resume
      yield* handle.runNow
      yield* handle.pause
      yield* handle.resume
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(starts, [0])
      const status = yield* handle.status
      assert.strictEqual(status.state, "stopped")
      assert.isTrue(Option.isNone(status.nextRun))
      assert.isFalse(status.inFlight)
    }).pipe(Effect.provide(Repeater.layer)))
})
