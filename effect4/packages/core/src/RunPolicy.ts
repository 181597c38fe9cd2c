/**
 * How a repeater's run is run, whatever decides when it runs: its timeout (of
 * any length), its retries, each attempt in a Scope of its own. One policy, so
 * that every package built on core (the cluster's repeaters too) runs a run the
 * same way.
 *
 * @since 1.0.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"
import * as config from "./internal/config.js"
import * as internal from "./internal/runPolicy.js"
import type { RepeaterOptions } from "./Repeater.js"
import type { RepeaterConfigError, RepeaterTimeoutError } from "./RepeaterError.js"

/**
 * The run policy of a repeater: its `retry` schedule and its `timeout`, as
 * its options gave them (the timeout decoded).
 *
 * @since 1.0.0
 * @category models
 */
export interface RunPolicy<E> {
  readonly retry: Schedule.Schedule<unknown, E | RepeaterTimeoutError> | undefined
  readonly timeout: Duration.Duration | undefined
}

/**
 * The task of run `run` of the repeater `name` with the policy's timeout and
 * retries. The timeout may be of any length (Effect 4's Clock makes a wait
 * longer than one JavaScript timer of shorter ones). With a timeout or retries, each attempt
 * has a Scope of its own; with neither, the task is returned as it is.
 *
 * @since 1.0.0
 * @category combinators
 */
export const attempt: <A, E, R>(
  task: Effect.Effect<A, E, R>,
  policy: RunPolicy<E>,
  name: string,
  run: number
) => Effect.Effect<A, E | RepeaterTimeoutError, R> = internal.attempt

/**
 * The time zone of a cron repeater given no `timeZone`: the process's named
 * local zone (never a fixed offset), `"UTC"` when it has none.
 *
 * @since 1.0.0
 * @category time zones
 */
export const localTimeZone: () => string = config.localTimeZone

/**
 * Checks a repeater's options as `Repeater.validate` does (failing with the
 * same `RepeaterConfigError`) and returns the run policy `Repeater.fork`
 * gives its runs: for code that runs the runs itself.
 *
 * @example
 * ```ts
 * import { RunPolicy } from "@effect-repeater/core"
 * import { Effect, Schedule } from "effect"
 *
 * const task = Effect.log("sync")
 * const program = Effect.gen(function*() {
 *   const policy = yield* RunPolicy.decode({
 *     name: "sync",
 *     every: "1 minute",
 *     timeout: "30 seconds",
 *     retry: Schedule.recurs(2)
 *   })
 *   yield* RunPolicy.attempt(task, policy, "sync", 1)
 * })
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const decode: <E>(options: RepeaterOptions<E>) => Effect.Effect<RunPolicy<E>, RepeaterConfigError> =
  internal.decode
