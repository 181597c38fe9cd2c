import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import { TokenCleanup, TokenStore } from "../src/TokenStore.js"

// The repeater, its store and the Repeater service, built fresh for each test.
const TestLayer = TokenCleanup.pipe(
  Layer.provideMerge(TokenStore.layer),
  Layer.provideMerge(Repeater.layer)
)

describe("token cleanup", () => {
  it.scoped("removes a token at the first run after it expired", () =>
    Effect.gen(function*() {
      const store = yield* TokenStore
      yield* store.add("short", 3_000) // expires at 3 s
      yield* store.add("long", 60_000) // expires at 60 s

      // Runs are at 0, 5, 10, ... s of virtual time: at 4.999 s nothing has run since 0.
      yield* TestClock.adjust("4999 millis")
      assert.deepStrictEqual((yield* store.live).map((token) => token.id), ["short", "long"])

      // The run at 5 s removes the expired token.
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual((yield* store.live).map((token) => token.id), ["long"])

      const cleanup = yield* Repeater.get("token-cleanup")
      const status = yield* cleanup.status
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(status.failures, 0)
    }).pipe(Effect.provide(TestLayer)))

  it.scoped("can be triggered at once with runNow", () =>
    Effect.gen(function*() {
      const store = yield* TokenStore
      yield* store.add("short", 1_000)
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual((yield* store.live).length, 1)

      const cleanup = yield* Repeater.get("token-cleanup")
      yield* cleanup.runNow
      yield* TestClock.adjust("0 millis") // let the run's fiber start
      assert.strictEqual((yield* store.live).length, 0)
    }).pipe(Effect.provide(TestLayer)))
})
