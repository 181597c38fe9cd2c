/**
 * Cron: the matches skipped after a long run or a step forward of the wall clock are counted with
 * the binding's `count`, walked one by one only up to a small bound, so that a jump of a year with
 * a per-second rule costs a few steps of the event loop, not 31.5 million.
 */
import * as Dispatcher from "@effect-repeater/kernel/Dispatcher"
import * as Trigger from "@effect-repeater/kernel/Trigger"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fakeTime } from "./support/fakeTime.js"
import { periodicRule } from "./support/periodicRule.js"
import { PlainRepeater } from "./support/plainRepeater.js"

const cell = (): Trigger.Cell => ({ anchor: NaN, cursor: 0, scheduleState: undefined })

/** A periodic rule whose `next` calls are counted. */
const spiedRule = (period: number, offset = 0) => {
  const [next, count] = periodicRule(period, offset)
  const calls = { next: 0, count: 0 }
  const spiedNext = (wall: number) => {
    calls.next++
    return next(wall)
  }
  const spiedCount = (after: number, before: number) => {
    calls.count++
    return count(after, before)
  }
  return { calls, trigger: Trigger.cron(spiedNext, spiedCount) }
}

/** What the walk with `next` gives: the matches skipped between the consumed one and the next after `wallEnd`. */
const walked = (next: (wall: number) => number, cursor: number, wallEnd: number) => {
  const upcoming = next(Math.max(cursor, wallEnd))
  const skipped: Array<number> = []
  for (let match = next(cursor); match < upcoming; match = next(match)) skipped.push(match)
  return { upcoming, skipped }
}

describe("cron: skipped matches are counted, not walked", () => {
  it("a wall clock stepped forward by a year, with a match every second: exact count, a bounded number of steps", () => {
    const time = fakeTime(0)
    const { calls, trigger } = spiedRule(1_000)
    const dispatcher = Dispatcher.make<PlainRepeater>(time.source, (item) => item.fire())
    const repeater = new PlainRepeater(dispatcher, trigger)
    repeater.start(0)
    time.advance(1_000) // the match of 1 s runs
    expect(repeater.log).toEqual(["1000@1000"])
    const year = 365 * 86_400_000
    time.step(year)
    calls.next = 0
    repeater.endRun()
    // every match after the one run, up to the first after the end of the run, is skipped
    expect(repeater.counters.skippedTicks).toBe(365 * 86_400)
    expect(calls.next).toBeLessThanOrEqual(Trigger.WALK_BOUND + 2)
    expect(calls.count).toBe(1)
    time.advance(1_000)
    expect(repeater.log).toEqual(["1000@1000", `${year + 2_000}@${year + 2_000}`])
  })

  it("a few skipped matches are walked, without asking for the count", () => {
    const { calls, trigger } = spiedRule(60_000)
    const c = cell()
    trigger.first(c, 0, 0, 0)
    trigger.onDue(c, 60_000)
    expect(trigger.afterRun(c, 250_000, 250_000, false)).toMatchObject({
      scheduledAt: 300_000,
      skipped: 3,
      firstSkippedAt: 120_000
    })
    expect(calls.count).toBe(0)
  })

  it("property: the count and the first skipped match are the walk's, below and beyond the bound", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.nat(4_999),
        fc.nat(200_000),
        fc.integer({ min: -1_000, max: 1_000 }),
        fc.boolean(),
        (period, offsetSeed, runLength, clockLead, paused) => {
          const offset = offsetSeed % period
          const [next] = periodicRule(period, offset)
          const { trigger } = spiedRule(period, offset)
          const c = cell()
          trigger.first(c, 0, 0, 0)
          trigger.onDue(c, c.anchor)
          const cursor = c.cursor
          const end = c.cursor + runLength
          // the wall clock may read a little more or less than the dispatcher's time (a step)
          const wallEnd = end + clockLead
          const plan = trigger.afterRun(c, end, wallEnd, paused)
          const model = walked(next, paused ? Math.max(cursor, wallEnd) : cursor, wallEnd)
          expect(plan).toMatchObject({ _tag: "At", scheduledAt: end + (model.upcoming - wallEnd) })
          if (plan._tag !== "At") return
          expect(plan.skipped).toBe(model.skipped.length)
          if (model.skipped.length > 0) expect(plan.firstSkippedAt).toBe(end + (model.skipped[0] - wallEnd))
          else expect(plan.firstSkippedAt).toBeNaN()
        }
      ),
      { numRuns: 500 }
    )
  })
})
