/**
 * Counting the matches of a cron rule between two instants without visiting
 * them one by one: a per-second rule over a year (31.5 million matches) is
 * counted day by day, in well under a millisecond a day. The count is the one
 * a walk with `Cron.next` gives, daylight saving changes of the rule's time
 * zone included. Cron repeaters count the matches they skip after a long run
 * or a step forward of the wall clock with it. `describe` hands a rule's
 * matches to the kernel's takeover planning.
 *
 * @since 0.1.0
 */
import type * as Takeover from "@effect-repeater/kernel/Takeover"
import type * as Cron from "effect/Cron"
import { dual } from "effect/Function"
import * as internal from "./internal/cronMatches.js"

/**
 * How many matches a walk with `Cron.next` from `after` meets before `before`
 * (epoch milliseconds): the matches `m`, `after < m < before`, that
 * `m = next(after)`, `m = next(m)`, … visits.
 *
 * @example
 * ```ts
 * import { CronMatches } from "@effect-repeater/core"
 * import { Cron } from "effect"
 *
 * const everySecond = Cron.unsafeParse("* * * * * *", "UTC")
 * const day = 86_400_000
 * // 86 399: every second of the day but its first (excluded) and the next midnight (excluded)
 * console.log(CronMatches.count(everySecond, 0, day))
 * ```
 *
 * @since 0.1.0
 * @category counting
 */
export const count: {
  (after: number, before: number): (cron: Cron.Cron) => number
  (cron: Cron.Cron, after: number, before: number): number
} = dual(3, (cron: Cron.Cron, after: number, before: number): number => internal.countMatches(cron)(after, before))

/**
 * The counting function of one rule, for counting often (it keeps what it
 * works out of the rule): `counter(cron)(after, before)` is
 * `count(cron, after, before)`.
 *
 * @since 0.1.0
 * @category counting
 */
export const counter: (cron: Cron.Cron) => (after: number, before: number) => number = internal.countMatches

/**
 * The rule's matches as the kernel's takeover planning reads them
 * (`Takeover.plan` of `@effect-repeater/kernel`, with which a cluster
 * repeater's new holder picks up its schedule): `next` is `Cron.next`,
 * `latest` the latest match at or before an instant (`Cron.prev`, strictly
 * before the whole second of its input, asked from the instant plus a
 * second), `count` is `counter(cron)`. The kernel corrects answers that are
 * off where the zone's clock goes back (Effect 3's `Cron.next` and
 * `Cron.prev`, asked from within the hour it repeats, read it an hour back).
 *
 * @example
 * ```ts
 * import { CronMatches } from "@effect-repeater/core"
 * import { Cron } from "effect"
 *
 * const hourly = CronMatches.describe(Cron.unsafeParse("0 * * * *", "UTC"))
 * const at = Date.UTC(2026, 0, 1, 12, 0, 0)
 * // true true
 * console.log(hourly.latest(at) === at, hourly.next(at) === at + 3_600_000)
 * ```
 *
 * @since 0.1.0
 * @category takeover
 */
export const describe: (cron: Cron.Cron) => Takeover.CronMatches = internal.describe
