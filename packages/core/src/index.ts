/**
 * The `Repeater` service: runs effects periodically, every interval, on a
 * cron expression or on any `Schedule`, with the lifetime of a Scope or a
 * Layer.
 *
 * @since 0.1.0
 */
export * as Repeater from "./Repeater.js"

/**
 * The typed errors of the `Repeater` service.
 *
 * @since 0.1.0
 */
export * as RepeaterError from "./RepeaterError.js"

/**
 * What a `Repeater` service reports on its `events` stream.
 *
 * @since 0.1.0
 */
export * as RepeaterEvent from "./RepeaterEvent.js"

/**
 * The handle of one running repeater: see it, trigger it, pause, resume,
 * stop and join it.
 *
 * @since 0.1.0
 */
export * as RepeaterHandle from "./RepeaterHandle.js"

/**
 * When a repeater runs, as core reads it from its options: the kernel's
 * trigger and the delay of its first run.
 *
 * @since 0.1.0
 */
export * as RepeaterTiming from "./RepeaterTiming.js"

/**
 * @since 0.1.0
 */
export * as RunPolicy from "./RunPolicy.js"

/**
 * @since 0.1.0
 */
export * as LongWait from "./LongWait.js"

/**
 * @since 0.1.0
 */
export * as CronMatches from "./CronMatches.js"

/**
 * The rules every package applies to its options: known keys, and one range
 * for durations however they are written.
 *
 * @since 0.1.0
 */
export * as OptionCheck from "./OptionCheck.js"
