import { Repeater } from "@effect-repeater/core"
import { RepeaterNotFoundError } from "@effect-repeater/core/RepeaterError"
import type { RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { TestClock } from "effect/testing"

describe("get and list", () => {
  it.effect("get returns the handle by name, or fails with RepeaterNotFoundError; list gives every status", () =>
    Effect.gen(function*() {
      const task = Effect.sleep("1 second")
      const a = yield* Repeater.fork(task, { name: "a", every: "10 seconds" })
      const b = yield* Repeater.fork(task, { name: "b", every: "5 seconds" })
      yield* TestClock.adjust("500 millis")
      const byName = (statuses: ReadonlyArray<RepeaterStatus>) =>
        [...statuses].sort((x, y) => x.name.localeCompare(y.name))

      const running = byName(yield* Repeater.list)
      assert.deepStrictEqual(running.map((s) => [s.name, s.state, s.inFlight, s.runs]), [
        ["a", "running", true, 0],
        ["b", "running", true, 0]
      ])

      yield* TestClock.adjust("1500 millis")
      const idle = byName(yield* Repeater.list)
      assert.deepStrictEqual(idle, [yield* a.status, yield* b.status])
      assert.deepStrictEqual(
        idle.map((s) => [s.name, s.state, s.runs, Option.map(s.nextRun, DateTime.toEpochMillis)]),
        [["a", "scheduled", 1, Option.some(11_000)], ["b", "scheduled", 1, Option.some(6_000)]]
      )

      const gotA = yield* Repeater.get("a")
      assert.strictEqual(gotA.name, "a")
      assert.deepStrictEqual(yield* gotA.status, yield* a.status)
      assert.strictEqual(yield* gotA.stop(), "idle")
      assert.strictEqual((yield* a.status).state, "stopped")

      const missing = yield* Effect.flip(Repeater.get("a"))
      assert.instanceOf(missing, RepeaterNotFoundError)
      assert.strictEqual(missing._tag, "RepeaterNotFoundError")
      assert.strictEqual(missing.repeater, "a")
      const unknown = yield* Effect.flip(Repeater.get("nobody"))
      assert.strictEqual(unknown.repeater, "nobody")
      // the name asked for does not overwrite Error's name
      assert.strictEqual(unknown.name, "RepeaterNotFoundError")
      assert.strictEqual(unknown.message, "No repeater named \"nobody\"")
      assert.strictEqual(String(unknown), "RepeaterNotFoundError: No repeater named \"nobody\"")

      assert.deepStrictEqual((yield* Repeater.list).map((s) => s.name), ["b"])
      assert.strictEqual(yield* b.stop(), "idle")
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))
})
