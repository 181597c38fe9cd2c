import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"

describe("status.lastFailure", () => {
  it.effect("shows the error's cause chain, such as a driver error wrapped by a library error", () =>
    Effect.gen(function*() {
      const driverError = new Error("no such table: tokens")
      const handle = yield* Repeater.fork(
        Effect.fail(new Error("Failed to execute statement", { cause: driverError })),
        { name: "cleanup", every: "1 minute" }
      )
      yield* TestClock.adjust("0 millis")
      const status = yield* handle.status
      assert.strictEqual(status.failures, 1)
      const lastFailure = Option.getOrThrow(status.lastFailure)
      assert.isTrue(lastFailure.startsWith("Error: Failed to execute statement"))
      assert.include(lastFailure, "[cause]: Error: no such table: tokens")
    }).pipe(Effect.provide(Repeater.layer)))
})
