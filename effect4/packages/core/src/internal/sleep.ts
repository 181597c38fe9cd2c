import * as LongWait from "@effect-repeater/kernel/LongWait"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * The longest single sleep the core asks of the Clock (the kernel's timer limit, as its dispatcher
 * arms): Effect 4's default Clock splits longer sleeps itself, but a Clock of the application's may
 * hold the JavaScript timers' 2^31 - 1 ms, so that a timeout or a grace of 30 days is made of several
 * shorter sleeps here.
 */
const MAX_TIMER_MILLIS = LongWait.MAX_TIMER_MILLIS

/**
 * `Effect.sleep` of any finite length, as sleeps of at most `MAX_TIMER_MILLIS`.
 *
 * @internal
 */
export const sleepMillis = (millis: number): Effect.Effect<void> =>
  millis <= MAX_TIMER_MILLIS ?
    Effect.sleep(Duration.millis(millis)) :
    Effect.andThen(
      Effect.sleep(Duration.millis(MAX_TIMER_MILLIS)),
      Effect.suspend(() => sleepMillis(millis - MAX_TIMER_MILLIS))
    )

/**
 * `Effect.timeoutOption` for any finite duration (see `sleepMillis`).
 *
 * @internal
 */
export const timeoutOption = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  duration: Duration.Duration
): Effect.Effect<Option.Option<A>, E, R> => {
  const millis = Duration.toMillis(duration)
  return millis <= MAX_TIMER_MILLIS ?
    Effect.timeoutOption(effect, duration) :
    Effect.raceFirst(Effect.asSome(effect), Effect.as(sleepMillis(millis), Option.none()))
}

/**
 * `Effect.timeoutOrElse` failing with `onTimeout()`, for any finite duration (see `sleepMillis`).
 *
 * @internal
 */
export const timeoutFail = <A, E, R, E1>(
  effect: Effect.Effect<A, E, R>,
  duration: Duration.Duration,
  onTimeout: () => E1
): Effect.Effect<A, E | E1, R> => {
  const millis = Duration.toMillis(duration)
  return millis <= MAX_TIMER_MILLIS ?
    Effect.timeoutOrElse(effect, { duration, orElse: () => Effect.fail(onTimeout()) }) :
    Effect.raceFirst(effect, Effect.andThen(sleepMillis(millis), Effect.failSync(onTimeout)))
}
