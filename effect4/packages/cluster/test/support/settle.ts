/**
 * Effect 3's `TestClock.adjust` waited until every fiber had suspended;
 * Effect 4's waits for the fibers its sleeps wake (and what they schedule),
 * not for the steps a runner takes once it has started (its shards acquired,
 * the singleton forked, the repeater taking hold in SQL): these yields let
 * them run out before the test moves the clock.
 */
import * as Effect from "effect/Effect"

export const settle: Effect.Effect<void> = Effect.gen(function*() {
  for (let i = 0; i < 200; i++) yield* Effect.yieldNow
})
