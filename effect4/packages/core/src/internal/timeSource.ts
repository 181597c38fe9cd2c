import type { TimeSource } from "@effect-repeater/kernel/TimeSource"
import * as Clock from "effect/Clock"
import type * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/** The class of the Clock of Effect's default services. */
const liveClockClass = (): unknown => liveClock ??= Effect.runSync(Clock.clockWith(Effect.succeed)).constructor
let liveClock: unknown

/** @internal */
export const isLiveClock = (clock: Clock.Clock): boolean => clock.constructor === liveClockClass()

/**
 * The kernel's `TimeSource` on an Effect `Clock`, so that `TestClock` drives the kernel. Its timer
 * sleeps on the Clock in a fiber of the given context; on Effect's default Clock (whose time is
 * `Date.now()` and whose sleeps are `setTimeout`) it is set directly, without a fiber.
 *
 * @internal
 */
export const clockTimeSource = (context: Context.Context<never>, clock: Clock.Clock): TimeSource =>
  isLiveClock(clock) ? liveTimeSource() : effectClockTimeSource(context, clock)

/**
 * The time source of Effect's default Clock, read as that Clock reads it (`Date.now()`, and the monotonic
 * clock by `performance.now()`, which gives the milliseconds the dispatcher works in without a `bigint`), its
 * timer a `setTimeout`.
 */
const liveTimeSource = (): TimeSource => {
  const origin = performance.now()
  return {
    // (a `setTimeout` may wake up to a millisecond early by `performance.now()`: see the kernel's `TimeSource`)
    timerResolutionMillis: 1,
    wallMillis: () => Date.now(),
    monotonicMillis: () => performance.now() - origin,
    setTimer: (millis, callback) => {
      // eslint-disable-next-line no-restricted-syntax -- the kernel's time source: the dispatcher arms it in chunks of at most LongWait.MAX_TIMER_MILLIS
      const handle = setTimeout(callback, millis)
      return () => clearTimeout(handle)
    }
  }
}

/** The time source of any other Clock (`TestClock`): read from it, its timer a sleep on it in a fiber. */
const effectClockTimeSource = (context: Context.Context<never>, clock: Clock.Clock): TimeSource => {
  // the monotonic clock counted from here: its milliseconds then stay exact doubles
  const origin = clock.monotonicTimeNanosUnsafe()
  return {
    wallMillis: () => clock.currentTimeMillisUnsafe(),
    monotonicMillis: () => Number(clock.monotonicTimeNanosUnsafe() - origin) / 1_000_000,
    setTimer: (millis, callback) => {
      // Never complete inside this call: the kernel's timers never do. An Effect 4 fiber starts at
      // once, and a sleep of more than 0 ms suspends it at once; a zero-length one is a yield.
      const interrupt = Effect.runCallbackWith(context)(
        millis > 0 ? clock.sleep(Duration.millis(millis)) : Effect.yieldNow,
        {
          onExit: (exit) => {
            if (Exit.isSuccess(exit)) callback()
          }
        }
      )
      return () => interrupt()
    }
  }
}
