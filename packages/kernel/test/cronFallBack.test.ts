/**
 * Cron: the trigger never plans a match at or before the wall time it asked `next` from. At a zone's
 * fall-back (America/New_York at 2024-11-03T06:00:00Z: 02:00 EDT back to 01:00 EST), Effect 3's
 * `Cron.next` walks past the repeated hour from before it, but asked from within it answers a match
 * an hour earlier: planned as such, a repeater would run that match at once, again and again.
 */
import * as Trigger from "@effect-repeater/kernel/Trigger"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const HOUR = 3_600_000
const MINUTE = 60_000
/** The instant the clock goes back: wall times from it to an hour later repeat the local hour before it. */
const CHANGE = Date.parse("2024-11-03T06:00:00Z")

/**
 * A rule matching every `period` (a divisor of an hour) of local time, with the answers Effect 3's
 * `Cron.next` gives around the change (the same, instant for instant, from two hours before to two
 * after, for "* * * * * *", "* * * * *", "*\/15 * * * *" and "0 * * * *"): from before it, the
 * repeated hour is skipped; from within it, a match within that local hour is read with the offset
 * of before the change, an hour back.
 */
const fallBackRule = (period: number) => {
  const grid = (wall: number) => Math.floor(wall / period) * period + period
  const next = (wall: number): number => {
    const match = grid(wall)
    if (match >= CHANGE + HOUR) return match
    if (wall >= CHANGE) return match - HOUR
    return match >= CHANGE ? CHANGE + HOUR : match
  }
  // (the count is not asked for: no test skips more than the walk's bound)
  const count = (): number => 0
  return [next, count] as const
}

const cell = (): Trigger.Cell => ({ anchor: NaN, cursor: 0, scheduleState: undefined })

/** The matches a walk with `next` from `from` meets up to `to`. */
const walk = (next: (wall: number) => number, from: number, to: number) => {
  const matches: Array<number> = []
  for (let match = next(from); match <= to; match = next(match)) matches.push(match)
  return matches
}

describe("Trigger: cron at the instant a zone's clock goes back", () => {
  it("started at that instant or within the repeated hour: the first match after it, never one an hour back", () => {
    const [next] = fallBackRule(15 * MINUTE)
    // what the rule answers there
    expect(next(CHANGE)).toBe(CHANGE + 15 * MINUTE - HOUR)
    const trigger = Trigger.cron(...fallBackRule(15 * MINUTE))
    for (const start of [CHANGE, CHANGE + 20 * MINUTE, CHANGE + 45 * MINUTE, CHANGE + HOUR - 1]) {
      // the dispatcher's time is 1 000 behind the wall clock
      expect(trigger.first(cell(), start - 1_000, start, 0)).toMatchObject({ scheduledAt: CHANGE + HOUR - 1_000 })
    }
  })

  it("a run that ends within the repeated hour: its match is not planned again, nor are others counted skipped", () => {
    const trigger = Trigger.cron(...fallBackRule(15 * MINUTE))
    const c = cell()
    const start = CHANGE - 20 * MINUTE
    expect(trigger.first(c, start, start, 0)).toMatchObject({ scheduledAt: CHANGE - 15 * MINUTE })
    trigger.onDue(c, CHANGE - 15 * MINUTE)
    // the run ends 20 minutes later, within the repeated hour
    expect(trigger.afterRun(c, CHANGE + 5 * MINUTE, CHANGE + 5 * MINUTE, false)).toMatchObject({
      scheduledAt: CHANGE + HOUR,
      skipped: 0
    })
  })

  it("resumed within the repeated hour: the first match after it", () => {
    const trigger = Trigger.cron(...fallBackRule(15 * MINUTE))
    const c = cell()
    trigger.first(c, CHANGE - 20 * MINUTE, CHANGE - 20 * MINUTE, 0)
    expect(trigger.onResume(c, CHANGE + 10 * MINUTE, CHANGE + 10 * MINUTE, CHANGE + HOUR, CHANGE + HOUR, 0))
      .toMatchObject({ scheduledAt: CHANGE + HOUR })
  })

  it("property: from any instant, the first match planned is the first after it of the walk from before the change", () => {
    fc.assert(fc.property(
      fc.constantFrom(1_000, MINUTE, 15 * MINUTE, HOUR),
      fc.integer({ min: CHANGE - 2 * HOUR, max: CHANGE + 2 * HOUR }),
      (period, wall) => {
        const rule = fallBackRule(period)
        const expected = walk(rule[0], CHANGE - 3 * HOUR, CHANGE + 4 * HOUR).find((match) => match > wall)
        expect(Trigger.cron(...rule).first(cell(), wall, wall, 0)).toMatchObject({ scheduledAt: expected })
      }
    ))
  })

  it("a rule that does not move on from a match: the search starts again from later, and ends", () => {
    // answers 0 up to 10 hours, then the next millisecond
    const stuck = (wall: number) => (wall < 10 * HOUR ? 0 : wall + 1)
    const trigger = Trigger.cron(stuck, () => 0)
    // searched again from 5 plus 1, 2, 4 and 8 hours: 0; from 5 plus 16 hours: the first answer past 5
    expect(trigger.first(cell(), 5, 5, 0)).toMatchObject({ scheduledAt: 5 + 16 * HOUR + 1 })
  })
})
