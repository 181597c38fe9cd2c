import { CronMatches } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Cron } from "effect"
import * as fc from "effect/FastCheck"

/** The walk cron repeaters took before: one `Cron.next` per match. */
const walk = (cron: Cron.Cron, after: number, before: number): number => {
  let count = 0
  // (an empty interval holds no match: at the very instant a zone's clock goes back, Effect 3's `Cron.next` answers a
  // match an hour earlier, which a walk to an instant not after `after` would count)
  if (before <= after) return 0
  for (let match = Cron.next(cron, after).getTime(); match < before; match = Cron.next(cron, match).getTime()) count++
  return count
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Changes of offset (daylight saving time, both ways; Lord Howe's is half an hour) and ordinary days. */
const instants = [
  "2024-03-31T01:00:00Z", // Europe/Paris, forward
  "2024-10-27T01:00:00Z", // Europe/Paris, back
  "2024-03-10T07:00:00Z", // America/New_York, forward
  "2024-11-03T06:00:00Z", // America/New_York, back
  "2024-04-06T15:00:00Z", // Australia/Lord_Howe, back by half an hour
  "2024-10-05T15:30:00Z", // Australia/Lord_Howe, forward by half an hour
  "2024-02-28T12:00:00Z", // a leap day ahead
  "2023-12-31T23:00:00Z" // a new year
].map((iso) => new Date(iso).getTime())

const zones = ["UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]

const seconds = ["*", "0", "*/15", "0,30", "5-10"]
const rule = fc.record({
  seconds: fc.constantFrom(...seconds),
  minutes: fc.constantFrom("*", "0", "*/20", "30", "0,59"),
  hours: fc.constantFrom("*", "2", "0-3", "*/6", "1,2,3", "23"),
  days: fc.constantFrom("*", "1", "15", "*/2", "29-31"),
  months: fc.constantFrom("*", "3,10", "11", "*/2", "2"),
  weekdays: fc.constantFrom("*", "0", "1-5", "*/2", "6")
})

describe("CronMatches.count", () => {
  it("property: counts what the walk with Cron.next meets, across changes of offset", () => {
    fc.assert(
      fc.property(
        rule,
        fc.constantFrom(...zones),
        fc.constantFrom(...instants),
        fc.integer({ min: -2 * DAY, max: 2 * DAY }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (fields, zone, instant, shift, fraction) => {
          const expression = [fields.seconds, fields.minutes, fields.hours, fields.days, fields.months, fields.weekdays]
            .join(" ")
          const cron = Cron.unsafeParse(expression, zone)
          // (the walk is slow: shorter intervals for frequent rules)
          const longest = fields.seconds === "*" ? 5 * HOUR : fields.seconds === "*/15" ? 20 * HOUR : 4 * DAY
          const after = instant + shift
          const before = after + Math.round(fraction * longest)
          assert.strictEqual(CronMatches.count(cron, after, before), walk(cron, after, before), expression)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("property: intervals that start or end on a match, or inside the hour a change of offset repeats", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("0 */10 * * * *", "*/30 * * * * *", "30 2 * * *", "0 0,30 1-3 * * *", "0 15,45 * * * *"),
        fc.constantFrom("Europe/Paris", "America/New_York", "Australia/Lord_Howe"),
        fc.constantFrom(...instants.slice(0, 6)),
        fc.integer({ min: -4 * 3_600, max: 2 * 3_600 }),
        fc.integer({ min: 0, max: 6 * 3_600 }),
        (expression, zone, instant, shiftSeconds, lengthSeconds) => {
          const cron = Cron.unsafeParse(expression, zone)
          const after = instant + shiftSeconds * 1_000
          const before = after + lengthSeconds * 1_000
          assert.strictEqual(CronMatches.count(cron, after, before), walk(cron, after, before), expression)
        }
      ),
      { numRuns: 150 }
    )
  })

  it("intervals over a change of offset, both ways, counted on the calendar as the walk meets them", () => {
    const rules = ["*/20 * * * *", "30 2 * * *", "0 0,30 1-3 * * *", "*/10 2 * * * *", "0 30 * * * *", "0 0 * * 0"]
    for (const zone of ["Europe/Paris", "America/New_York", "Australia/Lord_Howe"]) {
      for (const instant of instants.slice(0, 6)) {
        for (const expression of rules) {
          const cron = Cron.unsafeParse(expression, zone)
          const after = instant - 3 * HOUR - 1
          const before = instant + 3 * HOUR + 1
          assert.strictEqual(CronMatches.count(cron, after, before), walk(cron, after, before), `${expression} ${zone}`)
        }
      }
    }
  })

  it("counts a year of a per-second rule, and is empty when the interval is", () => {
    const everySecond = Cron.unsafeParse("* * * * * *", "UTC")
    const start = new Date("2025-01-01T00:00:00Z").getTime()
    assert.strictEqual(CronMatches.count(everySecond, start, start + 365 * DAY), 365 * 86_400 - 1)
    assert.strictEqual(CronMatches.count(everySecond, start, start), 0)
    assert.strictEqual(CronMatches.count(everySecond, start + 10, start), 0)
    // data-last, and a zone that changes its offset twice that year: the walk meets the local times of the hour that
    // occurs twice in October only once
    const paris = Cron.unsafeParse("* * * * * *", "Europe/Paris")
    assert.strictEqual(CronMatches.count(start, start + 365 * DAY)(paris), 365 * 86_400 - 1 - 3_600)
  })
})

describe("CronMatches.describe", () => {
  it("property: latest is the match at or before an instant, next the first after it, to the millisecond", () => {
    const rules = ["* * * * * *", "*/15 * * * * *", "0 * * * *", "30 1 * * *"].map((expression) =>
      Cron.unsafeParse(expression, "Europe/Paris")
    )
    const start = new Date("2025-06-01T00:00:00Z").getTime()
    fc.assert(fc.property(
      fc.constantFrom(...rules),
      fc.integer({ min: 0, max: 3 * DAY }),
      fc.constantFrom(-1, 0, 1, 999),
      (cron, at, shift) => {
        const matches = CronMatches.describe(cron)
        // an instant on a match, or a millisecond or so around one
        const instant = matches.next(start + at) + shift
        const latest = matches.latest(instant)
        assert.isAtMost(latest, instant)
        assert.strictEqual(Cron.next(cron, latest).getTime(), matches.next(instant))
        assert.isAbove(matches.next(instant), instant)
        assert.strictEqual(matches.count(latest - 1, instant + 1), 1)
      }
    ))
  })
})
