/**
 * @since 0.1.0
 */
export * as Chromium from "./Chromium.js"
/**
 * @since 0.1.0
 */
export * as Ports from "./Ports.js"
/**
 * @since 0.1.0
 */
export * as Postgres from "./Postgres.js"
/**
 * @since 0.1.0
 */
export * as Processes from "./Processes.js"
/**
 * @since 0.1.0
 */
export * as TimerLimitClock from "./TimerLimitClock.js"
