import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { globalValue } from "effect/GlobalValue"
import * as Runtime from "effect/Runtime"
import { type HeapItem, TimerHeap } from "./heap.js"
import { MAX_TIMER_MILLIS } from "./sleep.js"

/**
 * A wall clock that falls behind the monotonic clock by more than this was stepped back (NTP only
 * steps above 128 ms and slews smaller corrections). Smaller lags are left alone, so that a wall
 * clock that stands still while the monotonic one runs, as under fake timers, is not a "step".
 */
const STEP_TOLERANCE_MILLIS = 1_000

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
export interface DispatchItem extends HeapItem {
  /** Due at a wall-clock time (cron): moved when the wall clock is stepped back. */
  readonly wallAnchored: boolean
  /** Moves the item's times by `step` milliseconds; returns its new due time. */
  shiftBy(step: number): number
}

/**
 * One timer queue for every repeater of a service: idle repeaters hold no
 * fiber, only their place in the heap. The dispatcher sleeps through the
 * Effect `Clock` of the runtime it was made with (so `TestClock` drives it)
 * until the earliest due time, then hands every due item to `onDue`.
 *
 * @internal
 */
export class Dispatcher<A extends DispatchItem> {
  private readonly heap = new TimerHeap<A>()
  private armedFor = Infinity
  private cancelTimer: (() => void) | undefined = undefined
  private timerToken = 0
  private closed = false
  private firing = false
  private readonly runCallback: ReturnType<typeof Runtime.runCallback<never>>
  /** Effect's default Clock (not `TestClock` nor another Clock): its time is `Date.now()`, its sleeps `setTimeout`. */
  private readonly liveClock: boolean
  /** How far the wall clock was stepped back in all, and the latest time `now` returned. */
  private stepBack = 0
  private latest = -Infinity
  private latestMonotonic = 0n

  constructor(
    runtime: Runtime.Runtime<never>,
    private readonly clock: Clock.Clock,
    private readonly onDue: (item: A) => void
  ) {
    this.runCallback = Runtime.runCallback(runtime)
    this.liveClock = isLiveClock(clock)
  }

  get size(): number {
    return this.heap.size
  }

  /**
   * The dispatcher's time, in milliseconds: the wall clock, but never going back. When the wall
   * clock is stepped back (NTP, a restored VM), the step is absorbed: the time goes on by the
   * monotonic time elapsed since the last reading, so that intervals do not stall for the length
   * of the step, and queued wall-clock (cron) items move by the step. (A step forward cannot be
   * told from a suspended process: the runs that fell due then run once each, never in a burst.)
   */
  now(): number {
    const monotonic = this.clock.unsafeCurrentTimeNanos()
    let time = this.clock.unsafeCurrentTimeMillis() + this.stepBack
    if (this.latest !== -Infinity) {
      const elapsed = Math.max(0, Math.round(Number(monotonic - this.latestMonotonic) / 1_000) / 1_000)
      const expected = this.latest + elapsed
      if (time < this.latest || time < expected - STEP_TOLERANCE_MILLIS) {
        const step = expected - time
        this.stepBack += step
        time = expected
        this.moveWallAnchored(step)
      }
    }
    this.latest = time
    this.latestMonotonic = monotonic
    return time
  }

  /** After a step back of the wall clock, queued wall-clock items fall due that much later in our time. */
  private moveWallAnchored(step: number): void {
    for (const item of this.heap.filter((item) => item.wallAnchored)) {
      this.heap.set(item, item.shiftBy(step))
    }
  }

  /** The wall-clock time of a time of the dispatcher (for what is reported: status, events). */
  toWall(time: number): number {
    return time - this.stepBack
  }

  /** The wall clock, in milliseconds. */
  wallNow(): number {
    return this.clock.unsafeCurrentTimeMillis()
  }

  /**
   * Schedules (or reschedules) an item. An item that is already due still
   * waits for the timer (a zero-length sleep): on the real clock that is a
   * macrotask, so back-to-back runs (a rate-mode catch-up under load, a
   * schedule without delay) always give the event loop its turn. An item
   * (re)scheduled while the dispatcher hands out due items is never handed
   * out in the same turn, so that a run that ends at once cannot be run
   * again and again in one turn.
   */
  schedule(item: A, due: number): void {
    if (this.closed) return
    this.heap.set(item, due)
    if (due < this.armedFor && !this.firing) this.arm()
  }

  unschedule(item: A): void {
    this.heap.remove(item)
    // With nothing left to wait for, no timer stays armed (it would keep the process alive). Otherwise the
    // armed timer may now wake for nothing; it then re-arms for the next item.
    if (this.heap.size === 0 && !this.firing) this.disarm()
  }

  isScheduled(item: A): boolean {
    return this.heap.has(item)
  }

  close(): void {
    this.closed = true
    this.disarm()
    this.heap.clear()
  }

  private disarm(): void {
    this.armedFor = Infinity
    const cancel = this.cancelTimer
    if (cancel !== undefined) {
      this.cancelTimer = undefined
      this.timerToken++
      cancel()
    }
  }

  private arm(): void {
    this.disarm()
    const now = this.now() // first: it may move wall-clock items
    const next = this.heap.peek()
    if (next === undefined || this.closed) return
    // Whole milliseconds, rounded up: the clock then never wakes before the due time.
    const wait = Math.min(Math.max(Math.ceil(next.due - now), 0), MAX_TIMER_MILLIS)
    const token = ++this.timerToken
    this.armedFor = next.due
    if (this.liveClock) {
      // Effect's default Clock sleeps with `setTimeout`: the timer is set directly, without a fiber
      const handle = setTimeout(() => this.wake(token), wait)
      this.cancelTimer = () => clearTimeout(handle)
      return
    }
    this.cancelTimer = this.runCallback(this.clock.sleep(Duration.millis(wait)), {
      // never complete inside this call (a zero sleep on TestClock would), so that `fire` is not re-entered
      immediate: false,
      onExit: (exit) => {
        if (Exit.isSuccess(exit)) this.wake(token)
      }
    })
  }

  private wake(token: number): void {
    if (token !== this.timerToken) return
    this.cancelTimer = undefined
    this.armedFor = Infinity
    this.fire()
  }

  /**
   * Hands every item due in this timer turn to `onDue`, in due order. The due items are taken out
   * of the heap first: what `onDue` (re)schedules waits for the next turn, and an item scheduled
   * again meanwhile (paused and resumed by another item's run, say) keeps its new place instead.
   */
  private fire(): void {
    this.firing = true
    try {
      const now = this.now()
      const due: Array<A> = []
      for (;;) {
        const next = this.heap.peek()
        // A timer may wake early by the wall clock: an item is due only at or after its time.
        if (next === undefined || next.due > now) break
        this.heap.remove(next)
        due.push(next)
      }
      for (const item of due) {
        if (!this.closed && !this.heap.has(item)) this.onDue(item)
      }
    } finally {
      this.firing = false
    }
    this.arm()
  }
}
