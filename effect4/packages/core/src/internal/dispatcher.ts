import * as Dispatchers from "@effect-repeater/kernel/Dispatcher"
import type * as Clock from "effect/Clock"
import type * as Context from "effect/Context"
import { clockTimeSource } from "./timeSource.js"

/**
 * What the dispatcher queues.
 *
 * @internal
 */
export type DispatchItem = Dispatchers.DispatchItem

/**
 * One timer queue for every repeater of a service: the kernel's dispatcher on
 * the Effect `Clock` of the context it was made with (see `clockTimeSource`).
 *
 * @internal
 */
export class Dispatcher<A extends DispatchItem> {
  private readonly queue: Dispatchers.Dispatcher<A>

  constructor(context: Context.Context<never>, clock: Clock.Clock, onDue: (item: A) => void) {
    this.queue = Dispatchers.make(clockTimeSource(context, clock), onDue)
  }

  get size(): number {
    return this.queue.size
  }

  /** The dispatcher's time: the wall clock, never going back (see the kernel's `ClockStep`). */
  now(): number {
    return this.queue.now()
  }

  /** The wall-clock time of a time of the dispatcher (for what is reported: status, events). */
  toWall(time: number): number {
    return this.queue.toWall(time)
  }

  /** The wall clock, in milliseconds. */
  wallNow(): number {
    return this.queue.wallNow()
  }

  schedule(item: A, due: number): void {
    this.queue.schedule(item, due)
  }

  unschedule(item: A): void {
    this.queue.unschedule(item)
  }

  /** Takes many items out of the queue in one pass. */
  unscheduleAll(items: ReadonlyArray<A>): void {
    this.queue.unscheduleAll(items)
  }

  isScheduled(item: A): boolean {
    return this.queue.isScheduled(item)
  }

  close(): void {
    this.queue.close()
  }
}
