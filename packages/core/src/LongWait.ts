/**
 * Sleeps, timeouts and timers of any length. JavaScript timers fire at once
 * above 2^31 - 1 ms (about 24.8 days) and Effect 3's default Clock treats such
 * sleeps as infinite; these split longer waits into shorter ones, and work
 * under `TestClock` too. Every wait on a duration a user gives goes through
 * them.
 *
 * @since 0.1.0
 */
import * as KernelLongWait from "@effect-repeater/kernel/LongWait"
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Option from "effect/Option"
import * as internal from "./internal/sleep.js"

/**
 * `Effect.sleep` for a duration of any length.
 *
 * @since 0.1.0
 * @category waiting
 */
export const sleep = (duration: Duration.DurationInput): Effect.Effect<void> =>
  internal.sleepMillis(Duration.toMillis(Duration.decode(duration)))

/**
 * `Effect.timeoutOption` for a finite duration of any length.
 *
 * @since 0.1.0
 * @category waiting
 */
export const timeoutOption: {
  (duration: Duration.DurationInput): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<Option.Option<A>, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, duration: Duration.DurationInput): Effect.Effect<Option.Option<A>, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, duration: Duration.DurationInput): Effect.Effect<Option.Option<A>, E, R> =>
    internal.timeoutOption(self, Duration.decode(duration))
)

/**
 * `Effect.timeoutFail` for a finite duration of any length.
 *
 * @since 0.1.0
 * @category waiting
 */
export const timeoutFail: {
  <E1>(
    options: { readonly duration: Duration.DurationInput; readonly onTimeout: () => E1 }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | E1, R>
  <A, E, R, E1>(
    self: Effect.Effect<A, E, R>,
    options: { readonly duration: Duration.DurationInput; readonly onTimeout: () => E1 }
  ): Effect.Effect<A, E | E1, R>
} = dual(
  2,
  <A, E, R, E1>(
    self: Effect.Effect<A, E, R>,
    options: { readonly duration: Duration.DurationInput; readonly onTimeout: () => E1 }
  ): Effect.Effect<A, E | E1, R> => internal.timeoutFail(self, Duration.decode(options.duration), options.onTimeout)
)

/**
 * A raw timer, outside Effect, for a duration of any length: calls `callback`
 * after `duration`, with `setTimeout`s of at most 2^30 ms. `unref`: the timer
 * does not keep the process alive. Returns its cancel.
 *
 * @since 0.1.0
 * @category timers
 */
export const setTimer = (
  duration: Duration.DurationInput,
  callback: () => void,
  options?: { readonly unref?: boolean | undefined }
): () => void =>
  KernelLongWait.setTimer(
    (millis, fire) => {
      const timer = setTimeout(fire, millis)
      if (options?.unref === true) timer.unref()
      return () => clearTimeout(timer)
    },
    Duration.toMillis(Duration.decode(duration)),
    callback
  )
