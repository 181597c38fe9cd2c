/**
 * Running a program of repeaters as a Node process: signals, graceful stop and
 * exit codes.
 *
 * @since 1.0.0
 */
import type { Repeater, RepeaterSettings } from "@effect-repeater/core/Repeater"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type { Teardown } from "effect/Runtime"
import * as internal from "./internal/runMain.js"

/**
 * The options of `runMain`, checked before anything starts by the rules of
 * core's `OptionCheck`: options that are not an object, an unknown key (with
 * the nearest known name), a wrong value (a `shutdownTimeout` below 1
 * millisecond, however written) fail the program with a
 * `NodeRepeaterConfigError` naming it.
 *
 * @since 1.0.0
 * @category models
 */
export interface RunMainOptions {
  /** Settings of the `Repeater` service that `runMain` provides (its `defaultGrace`...). */
  readonly repeater?: RepeaterSettings | undefined
  /**
   * After the first signal, the longest the graceful stop may take: then the
   * process exits at once with code 1. Default: no limit (each repeater's
   * `grace` already bounds its run in flight).
   */
  readonly shutdownTimeout?: Duration.Input | undefined
  /** Do not log the program's failure (as `NodeRuntime.runMain`). */
  readonly disableErrorReporting?: boolean | undefined
  /** Keep Effect's default logger instead of the pretty one (`Logger.consolePretty`). */
  readonly disablePrettyLogger?: boolean | undefined
  /** Chooses the exit code from the program's Exit (as `NodeRuntime.runMain`). */
  readonly teardown?: Teardown | undefined
}

/**
 * The exit code after a second SIGINT (130) or SIGTERM (143): 128 plus the
 * signal's number, the code a shell reports for a process that the signal
 * killed.
 *
 * @since 1.0.0
 * @category constants
 */
export const signalExitCodes: { readonly SIGINT: 130; readonly SIGTERM: 143 } = internal.signalExitCodes

/**
 * Runs a program (an Effect, or a Layer that is launched) as the main program
 * of a Node process, with a `Repeater` service provided, as
 * `NodeRuntime.runMain` does, and:
 *
 * - the first SIGTERM or SIGINT is logged and stops the program gracefully:
 *   the `Repeater` service stops every repeater (no new runs; a run in flight
 *   gets its `grace`, then is interrupted), every finalizer runs, and the
 *   process exits with code 0 (1 if the program failed; Effect 4's own
 *   `NodeRuntime.runMain` answers 130 for an interrupted program);
 * - a second SIGTERM or SIGINT exits at once with code 143 or 130 (with
 *   Effect 4's `NodeRuntime.runMain` alone, it only asks the program to stop
 *   again);
 * - `shutdownTimeout` bounds the graceful stop;
 * - a program that ends by itself exits with code 0, or 1 if it failed.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { NodeRepeater } from "@effect-repeater/node"
 * import { Effect } from "effect"
 *
 * const Cleanup = Repeater.background(
 *   Effect.log("removing expired tokens"),
 *   { name: "cleanup", every: "5 seconds", grace: "10 seconds" }
 * )
 *
 * NodeRepeater.runMain(Cleanup)
 * ```
 *
 * @since 1.0.0
 * @category running
 */
export const runMain: <ROut, E>(
  program: Effect.Effect<unknown, E, Repeater> | Layer.Layer<ROut, E, Repeater>,
  options?: RunMainOptions
) => void = internal.runMain
