import * as CronCount from "@effect-repeater/kernel/CronCount"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const SECOND = 1_000
const HOUR = 3_600 * SECOND
const DAY = 24 * HOUR

interface Fields {
  readonly seconds: ReadonlySet<number>
  readonly minutes: ReadonlySet<number>
  readonly hours: ReadonlySet<number>
  readonly days: ReadonlySet<number>
  readonly months: ReadonlySet<number>
  readonly weekdays: ReadonlySet<number>
  readonly and: boolean
}

const has = (values: ReadonlySet<number>, value: number): boolean => values.size === 0 || values.has(value)

/** Whether a local time (epoch milliseconds of its UTC reading) matches, read with `Date`. */
const matchesLocal = (fields: Fields, local: number): boolean => {
  const date = new Date(local)
  if (
    !has(fields.seconds, date.getUTCSeconds()) || !has(fields.minutes, date.getUTCMinutes()) ||
    !has(fields.hours, date.getUTCHours()) || !has(fields.months, date.getUTCMonth() + 1)
  ) return false
  const day = has(fields.days, date.getUTCDate())
  const weekday = has(fields.weekdays, date.getUTCDay())
  if (fields.and || fields.days.size === 0 || fields.weekdays.size === 0) return day && weekday
  return fields.days.has(date.getUTCDate()) || fields.weekdays.has(date.getUTCDay())
}

/** A rule whose `next` visits the instants, second by second, whose local time matches. */
const rule = (fields: Fields, offsetAt: (millis: number) => number, fixedOffset: boolean): CronCount.Rule => ({
  ...fields,
  offsetAt,
  fixedOffset,
  acrossChanges: "walk",
  next: (millis) => {
    let at = Math.floor(millis / SECOND) * SECOND + SECOND
    while (!matchesLocal(fields, at + offsetAt(at))) at += SECOND
    return at
  }
})

const walk = (rule: CronCount.Rule, after: number, before: number): number => {
  let count = 0
  for (let match = rule.next(after); match < before; match = rule.next(match)) count++
  return count
}

const set = (values: ReadonlyArray<number>): ReadonlySet<number> => new Set(values)

describe("CronCount.counter", () => {
  it("property: counts what the walk meets, days of the month and of the week on the calendar", () => {
    fc.assert(
      fc.property(
        fc.constantFrom([], [1], [15], [29, 30, 31], [28]).map(set),
        fc.constantFrom([], [2], [3, 10], [1, 12]).map(set),
        fc.constantFrom([], [0], [1, 2, 3, 4, 5], [6]).map(set),
        fc.boolean(),
        fc.integer({ min: -200 * 365, max: 200 * 365 }),
        fc.integer({ min: 0, max: 3 * 365 }),
        (days, months, weekdays, and, startDay, length) => {
          // one match a day at most: 12:00:00
          const fields = { seconds: set([0]), minutes: set([0]), hours: set([12]), days, months, weekdays, and }
          const calendarDay = rule(fields, () => 0, true)
          const after = startDay * DAY + 12 * HOUR - 1
          const before = after + length * DAY
          let expected = 0
          for (let day = startDay; day < startDay + length; day++) {
            if (matchesLocal(fields, day * DAY + 12 * HOUR)) expected++
          }
          expect(CronCount.counter(calendarDay)(after, before)).toBe(expected)
        }
      ),
      { numRuns: 200 }
    )
  })

  it("property: counts what the walk meets within days, at a fixed offset", () => {
    fc.assert(
      fc.property(
        fc.constantFrom([], [0], [0, 30], [5, 6, 7]).map(set),
        fc.constantFrom([], [0], [59], [0, 20, 40]).map(set),
        fc.constantFrom([], [0], [23], [1, 2, 3]).map(set),
        fc.integer({ min: -14 * 4, max: 14 * 4 }),
        fc.integer({ min: 0, max: 2 * DAY }),
        fc.integer({ min: 0, max: 6 * HOUR }),
        (seconds, minutes, hours, quarters, start, length) => {
          const fields = { seconds, minutes, hours, days: set([]), months: set([]), weekdays: set([]), and: false }
          const fixed = rule(fields, () => quarters * 15 * 60 * SECOND, true)
          expect(CronCount.counter(fixed)(start, start + length)).toBe(walk(fixed, start, start + length))
        }
      ),
      { numRuns: 100 }
    )
  })

  it("property: across a change of offset, walks the stretch around it", () => {
    const change = 10 * DAY + 3 * HOUR
    fc.assert(
      fc.property(
        fc.constantFrom(HOUR, -HOUR, HOUR / 2, -HOUR / 2),
        fc.constantFrom([0], [0, 30]).map(set),
        fc.integer({ min: 9 * DAY, max: 11 * DAY }),
        fc.integer({ min: 0, max: DAY }),
        (step, minutes, start, length) => {
          const fields = {
            seconds: set([0]),
            minutes,
            hours: set([]),
            days: set([]),
            months: set([]),
            weekdays: set([]),
            and: false
          }
          const zone = rule(fields, (millis) => millis < change ? HOUR : HOUR + step, false)
          expect(CronCount.counter(zone)(start, start + length)).toBe(walk(zone, start, start + length))
        }
      ),
      { numRuns: 100 }
    )
  })

  it("an empty or reversed interval has no match", () => {
    const everySecond = rule(
      {
        seconds: set([]),
        minutes: set([]),
        hours: set([]),
        days: set([]),
        months: set([]),
        weekdays: set([]),
        and: false
      },
      () => 0,
      true
    )
    expect(CronCount.counter(everySecond)(5 * SECOND, 5 * SECOND)).toBe(0)
    expect(CronCount.counter(everySecond)(6 * SECOND, 5 * SECOND)).toBe(0)
    expect(CronCount.counter(everySecond)(0, DAY)).toBe(86_399)
  })

  it("isFixedZone: UTC and its aliases", () => {
    expect(CronCount.isFixedZone("UTC")).toBe(true)
    expect(CronCount.isFixedZone("Etc/UTC")).toBe(true)
    expect(CronCount.isFixedZone("Europe/Paris")).toBe(false)
  })
})
