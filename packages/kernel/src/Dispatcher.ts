/**
 * One timer queue for many repeaters: idle repeaters hold no timer of their
 * own, only their place in a heap. The dispatcher sets one timer on its
 * `TimeSource`, for the earliest due time, and hands every due item to
 * `onDue`.
 *
 * Its time is the wall clock with steps back absorbed (see `ClockStep`):
 * queued wall-clock items (cron) move by the step, the others keep their due
 * time. Waits longer than one timer can hold are made of several timers (see
 * `LongWait`).
 *
 * @since 0.1.0
 */
import type { HeapItem } from "./Heap.js"
import * as internal from "./internal/dispatcher.js"
import type { TimeSource } from "./TimeSource.js"

/**
 * What the dispatcher queues.
 *
 * @since 0.1.0
 * @category models
 */
export interface DispatchItem extends HeapItem {
  /** Due at a wall-clock time (cron): moved when the wall clock is stepped back. */
  readonly wallAnchored: boolean
  /** Moves the item's times by `step` milliseconds; returns its new due time. */
  shiftBy(step: number): number
}

/**
 * A timer queue.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dispatcher<A extends DispatchItem> {
  /** How many items are queued. */
  readonly size: number
  /**
   * The dispatcher's time, in milliseconds: the wall clock, but never going back (see `ClockStep`).
   * Reading it may move queued wall-clock items, after a step back.
   */
  now(): number
  /** The wall-clock time of a time of the dispatcher (for what is reported: status, events). */
  toWall(time: number): number
  /** The wall clock, in milliseconds. */
  wallNow(): number
  /**
   * Queues (or moves) an item. An item that is already due still waits for the timer (a zero-length
   * one), so that back-to-back runs give the event loop its turn. An item (re)scheduled while the
   * dispatcher hands out due items is never handed out in the same turn, so that a run that ends at
   * once cannot run again and again in one turn.
   */
  schedule(item: A, due: number): void
  /** Takes an item out of the queue; the timer is cancelled once nothing is queued. */
  unschedule(item: A): void
  /**
   * Takes many items out of the queue at once (as `unschedule` each, in one pass over the queue when
   * they are many: stopping a million repeaters costs a rebuild of the heap, not a million removals).
   */
  unscheduleAll(items: ReadonlyArray<A>): void
  /** Whether the item is queued. */
  isScheduled(item: A): boolean
  /** Cancels the timer and empties the queue: nothing is queued or handed out any more. */
  close(): void
}

/**
 * A dispatcher on `source` that hands due items to `onDue`, in due order (ties
 * in the order they were queued). An item is taken out of the queue before
 * `onDue` sees it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <A extends DispatchItem>(source: TimeSource, onDue: (item: A) => void) => Dispatcher<A> =
  internal.make
