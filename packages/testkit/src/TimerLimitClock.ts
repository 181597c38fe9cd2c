/**
 * A `TestClock` that keeps the limit of a JavaScript timer.
 *
 * Effect 3's default Clock treats a sleep longer than 2^31 - 1 ms (about 24.9
 * days) as infinite: it never fires. `TestClock` has no such limit, so a test
 * of a long wait on `TestClock` alone would pass even where the default Clock
 * would hang. Behind this Clock, such a sleep never ends, as on the default
 * Clock, while time and shorter sleeps stay those of the `TestClock`.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as TestClock from "effect/TestClock"

/**
 * The longest delay a JavaScript timer can hold, in milliseconds: 2^31 - 1.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_TIMER_MILLIS = 2 ** 31 - 1

/**
 * TestClock's time and sleeps, except that a sleep longer than 2^31 - 1 ms never ends, as on the default Clock.
 *
 * @example
 * ```ts
 * import { TimerLimitClock } from "@effect-repeater/testkit"
 * import { Effect, TestClock } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const testClock = yield* TestClock.testClockWith(Effect.succeed)
 *   yield* Effect.sleep("30 days").pipe(Effect.withClock(TimerLimitClock.withTimerLimit(testClock)))
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const withTimerLimit = (clock: TestClock.TestClock): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => clock.unsafeCurrentTimeMillis(),
  unsafeCurrentTimeNanos: () => clock.unsafeCurrentTimeNanos(),
  currentTimeMillis: clock.currentTimeMillis,
  currentTimeNanos: clock.currentTimeNanos,
  sleep: (duration) => Duration.toMillis(duration) > MAX_TIMER_MILLIS ? Effect.never : clock.sleep(duration)
})
