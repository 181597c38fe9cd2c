/**
 * A repeater's counters and its last run, kept for its status. Times are wall
 * times in epoch milliseconds; `NaN` stands for "none yet".
 *
 * @since 0.1.0
 */
import * as internal from "./internal/status.js"
import type { Outcome } from "./Lifecycle.js"

/**
 * The counters of one repeater. Any object with these fields can be used, so
 * that a binding keeps them in an object of its own.
 *
 * @since 0.1.0
 * @category models
 */
export interface Counters {
  /** Runs that ended, interrupted ones excepted. */
  runs: number
  /** Runs that ended, interrupted ones included: what a bound on repetitions counts. */
  endedRuns: number
  /** Runs that failed. */
  failures: number
  /** Ticks that were not run because a run overran them. */
  skippedTicks: number
  /** The wall time the last run started at. */
  lastStart: number
  /** The wall time the last run ended at. */
  lastEnd: number
  /** How long the last run took, in milliseconds. */
  lastDurationMillis: number
}

/**
 * Counters of a repeater that has not run.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: () => Counters = internal.make

/**
 * A run started at the wall time `wallStart`.
 *
 * @since 0.1.0
 * @category bookkeeping
 */
export const started: (counters: Counters, wallStart: number) => void = internal.started

/**
 * A run ended at the wall time `wallEnd`, after `durationMillis`.
 *
 * @since 0.1.0
 * @category bookkeeping
 */
export const ended: (counters: Counters, outcome: Outcome, wallEnd: number, durationMillis: number) => void =
  internal.ended

/**
 * `count` ticks were skipped (nothing when `count` is 0 or less).
 *
 * @since 0.1.0
 * @category bookkeeping
 */
export const skipped: (counters: Counters, count: number) => void = internal.skipped

/**
 * Whether the runs reached `maxRepetitions` (never, when it is `undefined`).
 *
 * @since 0.1.0
 * @category getters
 */
export const exhausted: (counters: Counters, maxRepetitions: number | undefined) => boolean = internal.exhausted
