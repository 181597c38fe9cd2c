/**
 * Counting the matches of a cron rule between two instants without visiting
 * them one by one: a per-second rule over a year (31.5 million matches) is
 * counted day by day. The count is the one a walk with the rule's `next`
 * gives, changes of the zone's offset (daylight saving time) included. A
 * binding describes its cron rule as a `Rule` (field sets, `next`, the zone's
 * offset) and passes `counter(rule)` to `Trigger.cron`.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/cronCount.js"

/**
 * A cron rule as the count reads it. The field sets hold the values that
 * match, an empty set matching every value: seconds 0-59, minutes 0-59, hours
 * 0-23, days of the month 1-31, months 1-12, days of the week 0-6 (0 is
 * Sunday). A date matches on its day of the month or its day of the week when
 * both are restricted, on both with `and`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rule {
  readonly seconds: ReadonlySet<number>
  readonly minutes: ReadonlySet<number>
  readonly hours: ReadonlySet<number>
  readonly days: ReadonlySet<number>
  readonly months: ReadonlySet<number>
  readonly weekdays: ReadonlySet<number>
  readonly and: boolean
  /** The first match strictly after an instant (epoch milliseconds). */
  readonly next: (millis: number) => number
  /** How far the zone's local time is ahead of UTC at an instant, in milliseconds. */
  readonly offsetAt: (millis: number) => number
  /** The zone's offset never changes (UTC, a fixed offset): it is read once. */
  readonly fixedOffset: boolean
  /**
   * Across a change of the zone's offset, the matches are met as `next` meets
   * them: `"walk"` visits them with `next` (a few hours around each change);
   * `"count"` counts them by the rules of Effect 3's `Cron.next` (a repeated
   * local time is met once, the first time; a skipped local time's first match
   * is met, and the matches up to its time plus the step are not).
   */
  readonly acrossChanges: "walk" | "count"
}

/**
 * The counting function of a rule: `counter(rule)(after, before)` is how many
 * matches the walk `m = next(after)`, `m = next(m)`, … meets before `before`,
 * the matches `m`, `after < m < before` it visits.
 *
 * @example
 * ```ts
 * import { CronCount } from "@effect-repeater/kernel"
 *
 * const everySecond = CronCount.counter({
 *   seconds: new Set(),
 *   minutes: new Set(),
 *   hours: new Set(),
 *   days: new Set(),
 *   months: new Set(),
 *   weekdays: new Set(),
 *   and: false,
 *   next: (millis) => Math.floor(millis / 1_000) * 1_000 + 1_000,
 *   offsetAt: () => 0,
 *   fixedOffset: true,
 *   acrossChanges: "walk"
 * })
 * // 86 399: every second of the day but its first and the next midnight (both excluded)
 * console.log(everySecond(0, 86_400_000))
 * ```
 *
 * @since 0.1.0
 * @category counting
 */
export const counter: (rule: Rule) => (after: number, before: number) => number = internal.counter

/**
 * Zones whose offset never changes, by IANA name (UTC and its aliases).
 *
 * @since 0.1.0
 * @category zones
 */
export const isFixedZone: (zoneId: string) => boolean = internal.isFixedZone
