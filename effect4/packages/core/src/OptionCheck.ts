/**
 * The rules every package of effect-repeater applies to the options it is
 * given, in one place: an options object must be an object, every key must
 * be known (a misspelt one is reported with the nearest known name), and
 * every duration, whichever way it is written (milliseconds, a string, a
 * `Duration`, `[seconds, nanos]`, a bigint of nanoseconds, a
 * `{ seconds, millis, … }` object), is held to the
 * same minimum and maximum.
 *
 * Each package wraps what these functions report into its own typed error.
 *
 * @since 1.0.0
 */
import type * as Duration from "effect/Duration"
import type * as Result from "effect/Result"
import * as internal from "./internal/optionCheck.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * What is wrong with one option: its name (`"timings.lockRefresh"` for a
 * nested one), the value as given, and why.
 *
 * @since 1.0.0
 * @category models
 */
export interface OptionProblem {
  readonly field: string
  readonly value: unknown
  readonly reason: string
}

/**
 * The keys an options object may have.
 *
 * @since 1.0.0
 * @category models
 */
export interface KeysSpec {
  /** Every key the options may have. */
  readonly known: ReadonlyArray<string>
  /** What the options belong to, for the message: `"Repeater.fork"`. */
  readonly of: string
  /** The name of the options object, when it is not an object; default `"options"`. */
  readonly field?: string | undefined
  /** What the names of its keys are prefixed with, for a nested object: `"timings."`. Default: none. */
  readonly prefix?: string | undefined
  /** Whether the whole object may be left out (`undefined`). Default: false. */
  readonly optional?: boolean | undefined
}

/**
 * Why a value is not an accepted duration.
 *
 * @since 1.0.0
 * @category models
 */
export interface DurationProblem {
  readonly _tag: "Unreadable" | "NotADuration" | "Negative" | "Zero" | "Infinite" | "TooShort" | "TooLong"
  /** What is wrong, to follow the field and value in a message. */
  readonly reason: string
}

/**
 * The range of one duration option: the minimum is always
 * `minimumDuration`; zero may be allowed besides.
 *
 * @since 1.0.0
 * @category models
 */
export interface DurationBounds {
  /** Whether 0 is accepted (a delay, a grace period). Default: false. */
  readonly zero?: boolean | undefined
  /** The longest accepted. Default: `maximumDuration`. */
  readonly max?: Duration.Duration | undefined
}

// -----------------------------------------------------------------------------
// constants
// -----------------------------------------------------------------------------

/**
 * The shortest duration any option accepts (besides 0 where 0 is allowed):
 * 1 millisecond, the resolution of the timers that wait for it. It holds
 * however the duration is written: `"1 nanos"`, `1e-6` and
 * `Duration.nanos(1n)` are all refused.
 *
 * @since 1.0.0
 * @category constants
 */
export const minimumDuration: Duration.Duration = internal.minimumDuration

/**
 * The longest duration any option accepts, unless the option sets a shorter
 * one: 1e15 milliseconds (about 31,700 years), so that due times stay well
 * inside the range of `Date`.
 *
 * @since 1.0.0
 * @category constants
 */
export const maximumDuration: Duration.Duration = internal.maximumDuration

// -----------------------------------------------------------------------------
// checks
// -----------------------------------------------------------------------------

/**
 * The known name nearest to `key`, when it is near enough to be what was
 * meant (case aside, a third of its letters wrong at most, or two).
 *
 * @example
 * ```ts
 * import { OptionCheck } from "@effect-repeater/core"
 *
 * OptionCheck.nearestName("timout", ["timeout", "grace"]) // "timeout"
 * OptionCheck.nearestName("colour", ["timeout", "grace"]) // undefined
 * ```
 *
 * @since 1.0.0
 * @category checks
 */
export const nearestName: (key: string, known: ReadonlyArray<string>) => string | undefined = internal.nearestName

/**
 * Checks that `options` is an object (`null`, arrays and other values are
 * not; `undefined` only when `optional`) whose keys are all known: the first
 * problem found, or `undefined`. An unknown key is reported with the nearest
 * known name ("did you mean …?"), or with the list of known names.
 *
 * @example
 * ```ts
 * import { OptionCheck } from "@effect-repeater/core"
 *
 * const problem = OptionCheck.checkKeys({ timout: 5 }, { known: ["timeout"], of: "myFunction" })
 * // { field: "timout", value: 5, reason: 'is not an option of myFunction: did you mean "timeout"?' }
 * ```
 *
 * @since 1.0.0
 * @category checks
 */
export const checkKeys: (options: unknown, spec: KeysSpec) => OptionProblem | undefined = internal.checkKeys

/**
 * Decodes a duration option strictly, with one rule for every way to write
 * it: finite, not negative, 0 only where `bounds.zero` allows it, otherwise
 * at least `minimumDuration` and at most `bounds.max` (`maximumDuration` by
 * default). A string Effect cannot read is reported with the spelling it
 * reads (`"5 secs"`: try `"5 seconds"`).
 *
 * @example
 * ```ts
 * import { OptionCheck } from "@effect-repeater/core"
 * import { Result } from "effect"
 *
 * Result.isFailure(OptionCheck.decodeDuration("1 nanos")) // true: shorter than 1 millisecond
 * Result.isSuccess(OptionCheck.decodeDuration(0, { zero: true })) // true
 * ```
 *
 * @since 1.0.0
 * @category checks
 */
export const decodeDuration: (
  value: unknown,
  bounds?: DurationBounds
) => Result.Result<Duration.Duration, DurationProblem> = internal.decodeDuration
