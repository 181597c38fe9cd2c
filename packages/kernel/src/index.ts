/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as ClockStep from "./ClockStep.js"

/**
 * @since 0.1.0
 */
export * as CronCount from "./CronCount.js"

/**
 * @since 0.1.0
 */
export * as Dispatcher from "./Dispatcher.js"

/**
 * @since 0.1.0
 */
export * as Heap from "./Heap.js"

/**
 * @since 0.1.0
 */
export * as Lifecycle from "./Lifecycle.js"

/**
 * @since 0.1.0
 */
export * as LongWait from "./LongWait.js"

/**
 * @since 0.1.0
 */
export * as NextRun from "./NextRun.js"

/**
 * @since 0.1.0
 */
export * as ScopeSegments from "./ScopeSegments.js"

/**
 * @since 0.1.0
 */
export * as Status from "./Status.js"

/**
 * @since 0.1.0
 */
export * as Takeover from "./Takeover.js"

/**
 * @since 0.1.0
 */
export * as TimeSource from "./TimeSource.js"

/**
 * @since 0.1.0
 */
export * as Trigger from "./Trigger.js"

/**
 * @since 0.1.0
 */
export * as Waiters from "./Waiters.js"

/**
 * @since 0.1.0
 */
export * as WallTime from "./WallTime.js"
