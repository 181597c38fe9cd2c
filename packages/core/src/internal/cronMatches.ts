import * as CronCount from "@effect-repeater/kernel/CronCount"
import type * as Takeover from "@effect-repeater/kernel/Takeover"
import * as Cron from "effect/Cron"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"

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

/**
 * The rule's matches as the kernel's takeover planning reads them: the latest match at or before an
 * instant is `Cron.prev` from just after it (matches fall on whole seconds; Effect 3's `Cron.prev` is
 * strictly before the whole second of its input).
 *
 * @internal
 */
export const describe = (cron: Cron.Cron): Takeover.CronMatches => ({
  next: (millis) => Cron.next(cron, millis).getTime(),
  latest: (millis) => Cron.prev(cron, millis + 1_000).getTime(),
  count: countMatches(cron)
})
