/**
 * When a repeater runs: four triggers behind one interface.
 *
 * - `everyDelay`: a fixed pause between the end of a run and the start of the next.
 * - `everyRate`: a fixed grid of ticks; a run that overruns is followed by one run at once for the
 *   latest tick that fell due, the others are skipped (and counted); a run that starts late, past
 *   later ticks (a stall), runs for the latest of them, the others skipped: one run, never a burst.
 * - `cron`: the matches of a calendar rule, computed by a function the binding passes in.
 * - `schedule`: the decisions of a schedule whose step the binding passes in (it may need effects).
 *
 * A trigger holds no state of a repeater: that is the repeater's `Cell`, which the trigger reads and
 * writes, so that one repeater is one object. Times are the dispatcher's (see `Dispatcher.now`),
 * except where they are called wall times.
 *
 * Rules every trigger keeps: a repeater has one run at a time (the next is planned when a run
 * ended); a tick runs at most once; a tick that fell due while the repeater was paused is dropped,
 * not caught up (a resume never bursts).
 *
 * @since 0.1.0
 */
import * as internal from "./internal/trigger.js"
import * as cronInternal from "./internal/triggers/cron.js"

/**
 * What a trigger keeps of one repeater.
 *
 * @since 0.1.0
 * @category models
 */
export interface Cell {
  /** every: the instant of the first tick (the grid's origin); cron: the wall time of the next match. */
  anchor: number
  /** rate: the index of the next tick; cron: the wall time of the last consumed match. */
  cursor: number
  /** schedule: its state. */
  scheduleState: unknown
}

/**
 * How the due time of a planned run is made from its scheduled time:
 * `"draw"` adds a newly drawn jitter, `"keep"` the jitter of the run it
 * replaces (a resume), `"late"` none, the run being due at once, at `basis`
 * (a catch-up run is late, not jittered).
 *
 * @since 0.1.0
 * @category models
 */
export type Jitter = "draw" | "keep" | "late"

/**
 * The next run, at `scheduledAt`, planned at `basis`. `skipped` ticks (the
 * first at `firstSkippedAt`) were overrun by the run that just ended: they are
 * not run.
 *
 * @since 0.1.0
 * @category models
 */
export interface At {
  readonly _tag: "At"
  readonly scheduledAt: number
  readonly basis: number
  readonly jitter: Jitter
  readonly skipped: number
  readonly firstSkippedAt: number
}

/**
 * A schedule's step is needed: the binding runs `step` (what the function it
 * passed in returned for `wallNow` and the schedule's state), then tells the
 * trigger with `stepped`, giving back `now` and `wallNow`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Step<F> {
  readonly _tag: "Step"
  readonly step: F
  readonly now: number
  readonly wallNow: number
}

/**
 * No run any more: the schedule is done.
 *
 * @since 0.1.0
 * @category models
 */
export interface Done {
  readonly _tag: "Done"
}

/**
 * What a trigger plans.
 *
 * @since 0.1.0
 * @category models
 */
export type Plan<F> = At | Step<F> | Done

/**
 * Ticks that fell due during a run and will not run.
 *
 * @since 0.1.0
 * @category models
 */
export interface Skipped {
  readonly count: number
  readonly firstScheduledAt: number
}

/**
 * A run that starts late, past later ticks: it runs for the latest tick that
 * fell due, scheduled at `scheduledAt`; the `count` ticks before it, the first
 * at `firstScheduledAt`, are skipped.
 *
 * @since 0.1.0
 * @category models
 */
export interface Late extends Skipped {
  readonly scheduledAt: number
}

/**
 * A trigger: the rules of one kind of repeater.
 *
 * @since 0.1.0
 * @category models
 */
export interface Trigger<F = never> {
  readonly _tag: "EveryDelay" | "EveryRate" | "Cron" | "Schedule"
  /** Its runs are due at wall-clock times: they move when the wall clock is stepped back. */
  readonly wallAnchored: boolean
  /**
   * The first run of a repeater started at `now` (wall time `wallNow`), after `initialDelay`
   * milliseconds; `undefined`: every waits one period, a schedule takes a step first.
   */
  first(cell: Cell, now: number, wallNow: number, initialDelay: number | undefined): Plan<F>
  /** The run after one that ended at `end` (wall time `wallEnd`); `paused`: it was a runNow run while paused. */
  afterRun(cell: Cell, end: number, wallEnd: number, paused: boolean): Plan<F>
  /**
   * The planned run fell due and starts at `now`. Rate: a run that starts late, past later ticks
   * (the event loop was blocked, the process suspended, the wall clock stepped forward), is the
   * one run that follows the stall: it runs for the latest tick that fell due, the ticks before it
   * are skipped (see `Late`).
   */
  onDue(cell: Cell, now: number): Late | undefined
  /**
   * The repeater is resumed at `now` with a planned run due at `due` (scheduled at `scheduledAt`,
   * planned at `basis`): the run to plan instead, or `undefined` to keep the one planned.
   */
  onResume(
    cell: Cell,
    now: number,
    wallNow: number,
    due: number,
    scheduledAt: number,
    basis: number
  ): At | undefined
  /**
   * A runNow asked for during a run starts when that run ended at `end`: it is the one run that
   * follows the run, so the ticks that fell due meanwhile are consumed (rate: skipped, and not
   * followed by a catch-up run).
   */
  beforeRunNow(cell: Cell, end: number): Skipped | undefined
  /** A schedule's step (see `Step`) gave `state` and the start of its next interval (undefined: done). */
  stepped(cell: Cell, now: number, wallNow: number, state: unknown, start: number | undefined): Plan<F>
}

/**
 * A fixed pause of `every` milliseconds between the end of a run and the start of the next.
 *
 * @since 0.1.0
 * @category constructors
 */
export const everyDelay: (every: number) => Trigger<never> & { readonly every: number } = internal.everyDelay

/**
 * Cron: the matches skipped after a run (a long run, or a step forward of the
 * wall clock) are walked one by one up to this many; the rest are counted with
 * the rule's `count`.
 *
 * @since 0.1.0
 * @category constants
 */
export const WALK_BOUND: number = cronInternal.WALK_BOUND

/**
 * A run every `every` milliseconds on a fixed grid from the first run.
 *
 * @since 0.1.0
 * @category constructors
 */
export const everyRate: (every: number) => Trigger<never> & { readonly every: number } = internal.everyRate

/**
 * A run at each match of a calendar rule: `next` gives the first match strictly after a wall time
 * (epoch milliseconds); `count` how many matches the walk `m = next(after)`, `m = next(m)`, …
 * meets before `before` (the matches `after < m < before` it visits), without visiting them one
 * by one: matches skipped after a run are walked only up to a small bound, the rest counted, so
 * that a long step forward of the wall clock costs the event loop a few steps, not one per match.
 *
 * The trigger never plans a match at or before the wall time it asked `next` from: should `next`
 * answer one (Effect 3's `Cron.next` within the hour a zone's clock repeats when it goes back
 * answers a match an hour earlier), the walk goes on with `next` from it to the first match after
 * that wall time (the one a walk from before the change reaches), so that a repeater never runs
 * the same match again and again.
 *
 * @since 0.1.0
 * @category constructors
 */
export const cron: (
  next: (wallMillis: number) => number,
  count: (afterWallMillis: number, beforeWallMillis: number) => number
) => Trigger<never> = internal.cron

/**
 * A run when a schedule says: `step` starts a step of the schedule from `state` at the wall time
 * `wallNow` (the binding runs what it returns, see `Step`). `initial` is the schedule's first state.
 *
 * @since 0.1.0
 * @category constructors
 */
export const schedule: <F>(initial: unknown, step: (wallNow: number, state: unknown) => F) => Trigger<F> =
  internal.schedule
