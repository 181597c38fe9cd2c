/**
 * Rate mode after a stall of the event loop: one run, for the latest tick that fell due, then
 * back on the grid; never a burst.
 */
import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Clock, type Context, Duration, Effect, Exit, Layer, Scope } from "effect"
import { TestClock } from "effect/testing"

/**
 * A clock on the TestClock whose sleeps that end while it is blocked end when it is unblocked,
 * as timers do when the event loop is blocked.
 */
const stallableClock = (base: Clock.Clock) => {
  let blockedUntil = -Infinity
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => base.currentTimeMillisUnsafe(),
    currentTimeMillis: base.currentTimeMillis,
    currentTimeNanosUnsafe: () => base.currentTimeNanosUnsafe(),
    currentTimeNanos: base.currentTimeNanos,
    monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: base.monotonicTimeNanos,
    sleep: (duration) =>
      Effect.andThen(
        base.sleep(duration),
        Effect.suspend(() => {
          const late = blockedUntil - base.currentTimeMillisUnsafe()
          return late > 0 ? base.sleep(Duration.millis(late)) : Effect.void
        })
      )
  }
  return {
    clock,
    /** The event loop is blocked for `millis` from now. */
    block: (millis: number) => {
      blockedUntil = base.currentTimeMillisUnsafe() + millis
    }
  }
}

describe("rate mode: one run after a stall, never a burst", () => {
  it.effect("every 100 ms, the event loop blocked for about a second: one run at 1 270, then 1 300 on the grid", () =>
    Effect.gen(function*() {
      const base = yield* Clock.clockWith(Effect.succeed)
      const { block, clock } = stallableClock(base)
      const scope = yield* Scope.make()
      const context: Context.Context<Repeater.Repeater> = yield* Layer.buildWithScope(Repeater.layer, scope).pipe(
        Effect.provideService(Clock.Clock, clock)
      )
      const starts: Array<number> = []
      const task = Effect.sync(() => void starts.push(base.currentTimeMillisUnsafe()))
      const handle = yield* Repeater.fork(task, { name: "rate", every: "100 millis", mode: "rate" }).pipe(
        Effect.provide(context),
        Scope.provide(scope),
        Effect.provideService(Clock.Clock, clock)
      )
      yield* TestClock.adjust(250)
      assert.deepStrictEqual(starts, [0, 100, 200])
      block(1_020) // until 1 270: the ticks of 300 to 1 200 fall due meanwhile
      yield* TestClock.adjust(1_350)
      assert.deepStrictEqual(starts, [0, 100, 200, 1_270, 1_300, 1_400, 1_500, 1_600])
      const status = yield* handle.status
      // the run of 1 270 stands for the tick of 1 200: the nine before it are skipped
      assert.strictEqual(status.skippedTicks, 9)
      yield* Scope.close(scope, Exit.void)
    }))
})
