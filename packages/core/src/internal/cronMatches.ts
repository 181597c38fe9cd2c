import * as CronCount from "@effect-repeater/kernel/CronCount"
import * as Cron from "effect/Cron"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"

/**
 * The first match of `cron` strictly after `after` (epoch milliseconds): Effect 3's `Cron.next`, except within the
 * hour a zone's clock repeats when it goes back (America/New_York, 2024-11-03T06:00:00Z to 07:00:00Z), where
 * `Cron.next` answers a match not after `after` (an hour earlier). From there the walk goes on with `Cron.next` to
 * the first match after `after`: the one a walk from before the change reaches (the repeated local hour's matches
 * are not visited a second time), so that a repeater never plans a match in the past (it would run again at once,
 * for the same match, without end).
 *
 * @internal
 */
export const nextMatch = (cron: Cron.Cron) => (after: number): number => {
  let match = Cron.next(cron, after).getTime()
  while (match <= after) {
    const following = Cron.next(cron, match).getTime()
    // (`Cron.next` of a match before the change always moves on; should it not, the search starts an hour later)
    match = following > match ? following : Cron.next(cron, Math.max(after, match) + 3_600_000).getTime()
  }
  return match
}

/**
 * How many matches a walk with `Cron.next` from `after` meets before `before`: the kernel's count
 * (`CronCount`) of the rule, read from the `Cron`, with Effect 3's rules across changes of offset.
 *
 * @internal
 */
export const countMatches = (cron: Cron.Cron): (after: number, before: number) => number => {
  const zone = Option.getOrElse(cron.tz, DateTime.zoneMakeLocal)
  return CronCount.counter({
    seconds: cron.seconds,
    minutes: cron.minutes,
    hours: cron.hours,
    days: cron.days,
    months: cron.months,
    weekdays: cron.weekdays,
    // both the day of the month and the day of the week must match: a field `Cron.parse` keeps without declaring it
    and: "and" in cron && cron.and === true,
    next: (millis) => Cron.next(cron, millis).getTime(),
    offsetAt: (millis) => DateTime.zonedOffset(DateTime.unsafeMakeZoned(millis, { timeZone: zone })),
    fixedOffset: DateTime.isTimeZoneOffset(zone) || CronCount.isFixedZone(zone.id),
    acrossChanges: "count"
  })
}
