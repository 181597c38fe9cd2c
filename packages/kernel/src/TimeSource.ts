/**
 * What the kernel needs of a clock: the wall time, a monotonic time, and one
 * timer. A binding implements it on its runtime's clock (so that a test clock
 * drives the kernel), a test on a fake clock.
 *
 * @since 0.1.0
 */

/**
 * Sets one timer: `callback` runs after `millis` milliseconds (a whole number,
 * from 0 to `LongWait.MAX_TIMER_MILLIS`), never inside the call that set it,
 * not even for 0 ms. Returns its cancel: once called, `callback` does not run.
 *
 * @since 0.1.0
 * @category models
 */
export type SetTimer = (millis: number, callback: () => void) => () => void

/**
 * A clock with one kind of timer.
 *
 * @since 0.1.0
 * @category models
 */
export interface TimeSource {
  /** The wall clock, in milliseconds since the epoch. It may be stepped, back or forward. */
  readonly wallMillis: () => number
  /** A monotonic clock, in milliseconds from any origin: it never goes back. */
  readonly monotonicMillis: () => number
  /** Sets one timer (see `SetTimer`). */
  readonly setTimer: SetTimer
  /**
   * How much earlier than asked, by `monotonicMillis`, its timer may wake (0 when absent). Node's
   * `setTimeout` counts whole milliseconds of the event loop's clock, which is read once a turn: by a
   * high-resolution clock it may wake up to a millisecond early. When its timer wakes, the dispatcher
   * hands out the items due within this much, as Node's own timers would run them, rather than wait
   * another timer for the rest of the millisecond; wall-anchored items (cron) still wait for their
   * instant.
   */
  readonly timerResolutionMillis?: number
}
