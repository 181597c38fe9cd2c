import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, ManagedRuntime, Scope } from "effect"
import { TestClock } from "effect/testing"
import { collectGarbage } from "./support/garbage.js"
import { countTimeouts } from "./support/timers.js"

describe("the dispatcher's timer on Effect's default Clock", () => {
  it("is one timer for all waiting repeaters, kept while one still waits, gone once the last one stopped", async () => {
    const runtime = ManagedRuntime.make(Repeater.layer)
    try {
      const before = countTimeouts()
      const counts = await runtime.runPromise(Effect.gen(function*() {
        const scope = yield* Scope.make()
        const hourly = yield* Repeater.fork(Effect.void, { name: "hourly", every: "1 hour", waitFirst: true }).pipe(
          Scope.provide(scope)
        )
        yield* Repeater.fork(Effect.void, { name: "daily", every: "1 day", waitFirst: true }).pipe(Scope.provide(scope))
        const bothWaiting = countTimeouts()
        yield* hourly.stop()
        const oneWaiting = countTimeouts()
        const daily = yield* Repeater.get("daily").pipe(Effect.flatMap((handle) => handle.status))
        yield* Scope.close(scope, Exit.void)
        return { bothWaiting, oneWaiting, dailyState: daily.state, listed: (yield* Repeater.list).length }
      }))
      assert.deepStrictEqual(counts, {
        bothWaiting: before + 1,
        oneWaiting: before + 1,
        dailyState: "scheduled",
        listed: 0
      })
      assert.strictEqual(countTimeouts(), before, "no timer left once every repeater stopped")
    } finally {
      await runtime.dispose()
    }
  })
})

describe("stops, scopes and memory: memory", () => {
  it.effect("a repeater that completed in a long-lived Scope can be garbage-collected while the Scope stays open", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const refs: Array<WeakRef<object>> = []
      for (let i = 0; i < 20; i++) {
        // no local variable keeps the handle
        refs.push(
          yield* Repeater.fork(Effect.void, { name: `once-${i}`, every: "1 second", maxRepetitions: 1 }).pipe(
            Scope.provide(scope),
            Effect.map((handle) => new WeakRef<object>(handle))
          )
        )
      }
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* Repeater.list, [])
      // let every fiber that touched the repeaters end, then collect
      for (let i = 0; i < 10; i++) yield* Effect.yieldNow
      collectGarbage()
      const alive = refs.filter((ref) => ref.deref() !== undefined).length
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(alive, 0)
    }).pipe(Effect.provide(Repeater.layer)))
})
