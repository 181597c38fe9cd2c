/**
 * No timer outlives the repeaters: once every repeater of a service has ended, the service's dispatcher has
 * nothing armed, so a process whose repeaters all stopped can exit while the service lives on. On Effect's
 * default Clock (real timers, nothing fires: the repeaters wait an hour); `TestClock` keeps interrupted sleeps
 * in its list, so it cannot show this.
 */
import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, ManagedRuntime, Scope } from "effect"

const countTimeouts = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length

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
