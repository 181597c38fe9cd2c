/**
 * A wall clock that never goes back. When the wall clock is stepped back (NTP,
 * a restored VM), the step is absorbed: the time goes on by the monotonic time
 * elapsed since the last reading, so that intervals do not stall for the
 * length of the step, and whoever queued work at wall-clock times (cron) moves
 * it by the step. A step forward cannot be told from a suspended process: it
 * is not absorbed.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/clockStep.js"

/**
 * A wall clock that falls behind the monotonic clock by more than this many
 * milliseconds was stepped back. Smaller lags are left alone, so that a wall
 * clock that stands still while the monotonic one runs (fake timers) is not a
 * step.
 *
 * @since 0.1.0
 * @category constants
 */
export const STEP_TOLERANCE_MILLIS: number = internal.STEP_TOLERANCE_MILLIS

/**
 * The step-absorbing time of one reader.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClockStep {
  /** How far the wall clock was stepped back in all, in milliseconds. */
  readonly stepBack: number
  /** The step back absorbed by the latest `read`, 0 if none. */
  readonly lastStep: number
  /**
   * The time of a reading of the wall clock and the monotonic clock (both in
   * milliseconds): the wall clock plus every step back absorbed so far, never
   * going back.
   */
  read(wall: number, monotonic: number): number
  /** The wall-clock time of a time `read` returned (for what is reported). */
  toWall(time: number): number
}

/**
 * A reader that has absorbed no step yet.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: () => ClockStep = internal.make
