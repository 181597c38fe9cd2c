/**
 * Waits of any length on timers that cannot wait longer than 2^31 - 1 ms:
 * JavaScript timers fire at once above that, and Effect 3's default Clock
 * treats such sleeps as infinite. Longer waits are made of several shorter
 * ones.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/longWait.js"
import type { SetTimer } from "./TimeSource.js"

/**
 * The longest single timer the kernel sets: 2^30 ms (about 12.4 days), well
 * below 2^31 - 1 ms.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_TIMER_MILLIS: number = internal.MAX_TIMER_MILLIS

/**
 * The part of a wait of `millis` that one timer waits: `millis` itself up to
 * `MAX_TIMER_MILLIS`, never less than zero. A timer that re-reads its clock
 * when it wakes (as the dispatcher does) waits in such chunks.
 *
 * @since 0.1.0
 * @category waiting
 */
export const chunk: (millis: number) => number = internal.chunk

/**
 * Calls `callback` after `millis` milliseconds, however long, with timers set
 * by `set`, each at most `MAX_TIMER_MILLIS` long. Returns its cancel (which
 * may be called more than once).
 *
 * @since 0.1.0
 * @category waiting
 */
export const setTimer: (set: SetTimer, millis: number, callback: () => void) => () => void = internal.setTimer
