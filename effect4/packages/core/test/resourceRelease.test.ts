import { Repeater } from "@effect-repeater/core"
import type { RepeaterHandle } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, ManagedRuntime, Scope } from "effect"
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

describe("resource release: ended repeaters", () => {
  it.effect("60 repeaters that complete, fail or are stopped leave nothing in list, and all their names are free", () =>
    Effect.gen(function*() {
      const names = Array.from({ length: 60 }, (_, i) => `job-${i}`)
      const handles: Array<RepeaterHandle<string>> = []
      for (const [i, name] of names.entries()) {
        handles.push(
          yield* Repeater.fork(
            i % 3 === 1 ? Effect.fail(`failure ${i}`) : Effect.void,
            i % 3 === 0 ?
              { name, every: Duration.millis(100 + i), maxRepetitions: 3 } :
              i % 3 === 1 ?
              { name, every: Duration.millis(100 + i), onError: "stop" } :
              { name, every: Duration.millis(100 + i) }
          )
        )
      }
      yield* TestClock.adjust("1 second")
      yield* Effect.forEach(handles, (handle, i) => i % 3 === 2 ? handle.stop() : Effect.void)
      assert.deepStrictEqual(yield* Repeater.list, [])
      const states = yield* Effect.forEach(handles, (handle) => Effect.map(handle.status, (status) => status.state))
      assert.deepStrictEqual(
        states,
        names.map((_, i) => i % 3 === 0 ? "completed" : i % 3 === 1 ? "failed" : "stopped")
      )
      for (const name of names) {
        assert.isTrue(Exit.isSuccess(yield* Effect.exit(Repeater.fork(Effect.void, { name, every: "1 hour" }))))
      }
      assert.strictEqual((yield* Repeater.list).length, 60)
    }).pipe(Effect.provide(Repeater.layer)))
})
