/**
 * Rate mode after a stall (the event loop blocked, the process suspended, the wall clock stepped
 * forward): one run, for the latest tick that fell due, then back on the grid; never a burst.
 */
import * as Dispatcher from "@effect-repeater/kernel/Dispatcher"
import * as Trigger from "@effect-repeater/kernel/Trigger"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fakeTime } from "./support/fakeTime.js"
import { PlainRepeater } from "./support/plainRepeater.js"

/** A rate repeater whose runs last `duration` ms (ended by a timer, which a stall delays too). */
const setup = (every: number, duration: number) => {
  const time = fakeTime(0)
  const dispatcher = Dispatcher.make<PlainRepeater>(time.source, (repeater) => {
    repeater.fire()
    if (repeater.inFlight) time.source.setTimer(duration, () => repeater.endRun())
  })
  const repeater = new PlainRepeater(dispatcher, Trigger.everyRate(every))
  return { repeater, time }
}

const runsOf = (repeater: PlainRepeater) =>
  repeater.log.map((entry) => {
    const [scheduledAt, start] = entry.split("@").map(Number)
    return { scheduledAt, start }
  })

describe("rate mode: one run after a stall, never a burst", () => {
  it("every 100 ms, the event loop blocked for 1 s: one run at once for the latest tick, then the grid", () => {
    const { repeater, time } = setup(100, 0)
    repeater.start(20)
    time.advance(250) // runs at 20, 120, 220
    time.stall(1_020) // the tick of 320 falls due during the stall, its timer runs at 1 270
    time.advance(300)
    expect(repeater.log).toEqual(["20@20", "120@120", "220@220", "1220@1270", "1320@1320", "1420@1420", "1520@1520"])
    // 320 … 1 120: nine ticks skipped
    expect(repeater.counters.skippedTicks).toBe(9)
  })

  it("a step forward of the wall clock while idle: one run for the latest tick, the others skipped", () => {
    const { repeater, time } = setup(100, 0)
    repeater.start(0)
    time.advance(150) // runs at 0, 100
    time.step(10_000) // the wall clock reads 10 150
    time.advance(100)
    const runs = runsOf(repeater)
    // the timer of the tick of 200 wakes at 10 200 by the wall clock
    expect(runs.slice(2)).toEqual([{ scheduledAt: 10_200, start: 10_200 }])
    expect(repeater.counters.skippedTicks).toBe(100)
  })

  it("property: after any stall, idle or in a run, exactly one run then the grid; every tick run once or skipped", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 1_000 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.nat(1_000),
        (every, durationFraction, beforeInPeriods, stallInPeriods, initialDelay) => {
          const duration = Math.floor(durationFraction * every)
          const before = Math.floor(beforeInPeriods * every)
          const stall = Math.floor(stallInPeriods * every)
          const { repeater, time } = setup(every, duration)
          repeater.start(initialDelay)
          time.advance(before)
          time.stall(stall)
          const stallEnd = time.monotonic()
          time.advance(3 * every)
          const end = time.monotonic()
          const runs = runsOf(repeater)
          for (const [index, run] of runs.entries()) {
            // a run is for a tick of the grid that fell due, and for the latest at or before its start
            expect((run.scheduledAt - initialDelay) % every).toBe(0)
            expect(run.scheduledAt).toBeLessThanOrEqual(run.start)
            expect(run.start - run.scheduledAt).toBeLessThan(every)
            // runs never start in a burst: one tick apart at least, except the one that follows a stall
            if (index > 0) expect(run.scheduledAt).toBeGreaterThan(runs[index - 1].scheduledAt)
          }
          // after the stall: at most one run before the next tick of the grid
          const nextTick = initialDelay + Math.ceil((stallEnd - initialDelay + 1) / every) * every
          expect(runs.filter((run) => run.start >= stallEnd && run.start < nextTick).length).toBeLessThanOrEqual(1)
          // every tick that fell due by the last run's start was run once or skipped
          const last = runs[runs.length - 1]
          if (last !== undefined) {
            const ticks = Math.floor((last.scheduledAt - initialDelay) / every) + 1
            expect(runs.length + repeater.counters.skippedTicks).toBe(ticks)
          }
          expect(end).toBe(stallEnd + 3 * every)
        }
      ),
      { numRuns: 300 }
    )
  })
})
