import { CronMatches } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Cron } from "effect"

/** The walk cron repeaters took before: one `Cron.next` per match. */
const walk = (cron: Cron.Cron, after: number, before: number): number => {
  let count = 0
  for (let match = Cron.next(cron, after).getTime(); match < before; match = Cron.next(cron, match).getTime()) count++
  return count
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Changes of offset (daylight saving time, both ways; Lord Howe's is half an hour). */
const instants = [
  "2024-03-31T01:00:00Z", // Europe/Paris, forward
  "2024-10-27T01:00:00Z", // Europe/Paris, back
  "2024-03-10T07:00:00Z", // America/New_York, forward
  "2024-11-03T06:00:00Z", // America/New_York, back
  "2024-04-06T15:00:00Z", // Australia/Lord_Howe, back by half an hour
  "2024-10-05T15:30:00Z" // Australia/Lord_Howe, forward by half an hour
].map((iso) => new Date(iso).getTime())

describe("CronMatches.count", () => {
  it("intervals over a change of offset, both ways, counted on the calendar as the walk meets them", () => {
    const rules = ["*/20 * * * *", "30 2 * * *", "0 0,30 1-3 * * *", "*/10 2 * * * *", "0 30 * * * *", "0 0 * * 0"]
    for (const zone of ["Europe/Paris", "America/New_York", "Australia/Lord_Howe"]) {
      for (const instant of instants) {
        for (const expression of rules) {
          for (const onDstOverlap of ["earlier", "later", "both"] as const) {
            const cron = Cron.parseUnsafe(expression, zone, { onDstOverlap })
            const after = instant - 3 * HOUR - 1
            const before = instant + 3 * HOUR + 1
            const label = `${expression} ${zone} ${onDstOverlap}`
            assert.strictEqual(CronMatches.count(cron, after, before), walk(cron, after, before), label)
            // an interval from long before the change to long after it: the change itself counted, not walked over
            const wide = [instant - 2 * DAY - 1, instant + 2 * DAY + 1] as const
            assert.strictEqual(CronMatches.count(cron, ...wide), walk(cron, ...wide), label)
          }
        }
      }
    }
  })

  it("counts a year of a per-second rule, and is empty when the interval is", () => {
    const everySecond = Cron.parseUnsafe("* * * * * *", "UTC")
    const start = new Date("2025-01-01T00:00:00Z").getTime()
    assert.strictEqual(CronMatches.count(everySecond, start, start + 365 * DAY), 365 * 86_400 - 1)
    assert.strictEqual(CronMatches.count(everySecond, start, start), 0)
    assert.strictEqual(CronMatches.count(everySecond, start + 10, start), 0)
    // data-last, and a zone that changes its offset twice that year: the walk meets the local times of the hour that
    // occurs twice in October only once
    const paris = Cron.parseUnsafe("* * * * * *", "Europe/Paris")
    assert.strictEqual(CronMatches.count(start, start + 365 * DAY)(paris), 365 * 86_400 - 1 - 3_600)
  })
})
