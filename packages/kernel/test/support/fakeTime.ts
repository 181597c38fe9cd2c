/**
 * A fake `TimeSource`: virtual wall and monotonic clocks that move together
 * (the wall clock can also be stepped alone), and timers that run when the
 * time is advanced past them, in order.
 */
import type { TimeSource } from "@effect-repeater/kernel/TimeSource"

interface FakeTimer {
  readonly at: number
  readonly seq: number
  readonly callback: () => void
  cancelled: boolean
}

export const fakeTime = (
  start = 0,
  /** Its timers wake `earlyWake` ms before their time (as Node's do by a high-resolution clock), and it says so. */
  options: { readonly earlyWake: number; readonly timerResolutionMillis: number } | undefined = undefined
) => {
  let wall = start
  let monotonic = 0
  let seq = 0
  let timers: Array<FakeTimer> = []
  /** Every wait a timer was set for, in order. */
  const waits: Array<number> = []
  const source: TimeSource = {
    ...(options === undefined ? {} : { timerResolutionMillis: options.timerResolutionMillis }),
    wallMillis: () => wall,
    monotonicMillis: () => monotonic,
    setTimer: (millis, callback) => {
      if (!Number.isInteger(millis) || millis < 0 || millis > 2 ** 31 - 1) {
        throw new Error(`a timer of ${millis} ms cannot be set`)
      }
      waits.push(millis)
      const at = Math.max(monotonic, monotonic + millis - (options?.earlyWake ?? 0))
      const timer: FakeTimer = { at, seq: seq++, callback, cancelled: false }
      timers.push(timer)
      return () => {
        timer.cancelled = true
      }
    }
  }
  /** Moves both clocks forward by `millis`, running every timer that falls due on the way, at its time. */
  const advance = (millis: number): void => {
    const target = monotonic + millis
    for (;;) {
      timers = timers.filter((timer) => !timer.cancelled)
      let next: FakeTimer | undefined
      for (const timer of timers) {
        if (
          timer.at <= target &&
          (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        ) {
          next = timer
        }
      }
      if (next === undefined) break
      // (a timer that fell due during a stall runs now, late)
      const at = Math.max(next.at, monotonic)
      wall += at - monotonic
      monotonic = at
      next.cancelled = true
      next.callback()
    }
    wall += target - monotonic
    monotonic = target
  }
  return {
    source,
    advance,
    /** Both clocks go on by `millis` with no timer run: the event loop is blocked; the overdue ones run at the next `advance`. */
    stall: (millis: number) => {
      wall += millis
      monotonic += millis
    },
    /** Steps the wall clock alone (negative: back). */
    step: (millis: number) => {
      wall += millis
    },
    wall: () => wall,
    monotonic: () => monotonic,
    /** Timers set and neither run nor cancelled. */
    pending: () => timers.filter((timer) => !timer.cancelled).length,
    waits
  }
}
