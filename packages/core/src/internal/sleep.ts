import * as LongWait from "@effect-repeater/kernel/LongWait"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * The longest single timer this package arms (the kernel's): well below the
 * 2^31 - 1 ms that JavaScript timers (and Effect 3's default Clock, which
 * treats longer sleeps as infinite) can represent. Longer waits are split.
 *
 * @internal
 */
export const MAX_TIMER_MILLIS = LongWait.MAX_TIMER_MILLIS

/**
 * `Effect.sleep` that also works for waits longer than 2^31 - 1 ms on the
 * default Clock: they are made of several shorter sleeps.
 *
 * @internal
 */
export const sleepMillis = (millis: number): Effect.Effect<void> =>
  millis <= MAX_TIMER_MILLIS ?
    Effect.sleep(Duration.millis(millis)) :
    Effect.zipRight(
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
 * `Effect.timeoutFail` for any finite duration (see `sleepMillis`).
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
    Effect.timeoutFail(effect, { duration, onTimeout }) :
    Effect.raceFirst(effect, Effect.zipRight(sleepMillis(millis), Effect.failSync(onTimeout)))
}
