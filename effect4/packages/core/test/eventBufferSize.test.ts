import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import { untyped } from "./support/untyped.js"

describe("eventBufferSize", () => {
  for (const value of [0, -1, 1.5, 65537, 1e8, 2 ** 32, Number.NaN, null, "10"]) {
    it.effect(`${String(value)} fails the Layer with a RepeaterConfigError naming it`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Layer.launch(Repeater.layerWith(untyped<Repeater.RepeaterSettings>({ eventBufferSize: value })))
        )
        assert.strictEqual(error._tag, "RepeaterConfigError")
        assert.strictEqual(error.field, "eventBufferSize")
        assert.deepStrictEqual(error.value, value)
        assert.include(error.reason, "from 1 to 65536")
      }))
  }

  it.effect("the largest size builds at once and buffers nothing until someone subscribes", () =>
    Effect.gen(function*() {
      const heapBefore = process.memoryUsage().heapUsed
      const services = yield* Effect.forEach(
        Array.from({ length: 50 }),
        () => Repeater.make({ eventBufferSize: 65536 })
      )
      // a buffer of 65536 slots allocated up front would take about 1 MB per service
      assert.isBelow(process.memoryUsage().heapUsed - heapBefore, 20 * 1024 * 1024)
      const service = services[0]!
      const events = yield* Effect.forkChild(Stream.runCollect(Stream.take(service.events, 2)))
      yield* TestClock.adjust("1 millis")
      yield* service.fork(Effect.void, { name: "a", every: "1 second", maxRepetitions: 1 })
      yield* TestClock.adjust("1 second")
      const received = yield* Fiber.join(events)
      assert.deepStrictEqual(Array.from(received, (event) => event._tag), ["RunStarted", "RunSucceeded"])
    }).pipe(Effect.scoped))
})
