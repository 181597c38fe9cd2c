/**
 * Where a new holder of a durable schedule picks it up (a cluster repeater
 * taken over by another runner, or restarted): the instant of its next tick,
 * the ticks that fell due while nobody held it, and the latest of them to run
 * at once with `missed: "runOnce"`. The durable state is the last tick
 * claimed, and when its run started and finished; times are wall-clock epoch
 * milliseconds.
 *
 * A binding describes its timing: `every` as it is, a cron rule by its
 * matches (`CronMatches`: the first match after an instant, the latest at or
 * before one, and the count between two), a schedule by its tag alone (its
 * state is not stored: it starts over).
 *
 * @since 0.1.0
 */
import * as internal from "./internal/takeover.js"

/**
 * What to do with the ticks that fell due while nobody held the schedule:
 * `"skip"` them, or run the latest of them at once (`"runOnce"`). Both count
 * them as missed.
 *
 * @since 0.1.0
 * @category models
 */
export type MissedPolicy = "skip" | "runOnce"

/**
 * A cron rule's matches, as a binding describes them (wall-clock epoch
 * milliseconds). Answers that are off at a change of the zone's offset are
 * corrected: `next` as the cron trigger does (`Trigger.cron`: a match at or
 * before the instant asked from is walked on from, to the first match after
 * it), `latest` by walking on with `next` to the latest match at or before
 * the instant (and by asking again from earlier should it answer a later
 * one), so the plan follows the walk with `next` from before the change.
 *
 * @since 0.1.0
 * @category models
 */
export interface CronMatches {
  /** The first match strictly after a wall time. */
  readonly next: (wallMillis: number) => number
  /** The latest match at or before a wall time. */
  readonly latest: (wallMillis: number) => number
  /**
   * How many matches the walk `m = next(after)`, `m = next(m)`, … meets before
   * `before` (the matches `after < m < before` it visits), without visiting
   * them one by one (see `CronCount`).
   */
  readonly count: (afterWallMillis: number, beforeWallMillis: number) => number
}

/**
 * When the schedule runs: one of `EveryTiming`, `CronTiming` and
 * `ScheduleTiming`.
 *
 * @since 0.1.0
 * @category models
 */
export type Timing = EveryTiming | CronTiming | ScheduleTiming

/**
 * Every `every` milliseconds: `"delay"` between the end of a run and the
 * start of the next, `"rate"` on a fixed grid. `initialDelayMillis` is the
 * delay of the first run ever.
 *
 * @since 0.1.0
 * @category models
 */
export interface EveryTiming {
  readonly _tag: "Every"
  readonly mode: "delay" | "rate"
  readonly every: number
  readonly initialDelayMillis: number
}

/**
 * At the matches of a cron rule.
 *
 * @since 0.1.0
 * @category models
 */
export interface CronTiming {
  readonly _tag: "Cron"
  readonly matches: CronMatches
}

/**
 * When a schedule says: its state is not stored, so it starts over.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScheduleTiming {
  readonly _tag: "Schedule"
}

/**
 * What the plan reads of the durable state: the last tick claimed, when its
 * run started, when it finished (`undefined`: never).
 *
 * @since 0.1.0
 * @category models
 */
export interface State {
  readonly lastScheduled: number | undefined
  readonly lastStarted: number | undefined
  readonly lastFinished: number | undefined
}

/**
 * Where the holder picks up the schedule.
 *
 * @since 0.1.0
 * @category models
 */
export interface Plan {
  /**
   * The initial delay to give the in-process repeater, in milliseconds;
   * `undefined`: keep the schedule's own first-run options (a first start of
   * a cron rule, a schedule).
   */
  readonly initialDelayMillis: number | undefined
  /** The instant of the first regular tick (rate mode anchors its grid there); `NaN` when unknown. */
  readonly firstDue: number
  /** With `"runOnce"`: the latest missed tick, to run at once. */
  readonly catchUp: number | undefined
  /** How many ticks fell due while nobody held the schedule. */
  readonly missed: number
}

/**
 * The first start of a schedule that has never run anywhere: as its own
 * first-run options say. Rate mode still needs the instant of its first tick
 * to name the ticks of its grid.
 *
 * @example
 * ```ts
 * import { Takeover } from "@effect-repeater/kernel"
 *
 * const plan = Takeover.firstStart({ _tag: "Every", mode: "rate", every: 1_000, initialDelayMillis: 250 }, 10_000)
 * // 250 10250
 * console.log(plan.initialDelayMillis, plan.firstDue)
 * ```
 *
 * @since 0.1.0
 * @category planning
 */
export const firstStart: (timing: Timing, now: number) => Plan = internal.firstStart

/**
 * Where a new holder continues a schedule that has run before, at `now`: the
 * next tick after the last one claimed (`every`: on the rate grid, or `every`
 * after the end of the last run; cron: the first match after `now`, never one
 * at or before the last claimed tick). The ticks that fell due in the
 * meantime are counted as missed (a tick due exactly at `now` is missed);
 * with `"runOnce"` the latest of them is to run at once. A cron rule's missed
 * matches are counted with its `count`, not one by one, so that a long outage
 * of a frequent rule costs a few steps.
 *
 * @example
 * ```ts
 * import { Takeover } from "@effect-repeater/kernel"
 *
 * const hourly: Takeover.CronMatches = {
 *   next: (wall) => Math.floor(wall / 3_600_000) * 3_600_000 + 3_600_000,
 *   latest: (wall) => Math.floor(wall / 3_600_000) * 3_600_000,
 *   count: (after, before) => Math.max(0, Math.ceil(before / 3_600_000) - Math.floor(after / 3_600_000) - 1)
 * }
 * const state = { lastScheduled: 0, lastStarted: 0, lastFinished: 1_000 }
 * // down from just after the match of hour 0 to 3 h 5 min: those of hours 1, 2 and 3 are missed
 * const plan = Takeover.plan({ _tag: "Cron", matches: hourly }, state, "runOnce", 11_100_000)
 * // 3 10800000 14400000
 * console.log(plan.missed, plan.catchUp, plan.firstDue)
 * ```
 *
 * @since 0.1.0
 * @category planning
 */
export const plan: (timing: Timing, state: State, policy: MissedPolicy, now: number) => Plan = internal.plan

/**
 * The tick of a rate grid (`firstDue + k * every`) that a run scheduled at
 * `tick` stands for: the in-process grid starts where the plan said, give or
 * take the few milliseconds between the plan and the start of the repeater.
 *
 * @example
 * ```ts
 * import { Takeover } from "@effect-repeater/kernel"
 *
 * // 13000
 * console.log(Takeover.onGrid(10_000, 1_000, 12_998))
 * ```
 *
 * @since 0.1.0
 * @category grid
 */
export const onGrid: (firstDue: number, every: number, tick: number) => number = internal.onGrid

/**
 * The ticks of a rate grid that no run stood for between two runs that stood
 * for the ticks `previous` and `tick` (ticks skipped after an overrun, or a
 * stalled process): how many, and the first of them; `undefined`: none.
 *
 * @example
 * ```ts
 * import { Takeover } from "@effect-repeater/kernel"
 *
 * // { count: 2, from: 11000 }
 * console.log(Takeover.skippedBetween(10_000, 13_000, 1_000))
 * ```
 *
 * @since 0.1.0
 * @category grid
 */
export const skippedBetween: (
  previous: number,
  tick: number,
  every: number
) => { readonly count: number; readonly from: number } | undefined = internal.skippedBetween
