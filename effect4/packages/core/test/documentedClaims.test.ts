/**
 * The claims of the README and docs/testing.md, checked as written.
 */
import { Repeater } from "@effect-repeater/core"
import type { RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { Transient } from "./support/errors.js"
import { poll } from "./support/probe.js"
import { now } from "./support/time.js"

describe("the documentation's claims", () => {
  it.effect("testing.md: TestClock.adjust(\"1 hour\") on every: \"5 seconds\" runs it 721 times, at 0, 5, ..., 3600 s", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      yield* Repeater.fork(
        Effect.flatMap(now, (t) => Effect.sync(() => void starts.push(t))),
        { name: "doc-721", every: "5 seconds" }
      )
      yield* TestClock.adjust("1 hour")
      assert.deepStrictEqual(starts, Array.from({ length: 721 }, (_, i) => i * 5_000))
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("testing.md: stop({ grace: \"1 second\" }) resolves interrupted after the run's finalizers, once the clock passes the grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.addFinalizer(() => Effect.flatMap(now, (t) => Effect.sync(() => void log.push(`finalizer@${t}`)))).pipe(
          Effect.andThen(Effect.sleep("1 minute"))
        ),
        { name: "doc-grace", every: "10 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      const stop = yield* Effect.forkChild(Effect.zip(handle.stop({ grace: "1 second" }), now))
      yield* TestClock.adjust("999 millis")
      assert.isTrue(Option.isNone(yield* poll(stop)))
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(stop), ["interrupted", 1_000])
      assert.deepStrictEqual(log, ["finalizer@1000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("testing.md: with onError: \"stop\", Effect.flip(handle.join) gives the run's error", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(
        Effect.fail(new Transient({ attempt: 1 })),
        { name: "doc-flip", every: "1 second", onError: "stop" }
      )
      yield* TestClock.adjust("0 millis")
      const error = yield* Effect.flip(handle.join)
      assert.deepStrictEqual(error, new Transient({ attempt: 1 }))
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("README: the RepeaterConfigError message of every: \"-5 seconds\" reads as documented", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Repeater.fork(Effect.void, { name: "cleanup", every: "-5 seconds" }))
      assert.strictEqual(
        error.message,
        "Invalid option \"every\" of repeater \"cleanup\": \"-5 seconds\" is not a valid duration: it must be finite and greater than zero"
      )
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("README: the opening example (fork, log the status, join) runs until its Scope is closed from outside", () =>
    Effect.gen(function*() {
      const logged: Array<RepeaterStatus> = []
      const program = Effect.gen(function*() {
        const cleanup = yield* Repeater.fork(
          Effect.log("removing expired tokens"),
          { name: "token-cleanup", every: "1 hour", timeout: "5 minutes" }
        )
        logged.push(yield* cleanup.status)
        yield* cleanup.join
      })
      const fiber = yield* Effect.forkChild(program.pipe(Effect.scoped, Effect.provide(Repeater.layer)))
      yield* TestClock.adjust("3 hours")
      // join only returns when the repeater ends: the program's own Scope never closes by itself
      assert.isTrue(Option.isNone(yield* poll(fiber)))
      assert.strictEqual(logged.length, 1)
      assert.strictEqual(logged[0]?.state, "scheduled")
      yield* Fiber.interrupt(fiber)
    }))
})
