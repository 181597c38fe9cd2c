import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schedule } from "effect"
import { eventually } from "./support/eventually.js"

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
