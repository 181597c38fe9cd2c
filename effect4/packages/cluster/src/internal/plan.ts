/**
 * Pure planning: where a new holder of a cluster repeater picks up its
 * schedule from the durable state, and which scheduled instant a run stands
 * for. Times are wall-clock epoch milliseconds.
 */
import * as CronMatches from "@effect-repeater/core/CronMatches"
import type { RepeaterTiming } from "@effect-repeater/core/RepeaterTiming"
import * as Cron from "effect/Cron"

/** @internal */
export type MissedPolicy = "skip" | "runOnce"

/** What a holder needs of the durable state to plan. @internal */
export interface PlanState {
  readonly lastScheduled: number | undefined
  readonly lastStarted: number | undefined
  readonly lastFinished: number | undefined
}

/** @internal */
export interface Plan {
  /**
   * The initial delay to give the in-process repeater, in milliseconds;
   * `undefined`: keep the user's own `initialDelay` / `waitFirst` (a first
   * start, or a `schedule` trigger).
   */
  readonly initialDelayMillis: number | undefined
  /** The instant of the first regular tick (rate mode anchors its grid there); NaN when unknown. */
  readonly firstDue: number
  /** With `missed: "runOnce"`: the latest missed tick, to run at once. */
  readonly catchUp: number | undefined
  /** How many ticks fell due while no runner held the repeater. */
  readonly missed: number
}

/**
 * The first start of a repeater that has never run anywhere: as its options
 * say (core's first-run rule, `RepeaterTiming.initialDelayMillis`). Rate
 * mode still needs the instant of its first tick to name ticks.
 *
 * @internal
 */
export const planFirstStart = (timing: RepeaterTiming, now: number): Plan =>
  timing._tag === "Every" ?
    {
      initialDelayMillis: timing.initialDelayMillis,
      firstDue: now + timing.initialDelayMillis,
      catchUp: undefined,
      missed: 0
    } :
    { initialDelayMillis: undefined, firstDue: NaN, catchUp: undefined, missed: 0 }

/**
 * Where a new holder continues a schedule that has run before: the next tick
 * after the last scheduled one. Ticks that fell due in the meantime are
 * skipped, or (`runOnce`) the latest of them is run at once.
 *
 * @internal
 */
export const planTakeover = (
  timing: RepeaterTiming,
  state: PlanState,
  policy: MissedPolicy,
  now: number
): Plan => {
  if (timing._tag === "Every") {
    const every = timing.every
    const base = timing.mode === "rate" ?
      state.lastScheduled :
      state.lastFinished ?? state.lastStarted ?? state.lastScheduled
    if (base === undefined) return { initialDelayMillis: 0, firstDue: now, catchUp: undefined, missed: 0 }
    const due = base + every
    if (due > now) return { initialDelayMillis: due - now, firstDue: due, catchUp: undefined, missed: 0 }
    const missed = Math.floor((now - due) / every) + 1
    const latest = due + (missed - 1) * every
    const next = latest + every
    return {
      initialDelayMillis: next - now,
      firstDue: next,
      catchUp: policy === "runOnce" ? latest : undefined,
      missed
    }
  }
  if (timing._tag === "Cron") {
    const cron = timing.cron
    const last = state.lastScheduled
    const next = Cron.next(cron, now).getTime()
    if (last === undefined) return { initialDelayMillis: 0, firstDue: next, catchUp: undefined, missed: 0 }
    // the latest match at or before now (Effect 4's `Cron.prev` is strictly before its input, to the millisecond)
    const previous = Cron.prev(cron, now + 1).getTime()
    const latest = previous > last ? previous : undefined
    // counted on the calendar, not one by one: a long outage of a frequent cron must not block the runner (and its
    // shard locks)
    const missed = latest === undefined ? 0 : CronMatches.count(cron, last, latest + 1)
    return {
      initialDelayMillis: 0,
      firstDue: next,
      catchUp: policy === "runOnce" ? latest : undefined,
      missed
    }
  }
  // a schedule cannot be stored: it starts over with its own options
  return { initialDelayMillis: undefined, firstDue: NaN, catchUp: undefined, missed: 0 }
}

/**
 * The tick of the durable grid (`firstDue + k * every`) that the in-process
 * repeater's tick `tick` stands for: core's grid starts where the plan said,
 * give or take the few milliseconds between the plan and the fork.
 *
 * @internal
 */
export const onGrid = (firstDue: number, every: number, tick: number): number =>
  firstDue + Math.round((tick - firstDue) / every) * every

/**
 * The ticks of a rate grid that no run stood for between two runs that
 * stood for `previous` and `tick` (overrun ticks core skipped, or a stalled
 * process): how many, and the first of them.
 *
 * @internal
 */
export const skippedBetween = (
  previous: number,
  tick: number,
  every: number
): { readonly count: number; readonly from: number } | undefined => {
  const count = Math.round((tick - previous) / every) - 1
  return count > 0 ? { count, from: previous + every } : undefined
}
