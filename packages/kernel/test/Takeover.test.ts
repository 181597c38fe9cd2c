import * as Takeover from "@effect-repeater/kernel/Takeover"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { periodicRule } from "./support/periodicRule.js"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const none: Takeover.State = { lastScheduled: undefined, lastStarted: undefined, lastFinished: undefined }
const claimed = (lastScheduled: number): Takeover.State => ({ ...none, lastScheduled })

/** A cron-like rule matching every `period` ms of wall time, plus `offset`, described as the plan reads it. */
const periodic = (period: number, offset = 0): Takeover.CronTiming => {
  const [next, count] = periodicRule(period, offset)
  const latest = (wall: number): number => Math.floor((wall - offset) / period) * period + offset
  return { _tag: "Cron", matches: { next, latest, count } }
}

const rate = (every: number): Takeover.EveryTiming => ({ _tag: "Every", mode: "rate", every, initialDelayMillis: 0 })

/** The matches a walk with `next` from `from` meets up to `to`: `from < m <= to`. */
const walk = (next: (wall: number) => number, from: number, to: number): Array<number> => {
  const matches: Array<number> = []
  for (let match = next(from); match <= to; match = next(match)) matches.push(match)
  return matches
}

describe("Takeover: every", () => {
  it("rate mode: the next tick of the stored grid; missed ticks counted, the latest caught up with runOnce only", () => {
    expect(Takeover.plan(rate(1_000), claimed(10_000), "runOnce", 10_400)).toEqual({
      initialDelayMillis: 600,
      firstDue: 11_000,
      catchUp: undefined,
      missed: 0
    })
    expect(Takeover.plan(rate(1_000), claimed(10_000), "runOnce", 13_250)).toEqual({
      initialDelayMillis: 750,
      firstDue: 14_000,
      catchUp: 13_000,
      missed: 3
    })
    expect(Takeover.plan(rate(1_000), claimed(10_000), "skip", 13_250)).toEqual({
      initialDelayMillis: 750,
      firstDue: 14_000,
      catchUp: undefined,
      missed: 3
    })
    // a tick due exactly now is missed
    expect(Takeover.plan(rate(1_000), claimed(10_000), "runOnce", 11_000)).toMatchObject({ catchUp: 11_000, missed: 1 })
  })

  it("delay mode: every after the end of the last run, or after its start when it never finished", () => {
    const delay: Takeover.Timing = { _tag: "Every", mode: "delay", every: 1_000, initialDelayMillis: 0 }
    const state = { lastScheduled: 10_000, lastStarted: 10_005, lastFinished: 10_300 }
    expect(Takeover.plan(delay, state, "runOnce", 10_500)).toMatchObject({ initialDelayMillis: 800, firstDue: 11_300 })
    expect(Takeover.plan(delay, { ...state, lastFinished: undefined }, "runOnce", 10_500).firstDue).toBe(11_005)
  })

  it("the first start follows the schedule's own options; a schedule always starts over", () => {
    const delayed: Takeover.Timing = { _tag: "Every", mode: "rate", every: 1_000, initialDelayMillis: 250 }
    expect(Takeover.firstStart(delayed, 10_000)).toEqual({
      initialDelayMillis: 250,
      firstDue: 10_250,
      catchUp: undefined,
      missed: 0
    })
    expect(Takeover.firstStart(periodic(HOUR), 10_000)).toMatchObject({ initialDelayMillis: undefined, missed: 0 })
    expect(Takeover.plan({ _tag: "Schedule" }, claimed(10_000), "runOnce", 50_000)).toMatchObject({
      initialDelayMillis: undefined,
      catchUp: undefined
    })
  })

  it("the tick of the grid a run stands for, and the ticks skipped between two runs", () => {
    expect(Takeover.onGrid(10_000, 1_000, 10_003)).toBe(10_000)
    expect(Takeover.onGrid(10_000, 1_000, 12_998)).toBe(13_000)
    expect(Takeover.skippedBetween(10_000, 11_000, 1_000)).toBeUndefined()
    expect(Takeover.skippedBetween(10_000, 13_000, 1_000)).toEqual({ count: 2, from: 11_000 })
  })

  it("property: rate mode's missed ticks are the grid's ticks from the one after the last to now, walked one by one", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5_000 }),
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: -5_000, max: 100_000 }),
      fc.constantFrom<Takeover.MissedPolicy>("skip", "runOnce"),
      (every, last, elapsed, policy) => {
        const now = last + elapsed
        const plan = Takeover.plan(rate(every), claimed(last), policy, now)
        const missed: Array<number> = []
        for (let tick = last + every; tick <= now; tick += every) missed.push(tick)
        expect(plan.missed).toBe(missed.length)
        expect(plan.catchUp).toBe(policy === "runOnce" ? missed.at(-1) : undefined)
        expect(plan.firstDue).toBeGreaterThan(last)
        expect(plan.firstDue).toBeGreaterThan(now)
        expect(plan.firstDue).toBe(last + (missed.length + 1) * every)
        expect(plan.initialDelayMillis).toBe(plan.firstDue - now)
      }
    ))
  })
})

describe("Takeover: cron", () => {
  it("restarted before the next match: nothing missed, nothing run early", () => {
    expect(Takeover.plan(periodic(HOUR), claimed(0), "runOnce", 20 * MINUTE)).toEqual({
      initialDelayMillis: 0,
      firstDue: HOUR,
      catchUp: undefined,
      missed: 0
    })
  })

  it("missed matches: the latest at once with runOnce, none with skip, all counted", () => {
    const now = 3 * HOUR + 5 * MINUTE
    expect(Takeover.plan(periodic(HOUR), claimed(0), "runOnce", now)).toEqual({
      initialDelayMillis: 0,
      firstDue: 4 * HOUR,
      catchUp: 3 * HOUR,
      missed: 3
    })
    expect(Takeover.plan(periodic(HOUR), claimed(0), "skip", now)).toMatchObject({ catchUp: undefined, missed: 3 })
  })

  it("a long outage of a frequent rule: counted with the rule's count, not walked", () => {
    const [next, count] = periodicRule(1_000)
    let steps = 0
    const matches: Takeover.CronMatches = {
      next: (wall) => {
        steps++
        return next(wall)
      },
      latest: (wall) => {
        steps++
        return Math.floor(wall / 1_000) * 1_000
      },
      count
    }
    const day = 24 * HOUR
    const plan = Takeover.plan({ _tag: "Cron", matches }, claimed(0), "runOnce", 2 * day + 500)
    expect(plan).toMatchObject({ catchUp: 2 * day, firstDue: 2 * day + 1_000, missed: 172_800 })
    expect(steps).toBeLessThan(5)
  })

  it("a clock behind the one that claimed the last match: the first match after that one, none missed", () => {
    expect(Takeover.plan(periodic(HOUR), claimed(5 * HOUR), "runOnce", 4 * HOUR + 30 * MINUTE)).toEqual({
      initialDelayMillis: 30 * MINUTE,
      firstDue: 6 * HOUR,
      catchUp: undefined,
      missed: 0
    })
  })

  it("a rule whose latest answers past the instant asked: asked again from earlier", () => {
    const [next, count] = periodicRule(HOUR)
    // answers a match an hour late
    const matches: Takeover.CronMatches = { next, latest: (wall) => Math.floor(wall / HOUR) * HOUR + HOUR, count }
    expect(Takeover.plan({ _tag: "Cron", matches }, claimed(0), "runOnce", 3 * HOUR + 5 * MINUTE)).toMatchObject({
      catchUp: 3 * HOUR,
      missed: 3
    })
  })

  it("property: the planned tick is after the last claimed one and after now; the catch-up is the latest missed", () => {
    fc.assert(fc.property(
      fc.constantFrom(1_000, MINUTE, 15 * MINUTE, HOUR),
      fc.integer({ min: 0, max: 59_999 }),
      fc.integer({ min: 0, max: 10 * HOUR }),
      fc.integer({ min: -2 * HOUR, max: 10 * HOUR }),
      fc.constantFrom<Takeover.MissedPolicy>("skip", "runOnce"),
      (period, rawOffset, last, elapsed, policy) => {
        const timing = periodic(period, rawOffset % period)
        const now = last + elapsed
        const plan = Takeover.plan(timing, claimed(last), policy, now)
        expect(plan.firstDue).toBeGreaterThan(last)
        expect(plan.firstDue).toBeGreaterThan(now)
        const missed = walk(timing.matches.next, last, now)
        expect(plan.missed).toBe(missed.length)
        expect(plan.catchUp).toBe(policy === "runOnce" ? missed.at(-1) : undefined)
        // the first due is the first match after both
        expect(plan.firstDue).toBe(timing.matches.next(Math.max(now, last)))
      }
    ))
  })
})

/**
 * America/New_York's fall-back, 2024-11-03T06:00:00Z (02:00 EDT back to 01:00 EST): the wall times
 * of the next hour repeat the local hour before it. The rules below answer as Effect 3's `Cron.next`
 * and `Cron.prev` (asked from an instant plus a second) do there: from before the change, the walk
 * skips the repeated hour; asked from within it, both read its local time with the offset of before
 * the change, an hour back (and `prev`, for a daily match in that hour, a day back).
 */
describe("Takeover: cron at the instant a zone's clock goes back", () => {
  const CHANGE = Date.parse("2024-11-03T06:00:00Z")
  const inRepeatedHour = (wall: number) => wall >= CHANGE && wall < CHANGE + HOUR

  /** A match every `period` (a divisor of an hour) of local time. */
  const fallBackRule = (period: number): Takeover.CronMatches => {
    const floor = (wall: number) => Math.floor(wall / period) * period
    const next = (wall: number): number => {
      const match = floor(wall) + period
      if (match >= CHANGE + HOUR) return match
      if (wall >= CHANGE) return match - HOUR
      return match >= CHANGE ? CHANGE + HOUR : match
    }
    const latest = (wall: number): number => (inRepeatedHour(wall) ? floor(wall) - HOUR : floor(wall))
    const count = (after: number, before: number): number => walk(next, after, before - 1).length
    return { next, latest, count }
  }

  it("a takeover within the repeated hour: the latest missed match of the walk, and the first match after now", () => {
    const rule = fallBackRule(15 * MINUTE)
    // what the rule answers there: an hour back
    expect([rule.next(CHANGE + 20 * MINUTE), rule.latest(CHANGE + 20 * MINUTE)])
      .toEqual([CHANGE - 30 * MINUTE, CHANGE - 45 * MINUTE])
    // last claimed at 01:00 EDT, taken over at 01:20 EST: 01:15, 01:30 and 01:45 EDT were missed
    const plan = Takeover.plan({ _tag: "Cron", matches: rule }, claimed(CHANGE - HOUR), "runOnce", CHANGE + 20 * MINUTE)
    expect(plan).toEqual({ initialDelayMillis: 0, firstDue: CHANGE + HOUR, catchUp: CHANGE - 15 * MINUTE, missed: 3 })
  })

  it("a daily match in the repeated hour, taken over within it: today's match missed, tomorrow's next", () => {
    const DAY = 24 * HOUR
    // 01:30 local: 05:30Z (EDT) up to the change, 06:30Z (EST) after it
    const yesterday = CHANGE - DAY - 30 * MINUTE
    const today = CHANGE - 30 * MINUTE
    const tomorrow = CHANGE + DAY + 30 * MINUTE
    const daily: Takeover.CronMatches = {
      next: (wall) => {
        if (wall < today) return wall < yesterday ? yesterday : today
        if (wall >= CHANGE && wall < CHANGE + 30 * MINUTE) return today
        return wall < tomorrow ? tomorrow : tomorrow + DAY
      },
      latest: (wall) => {
        if (wall >= CHANGE && wall < CHANGE + 30 * MINUTE) return yesterday
        if (wall >= tomorrow) return tomorrow
        return wall >= today ? today : yesterday
      },
      count: (after, before) => [yesterday, today, tomorrow].filter((match) => after < match && match < before).length
    }
    const plan = Takeover.plan({ _tag: "Cron", matches: daily }, claimed(yesterday), "runOnce", CHANGE + 10 * MINUTE)
    expect(plan).toEqual({ initialDelayMillis: 0, firstDue: tomorrow, catchUp: today, missed: 1 })
  })

  it("property: from any instant around the change, the plan is the walk's from before it", () => {
    fc.assert(fc.property(
      fc.constantFrom(1_000, MINUTE, 15 * MINUTE, HOUR),
      fc.integer({ min: CHANGE - 2 * HOUR, max: CHANGE + 2 * HOUR }),
      fc.integer({ min: 0, max: 3 * HOUR }),
      (period, now, back) => {
        const rule = fallBackRule(period)
        const matches = walk(rule.next, CHANGE - 6 * HOUR, CHANGE + 4 * HOUR)
        // the last claimed tick: the first match of the walk at most `back` before now (or the last before it)
        const before = matches.filter((match) => match < now)
        const last = before.find((match) => match >= now - back) ?? before[before.length - 1]
        const missed = matches.filter((match) => last < match && match <= now)
        const plan = Takeover.plan({ _tag: "Cron", matches: rule }, claimed(last), "runOnce", now)
        expect(plan).toEqual({
          initialDelayMillis: 0,
          firstDue: matches.find((match) => match > now),
          catchUp: missed.at(-1),
          missed: missed.length
        })
      }
    ))
  })
})
