import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"

describe("smoke", () => {
  it.effect("delay mode runs at 0, 10, 20 s", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const task = Effect.clockWith((clock) => Effect.sync(() => starts.push(clock.currentTimeMillisUnsafe())))
      const handle = yield* Repeater.fork(task, { name: "a", every: "10 seconds" })
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])
      const status = yield* handle.status
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})
