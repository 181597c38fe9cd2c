import * as Dispatchers from "@effect-repeater/kernel/Dispatcher"
import type { TimeSource } from "@effect-repeater/kernel/TimeSource"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { globalValue } from "effect/GlobalValue"
import * as Runtime from "effect/Runtime"

/** The Clock of Effect's default services: one instance, made when Effect is loaded. */
const defaultClock = (): Clock.Clock =>
  globalValue(Symbol.for("@effect-repeater/core/defaultClock"), () => Effect.runSync(Effect.clock))

/** @internal */
export const isLiveClock = (clock: Clock.Clock): boolean => clock === defaultClock()

/**
 * What the dispatcher queues.
 *
 * @internal
 */
export type DispatchItem = Dispatchers.DispatchItem

/**
 * The kernel's `TimeSource` on an Effect `Clock`, so that `TestClock` drives the kernel. Its timer
 * sleeps on the Clock with the given runtime; on Effect's default Clock (whose time is `Date.now()`
 * and whose sleeps are `setTimeout`) it is set directly, without a fiber.
 *
 * @internal
 */
export const clockTimeSource = (runtime: Runtime.Runtime<never>, clock: Clock.Clock): TimeSource => {
  // the monotonic clock counted from here: its milliseconds then stay exact doubles
  const origin = clock.unsafeCurrentTimeNanos()
  const live = isLiveClock(clock)
  const setTimer: TimeSource["setTimer"] = live ?
    (millis, callback) => {
      // eslint-disable-next-line no-restricted-syntax -- the kernel's time source: the dispatcher arms it in chunks of at most LongWait.MAX_TIMER_MILLIS
      const handle = setTimeout(callback, millis)
      return () => clearTimeout(handle)
    } :
    (millis, callback) =>
      Runtime.runCallback(runtime)(clock.sleep(Duration.millis(millis)), {
        // never complete inside this call (a zero sleep on TestClock would): the kernel's timers never do
        immediate: false,
        onExit: (exit) => {
          if (Exit.isSuccess(exit)) callback()
        }
      })
  return {
    // a `setTimeout` may wake up to a millisecond early by the monotonic clock (see the kernel's `TimeSource`)
    ...(live ? { timerResolutionMillis: 1 } : {}),
    wallMillis: () => clock.unsafeCurrentTimeMillis(),
    monotonicMillis: () => Number(clock.unsafeCurrentTimeNanos() - origin) / 1_000_000,
    setTimer
  }
}

/**
 * One timer queue for every repeater of a service: the kernel's dispatcher on
 * the Effect `Clock` of the runtime it was made with (see `clockTimeSource`).
 *
 * @internal
 */
export class Dispatcher<A extends DispatchItem> {
  private readonly queue: Dispatchers.Dispatcher<A>

  constructor(runtime: Runtime.Runtime<never>, clock: Clock.Clock, onDue: (item: A) => void) {
    this.queue = Dispatchers.make(clockTimeSource(runtime, clock), onDue)
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
