/**
 * Wall times (epoch milliseconds) a date can hold: a `Date`, and so any date
 * type of a binding, holds at most 8.64e15 ms from the epoch either way (year
 * 275760). A run planned past that never comes, and a time past it cannot be
 * reported.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/wallTime.js"

/**
 * The largest distance from the epoch a date can hold, in milliseconds.
 *
 * @example
 * ```ts
 * import { WallTime } from "@effect-repeater/kernel"
 *
 * new Date(WallTime.MAX_MILLIS).toISOString() // "+275760-09-13T00:00:00.000Z"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_MILLIS: number = internal.MAX_MILLIS

/**
 * Whether a wall time can be held by a date: finite and at most `MAX_MILLIS`
 * from the epoch.
 *
 * @example
 * ```ts
 * import { WallTime } from "@effect-repeater/kernel"
 *
 * WallTime.representable(Date.now()) // true
 * WallTime.representable(Date.now() + Infinity) // false: an infinite delay never comes
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const representable: (millis: number) => boolean = internal.representable
