/**
 * Rate mode after a stall of the event loop: one run, for the latest tick that fell due, then
 * back on the grid; never a burst.
 */
import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Clock, type Context, Duration, Effect, Layer, Scope, TestClock } from "effect"

/**
 * A clock on the TestClock whose sleeps that end while it is blocked end when it is unblocked,
 * as timers do when the event loop is blocked.
 */
const stallableClock = (base: Clock.Clock) => {
  let blockedUntil = -Infinity
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => base.unsafeCurrentTimeMillis(),
    currentTimeMillis: base.currentTimeMillis,
    unsafeCurrentTimeNanos: () => base.unsafeCurrentTimeNanos(),
    currentTimeNanos: base.currentTimeNanos,
    sleep: (duration) =>
      Effect.zipRight(
        base.sleep(duration),
        Effect.suspend(() => {
          const late = blockedUntil - base.unsafeCurrentTimeMillis()
          return late > 0 ? base.sleep(Duration.millis(late)) : Effect.void
        })
      )
  }
  return {
    clock,
    /** The event loop is blocked for `millis` from now. */
    block: (millis: number) => {
      blockedUntil = base.unsafeCurrentTimeMillis() + millis
    }
  }
}

describe("rate mode: one run after a stall, never a burst", () => {
  it.scoped("every 100 ms, the event loop blocked for about a second: one run at 1 270, then 1 300 on the grid", () =>
    Effect.gen(function*() {
      const base = yield* Effect.clock
      const { block, clock } = stallableClock(base)
      const scope = yield* Effect.scope
      const context: Context.Context<Repeater.Repeater> = yield* Layer.buildWithScope(Repeater.layer, scope).pipe(
        Effect.withClock(clock)
      )
      const starts: Array<number> = []
      const task = Effect.sync(() => void starts.push(base.unsafeCurrentTimeMillis()))
      const handle = yield* Repeater.fork(task, { name: "rate", every: "100 millis", mode: "rate" }).pipe(
        Effect.provide(context),
        Scope.extend(scope),
        Effect.withClock(clock)
      )
      yield* TestClock.adjust(250)
      assert.deepStrictEqual(starts, [0, 100, 200])
      block(1_020) // until 1 270: the ticks of 300 to 1 200 fall due meanwhile
      yield* TestClock.adjust(1_350)
      assert.deepStrictEqual(starts, [0, 100, 200, 1_270, 1_300, 1_400, 1_500, 1_600])
      const status = yield* handle.status
      // the run of 1 270 stands for the tick of 1 200: the nine before it are skipped
      assert.strictEqual(status.skippedTicks, 9)
    }))
})
