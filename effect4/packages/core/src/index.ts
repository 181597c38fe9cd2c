/**
 * The `Repeater` service: runs effects periodically, every interval, on a
 * cron expression or on any `Schedule`, with the lifetime of a Scope or a
 * Layer.
 *
 * @since 1.0.0
 */
export * as Repeater from "./Repeater.js"

/**
 * The typed errors of the `Repeater` service.
 *
 * @since 1.0.0
 */
export * as RepeaterError from "./RepeaterError.js"

/**
 * What a `Repeater` service reports on its `events` stream.
 *
 * @since 1.0.0
 */
export * as RepeaterEvent from "./RepeaterEvent.js"

/**
 * The handle of one running repeater: see it, trigger it, pause, resume,
 * stop and join it.
 *
 * @since 1.0.0
 */
export * as RepeaterHandle from "./RepeaterHandle.js"

/**
 * @since 1.0.0
 */
export * as RunPolicy from "./RunPolicy.js"

/**
 * @since 1.0.0
 */
export * as LongWait from "./LongWait.js"

/**
 * @since 1.0.0
 */
export * as CronMatches from "./CronMatches.js"

/**
 * @since 1.0.0
 */
export * as RepeaterTiming from "./RepeaterTiming.js"

/**
 * The rules every package applies to its options: known keys, and one range
 * for durations however they are written.
 *
 * @since 1.0.0
 */
export * as OptionCheck from "./OptionCheck.js"
