/**
 * The typed errors of the `Repeater` service.
 *
 * @since 1.0.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import { formatValue } from "./internal/format.js"

/**
 * Invalid repeater options, reported when the repeater is constructed (never
 * at its first tick). It names the option and the value that was given.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * const program = Repeater.fork(Effect.void, { name: "bad", every: "-5 seconds" }).pipe(
 *   Effect.catchTag("RepeaterConfigError", (error) => Effect.logError(error.message))
 * )
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class RepeaterConfigError extends Data.TaggedError("RepeaterConfigError")<{
  /** The repeater's name, when it is known. */
  readonly repeater: string | undefined
  /** The option that is wrong, for example `"every"`. */
  readonly field: string
  /** The value that was given. */
  readonly value: unknown
  /** What is wrong with it. */
  readonly reason: string
}> {
  override get message(): string {
    const where = this.repeater === undefined ? "" : ` of repeater "${this.repeater}"`
    return `Invalid option "${this.field}"${where}: ${formatValue(this.value)} ${this.reason}`
  }
}

/**
 * No repeater with that name is running in this `Repeater` service.
 * `repeater` is the name that was asked for (`name` stays the error's class
 * name, as for every `Error`).
 *
 * @example
 * ```ts
 * import { RepeaterError } from "@effect-repeater/core"
 *
 * const error = new RepeaterError.RepeaterNotFoundError({ repeater: "nightly" })
 * String(error) // 'RepeaterNotFoundError: No repeater named "nightly"'
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class RepeaterNotFoundError extends Data.TaggedError("RepeaterNotFoundError")<{
  /** The name that was asked for. */
  readonly repeater: string
}> {
  override get message(): string {
    return `No repeater named "${this.repeater}"`
  }
}

/**
 * A run (or one retry attempt of it) took longer than the repeater's
 * `timeout`: it was interrupted and counts as a failure.
 *
 * @since 1.0.0
 * @category errors
 */
export class RepeaterTimeoutError extends Data.TaggedError("RepeaterTimeoutError")<{
  readonly repeater: string
  readonly run: number
  readonly timeout: Duration.Duration
}> {
  override get message(): string {
    return `Run ${this.run} of repeater "${this.repeater}" timed out after ${Duration.format(this.timeout)}`
  }
}

/**
 * The repeater's `schedule` failed to take a step (its step threw, died or
 * failed): the repeater ends as failed with this error, which `join` fails
 * with and the `Failed` event and the status report. `cause` is what the step
 * threw.
 *
 * @example
 * ```ts
 * import { RepeaterError } from "@effect-repeater/core"
 *
 * const error = new RepeaterError.RepeaterScheduleError({ repeater: "sync", cause: new Error("boom") })
 * String(error) // 'RepeaterScheduleError: The schedule of repeater "sync" failed: boom'
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class RepeaterScheduleError extends Data.TaggedError("RepeaterScheduleError")<{
  readonly repeater: string
  readonly cause: unknown
}> {
  override get message(): string {
    const reason = this.cause instanceof Error ? this.cause.message : formatValue(this.cause)
    return `The schedule of repeater "${this.repeater}" failed: ${reason}`
  }
}
