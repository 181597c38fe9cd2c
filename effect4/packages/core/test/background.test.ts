import { Repeater } from "@effect-repeater/core"
import { RepeaterNotFoundError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Scope } from "effect"
import { TestClock } from "effect/testing"
import { assertPending } from "./support/stopTiming.js"
import { mark } from "./support/time.js"

describe("Repeater.background", () => {
  it.effect("runs while the layer lives and stops gracefully when it is released", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(mark(log, "start"), Effect.andThen(Effect.sleep("2 seconds"), mark(log, "end")))
      const layer = Repeater.background(task, { name: "bg", every: "10 seconds" })
      const scope = yield* Scope.make()
      yield* Layer.buildWithScope(layer, scope)
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(log, ["start@0", "end@2000", "start@12000", "end@14000", "start@24000"])
      const handle = yield* Repeater.get("bg")
      assert.strictEqual((yield* handle.status).state, "running")

      const release = yield* Effect.forkChild(Effect.andThen(Scope.close(scope, Exit.void), mark(log, "released")))
      yield* TestClock.adjust("999 millis")
      yield* assertPending(release)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(release)
      assert.deepStrictEqual(log, [
        "start@0",
        "end@2000",
        "start@12000",
        "end@14000",
        "start@24000",
        "end@26000",
        "released@26000"
      ])
      assert.strictEqual((yield* handle.status).state, "stopped")
      assert.deepStrictEqual(yield* Repeater.list, [])
      const notFound = yield* Effect.flip(Repeater.get("bg"))
      assert.instanceOf(notFound, RepeaterNotFoundError)

      yield* TestClock.adjust("1 minute")
      assert.strictEqual(log.length, 7)
    }).pipe(Effect.provide(Repeater.layer)))
})
