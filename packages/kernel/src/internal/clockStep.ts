import type { ClockStep } from "../ClockStep.js"

/**
 * A wall clock that falls behind the monotonic clock by more than this was stepped back (NTP only
 * steps above 128 ms and slews smaller corrections). Smaller lags are left alone, so that a wall
 * clock that stands still while the monotonic one runs, as under fake timers, is not a "step".
 */
export const STEP_TOLERANCE_MILLIS = 1_000

class ClockStepImpl implements ClockStep {
  stepBack = 0
  lastStep = 0
  private latest = -Infinity
  private latestMonotonic = 0

  read(wall: number, monotonic: number): number {
    let time = wall + this.stepBack
    this.lastStep = 0
    if (this.latest !== -Infinity) {
      // (rounded to whole microseconds, as the monotonic clock's nanoseconds were)
      const elapsed = Math.max(0, Math.round((monotonic - this.latestMonotonic) * 1_000) / 1_000)
      const expected = this.latest + elapsed
      if (time < this.latest || time < expected - STEP_TOLERANCE_MILLIS) {
        const step = expected - time
        this.stepBack += step
        this.lastStep = step
        time = expected
      }
    }
    this.latest = time
    this.latestMonotonic = monotonic
    return time
  }

  toWall(time: number): number {
    return time - this.stepBack
  }
}

export const make = (): ClockStep => new ClockStepImpl()
