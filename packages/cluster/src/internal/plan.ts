/**
 * Pure planning: where a new holder of a cluster repeater picks up its
 * schedule from the durable state, and which scheduled instant a run stands
 * for. Times are wall-clock epoch milliseconds.
 */
import * as CronMatches from "@effect-repeater/core/CronMatches"
import * as RunPolicy from "@effect-repeater/core/RunPolicy"
import * as Triggers from "@effect-repeater/kernel/Trigger"
import * as Cron from "effect/Cron"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import type * as Schedule from "effect/Schedule"

/**
 * When a cluster repeater runs: the kernel's trigger (an `every` trigger
 * carries its period), with a cron repeater's rule, whose matches before an
 * instant name the ticks a new holder missed and the tick a run stands for.
 *
 * @internal
 */
export interface Timing {
  readonly trigger: Triggers.Trigger<unknown> & { readonly every?: number | undefined }
  readonly cron: Cron.Cron | undefined
}

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
 * The timing of options that core's `Repeater.validate` has accepted: the
 * kernel's triggers, cron in core's default time zone when none is given.
 *
 * @internal
 */
export const timingOf = (options: {
  readonly every?: Duration.DurationInput | undefined
  readonly mode?: "delay" | "rate" | undefined
  readonly cron?: string | undefined
  readonly timeZone?: string | undefined
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
}): Timing => {
  if (options.every !== undefined) {
    const millis = Duration.toMillis(Duration.decode(options.every))
    const trigger = options.mode === "rate" ? Triggers.everyRate(millis) : Triggers.everyDelay(millis)
    return { trigger, cron: undefined }
  }
  if (options.cron !== undefined) {
    const parsed = Cron.parse(options.cron, options.timeZone ?? RunPolicy.localTimeZone())
    if (Either.isRight(parsed)) {
      const cron = parsed.right
      return { trigger: Triggers.cron((wall) => Cron.next(cron, wall).getTime(), CronMatches.counter(cron)), cron }
    }
  }
  const schedule = options.schedule
  return {
    trigger: Triggers.schedule(schedule?.initial, (wallNow, state) => schedule?.step(wallNow, undefined, state)),
    cron: undefined
  }
}

/**
 * The first start of a repeater that has never run anywhere: as its options
 * say. Rate mode still needs the instant of its first tick to name ticks.
 *
 * @internal
 */
export const planFirstStart = ({ trigger }: Timing, initialDelayMillis: number, now: number): Plan => {
  const every = trigger.every !== undefined
  return {
    initialDelayMillis: every ? initialDelayMillis : undefined,
    firstDue: every ? now + initialDelayMillis : NaN,
    catchUp: undefined,
    missed: 0
  }
}

/**
 * Where a new holder continues a schedule that has run before: the next tick
 * after the last scheduled one. Ticks that fell due in the meantime are
 * skipped, or (`runOnce`) the latest of them is run at once.
 *
 * @internal
 */
export const planTakeover = (timing: Timing, state: PlanState, policy: MissedPolicy, now: number): Plan => {
  const { cron, trigger } = timing
  const every = trigger.every
  if (every !== undefined) {
    const base = trigger._tag === "EveryRate" ?
      state.lastScheduled :
      state.lastFinished ?? state.lastStarted ?? state.lastScheduled
    if (base === undefined) return planFirstStart(timing, 0, now)
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
  if (cron !== undefined) {
    const last = state.lastScheduled
    const next = Cron.next(cron, now).getTime()
    if (last === undefined) return { initialDelayMillis: 0, firstDue: next, catchUp: undefined, missed: 0 }
    // the latest match at or before now (matches fall on whole seconds; `Cron.prev` is strictly before the
    // whole second of its input)
    const previous = Cron.prev(cron, now + 1000).getTime()
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
 * The scheduled instant a run that started at `start` stands for, where core
 * does not report it: the cron match at or just before `start` (runs start a
 * little late, never early by more than 50 ms); with `every` in delay mode and
 * with `schedule`, the start itself. (In rate mode, a run stands for the tick
 * core runs it for.)
 *
 * @internal
 */
export const tickOf = ({ cron }: Timing, start: number): number =>
  cron === undefined ?
    start :
    // `Cron.prev` gives the last match strictly before the whole second of its input: cron matches
    // fall on whole seconds, so this is the last match at or before `start` (+ 50 ms of tolerance)
    Cron.prev(cron, start + 50 + 1000).getTime()
