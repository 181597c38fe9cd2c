/**
 * Counting the matches of a cron rule in an interval without visiting them one by one, so that a
 * long step forward of the wall clock (or a long run) costs about one step per day of the interval,
 * not one per match (a per-second rule over a year: 31.5 million matches).
 *
 * The count is the one a walk with the rule's `next` gives. That walk goes from local time to local
 * time (dates and times of the rule's zone): it meets each local time the rule matches once, in
 * order. Where the zone's offset stays the same, they are counted on the calendar (day by day, then
 * hours, minutes and seconds at the ends). Across a change of offset (daylight saving time) the
 * stretch around the change is walked with `next`, or, with `acrossChanges: "count"`, counted by
 * the rules of Effect 3's `Cron.next`: a local time that occurs twice is met once (the first time);
 * of the local times that never occur (a step forward of `Δ`), the first match `N` is met, at the
 * instant `N - Δ` on the clock after the change reads `N`, and the walk goes on after the local
 * time `N + Δ`, so that the matches up to it are not met. An interval that starts or ends near a
 * change (within its size and a minute) is walked there.
 *
 * @internal
 */
import type { Rule } from "../CronCount.js"

const SECOND = 1_000
const MINUTE_SECONDS = 60
const HOUR_SECONDS = 3_600
const DAY_SECONDS = 86_400
const DAY = DAY_SECONDS * SECOND
/** Offsets are sampled this often to find their changes (zones change them months apart). */
const SAMPLE = 7 * DAY
/** How far on each side of a change of offset, beyond its size, the walk is taken for an interval that ends there. */
const MARGIN = 60 * SECOND

/** A change of the zone's offset, at `at`, from `before` to `after`, and the stretch `[start, end)` around it. */
interface Change {
  readonly at: number
  readonly before: number
  readonly after: number
  readonly start: number
  readonly end: number
}

/**
 * How many matches a walk with `rule.next` from `after` meets before `before`: the matches `m`,
 * `after < m < before`, that `m = next(after)`, `m = next(m)`, … visits.
 *
 * @internal
 */
export const counter = (rule: Rule): (after: number, before: number) => number => {
  const calendar = new Calendar(rule)
  const fixed = rule.fixedOffset
  const offsetAt = fixed ? constant(rule.offsetAt(0)) : rule.offsetAt
  const countAcross = rule.acrossChanges === "count"
  const walk = (after: number, before: number): number => {
    let count = 0
    for (let match = rule.next(after); match < before; match = rule.next(match)) count++
    return count
  }
  return (after, before) => {
    if (!(after < before)) return 0
    let count = 0
    // the matches after `from` are still to count
    let from = after
    const found = fixed ? [] : changes(offsetAt, after - SAMPLE, before + SAMPLE)
    for (const change of found) {
      const { end, start } = change
      if (end <= from) continue
      if (start >= before) break
      if (start > from) count += calendar.count(from, start, change.before)
      if (countAcross && start > from && end < before) count += calendar.across(change)
      else count += walk(Math.max(from, start - 1), Math.min(before, end))
      if (end >= before) return count
      from = end - 1
    }
    return count + calendar.count(from, before, offsetAt(before))
  }
}

/** @internal */
export const isFixedZone = (zoneId: string): boolean => FIXED_ZONES.has(zoneId)

/** Zones whose offset never changes. */
const FIXED_ZONES: ReadonlySet<string> = new Set([
  "UTC",
  "Etc/UTC",
  "Etc/UCT",
  "Etc/GMT",
  "GMT",
  "Etc/Universal",
  "Etc/Zulu"
])

const constant = (value: number) => (): number => value

/** The changes of the zone's offset between `from` and `to`, in order, each with its stretch (see `MARGIN`). */
const changes = (offsetAt: (millis: number) => number, from: number, to: number): Array<Change> => {
  const found: Array<Change> = []
  let previous = offsetAt(from)
  for (let at = from; at < to;) {
    const next = Math.min(to, at + SAMPLE)
    const offset = offsetAt(next)
    if (offset !== previous) {
      // the first whole second with the new offset
      let low = Math.floor(at / SECOND)
      let high = Math.ceil(next / SECOND)
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2)
        if (offsetAt(middle * SECOND) === previous) low = middle
        else high = middle
      }
      const change = high * SECOND
      const reach = Math.abs(offset - previous) + MARGIN
      found.push({ at: change, before: previous, after: offset, start: change - reach, end: change + reach })
      previous = offset
    }
    at = next
  }
  return found
}

/** A cron rule's matches on the calendar of local times (dates and times as UTC ones). */
class Calendar {
  private readonly seconds: ReadonlySet<number>
  private readonly minutes: ReadonlySet<number>
  private readonly hours: ReadonlySet<number>
  private readonly perMinute: number
  private readonly perHour: number
  private readonly perDay: number
  /** Both the day of the month and the day of the week must match. */
  private readonly and: boolean

  constructor(private readonly cron: Rule) {
    this.and = cron.and
    this.seconds = cron.seconds
    this.minutes = cron.minutes
    this.hours = cron.hours
    this.perMinute = sizeOr(cron.seconds, 60)
    this.perHour = this.perMinute * sizeOr(cron.minutes, 60)
    this.perDay = this.perHour * sizeOr(cron.hours, 24)
  }

  /**
   * The matches the walk meets in `[change.start, change.end)`, from before the change to after
   * it (see the rules at the top).
   */
  across(change: Change): number {
    const first = (change.start + change.before) / SECOND
    const end = (change.end + change.after) / SECOND
    const all = this.inSeconds(first, end)
    if (change.after <= change.before) return all
    // a step forward: the local times of [gapStart, gapEnd) never occur
    const gapStart = (change.at + change.before) / SECOND
    const gapEnd = (change.at + change.after) / SECOND
    if (this.inSeconds(gapStart, gapEnd) === 0) return all
    // the first match of the gap, found by halves
    let low = gapStart
    let high = gapEnd
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2)
      if (this.inSeconds(gapStart, middle) > 0) high = middle
      else low = middle
    }
    const step = gapEnd - gapStart
    return all - this.inSeconds(low + 1, low + step + 1)
  }

  /** The matches `m`, `after < m < before`, where the zone's offset is `offset` all along. */
  count(after: number, before: number, offset: number): number {
    // in whole seconds of local time: from the first second after `after` to the last before `before`
    const first = Math.floor((after + offset) / SECOND) + 1
    const end = Math.ceil((before + offset) / SECOND)
    return this.inSeconds(first, end)
  }

  /** Matching local seconds in `[first, end)`. */
  private inSeconds(first: number, end: number): number {
    if (first >= end) return 0
    const firstDay = Math.floor(first / DAY_SECONDS)
    const lastDay = Math.floor((end - 1) / DAY_SECONDS)
    if (firstDay === lastDay) return this.inDay(firstDay, first - firstDay * DAY_SECONDS, end - firstDay * DAY_SECONDS)
    let count = this.inDay(firstDay, first - firstDay * DAY_SECONDS, DAY_SECONDS) +
      this.inDay(lastDay, 0, end - lastDay * DAY_SECONDS)
    for (let day = firstDay + 1; day < lastDay; day++) {
      if (this.matchesDay(day)) count += this.perDay
    }
    return count
  }

  /** Matching seconds of `day` (days since the epoch) in `[first, end)` (seconds of the day). */
  private inDay(day: number, first: number, end: number): number {
    if (first >= end || !this.matchesDay(day)) return 0
    return within(
      first,
      end,
      HOUR_SECONDS,
      this.hours,
      this.perHour,
      (hourFirst, hourEnd) =>
        within(
          hourFirst,
          hourEnd,
          MINUTE_SECONDS,
          this.minutes,
          this.perMinute,
          (minuteFirst, minuteEnd) => within(minuteFirst, minuteEnd, 1, this.seconds, 1, () => 1)
        )
    )
  }

  /** The rule's month, day of the month and day of the week, as a cron rule reads them. */
  private matchesDay(day: number): boolean {
    const cron = this.cron
    const date = civilDate(day)
    if (cron.months.size !== 0 && !cron.months.has(date.month)) return false
    const { days, weekdays } = cron
    if (days.size === 0 && weekdays.size === 0) return true
    const weekday = ((day % 7) + 11) % 7
    if (this.and) {
      return (days.size === 0 || days.has(date.day)) && (weekdays.size === 0 || weekdays.has(weekday))
    }
    if (weekdays.size === 0) return days.has(date.day)
    if (days.size === 0) return weekdays.has(weekday)
    return days.has(date.day) || weekdays.has(weekday)
  }
}

/**
 * The month (1-12) and day of the month of a day counted from 1970-01-01 on the proleptic Gregorian
 * calendar (H. Hinnant's `civil_from_days`).
 */
const civilDate = (day: number): { readonly month: number; readonly day: number } => {
  const shifted = day + 719_468
  const era = Math.floor(shifted / 146_097)
  const dayOfEra = shifted - era * 146_097
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) / 365
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153)
  return {
    month: monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9,
    day: dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1
  }
}

const sizeOr = (values: ReadonlySet<number>, all: number): number => values.size === 0 ? all : values.size

/**
 * Matches in `[first, end)` (in seconds, within one larger unit) counted by units of `unit`
 * seconds: whole units that match count `perUnit`, the partial ones at the ends `inside`.
 */
const within = (
  first: number,
  end: number,
  unit: number,
  values: ReadonlySet<number>,
  perUnit: number,
  inside: (first: number, end: number) => number
): number => {
  const matches = (index: number): boolean => values.size === 0 || values.has(index)
  const firstUnit = Math.floor(first / unit)
  const lastUnit = Math.floor((end - 1) / unit)
  if (firstUnit === lastUnit) {
    return matches(firstUnit) ? inside(first - firstUnit * unit, end - firstUnit * unit) : 0
  }
  let count = 0
  if (matches(firstUnit)) count += inside(first - firstUnit * unit, unit)
  if (matches(lastUnit)) count += inside(0, end - lastUnit * unit)
  for (let index = firstUnit + 1; index < lastUnit; index++) {
    if (matches(index)) count += perUnit
  }
  return count
}
