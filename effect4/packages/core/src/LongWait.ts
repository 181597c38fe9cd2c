/**
 * Sleeps, timeouts and timers of any length. JavaScript timers fire at once
 * above 2^31 - 1 ms (about 24.8 days); Effect 4's Clock already splits such
 * sleeps, and `setTimer` does the same for a raw timer. The same module as
 * in the Effect 3 line, so that code using it moves over unchanged.
 *
 * @since 1.0.0
 */
import * as KernelLongWait from "@effect-repeater/kernel/LongWait"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Option from "effect/Option"

/**
 * `Effect.sleep` for a duration of any length.
 *
 * @example
 * ```ts
 * import { LongWait } from "@effect-repeater/core"
 *
 * const aMonth = LongWait.sleep("30 days")
 * ```
 *
 * @since 1.0.0
 * @category waiting
 */
export const sleep = (duration: Duration.Input): Effect.Effect<void> => Effect.sleep(duration)

/**
 * `Effect.timeoutOption` for a finite duration of any length.
 *
 * @since 1.0.0
 * @category waiting
 */
export const timeoutOption: {
  (duration: Duration.Input): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<Option.Option<A>, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, duration: Duration.Input): Effect.Effect<Option.Option<A>, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, duration: Duration.Input): Effect.Effect<Option.Option<A>, E, R> =>
    Effect.timeoutOption(self, duration)
)

/**
 * `Effect.timeoutFail` of Effect 3 for a finite duration of any length: fails
 * with `onTimeout()` when `self` takes longer than `duration`.
 *
 * @since 1.0.0
 * @category waiting
 */
export const timeoutFail: {
  <E1>(
    options: { readonly duration: Duration.Input; readonly onTimeout: () => E1 }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | E1, R>
  <A, E, R, E1>(
    self: Effect.Effect<A, E, R>,
    options: { readonly duration: Duration.Input; readonly onTimeout: () => E1 }
  ): Effect.Effect<A, E | E1, R>
} = dual(
  2,
  <A, E, R, E1>(
    self: Effect.Effect<A, E, R>,
    options: { readonly duration: Duration.Input; readonly onTimeout: () => E1 }
  ): Effect.Effect<A, E | E1, R> =>
    Effect.timeoutOrElse(self, { duration: options.duration, orElse: () => Effect.failSync(options.onTimeout) })
)

/**
 * A raw timer, outside Effect, for a duration of any length: calls `callback`
 * after `duration`, with `setTimeout`s of at most 2^30 ms. `unref`: the timer
 * does not keep the process alive. Returns its cancel.
 *
 * @since 1.0.0
 * @category timers
 */
export const setTimer = (
  duration: Duration.Input,
  callback: () => void,
  options?: { readonly unref?: boolean | undefined }
): () => void =>
  KernelLongWait.setTimer(
    (millis, fire) => {
      const timer = setTimeout(fire, millis)
      if (options?.unref === true) timer.unref()
      return () => clearTimeout(timer)
    },
    Duration.toMillis(Duration.fromInputUnsafe(duration)),
    callback
  )
