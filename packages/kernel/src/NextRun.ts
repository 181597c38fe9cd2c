/**
 * A repeater's next run as a binding keeps it between the trigger's plan and
 * the dispatcher: its scheduled instant (before jitter), its due time (jitter
 * included), the instant its wait was computed from (`basis`) and its jitter.
 * These rules are the same for every binding: how a plan's jitter mode makes
 * the due time, what a resume does with a run that fell due while paused, and
 * how a step of the wall clock moves it.
 *
 * Drawing the jitter is the binding's (it may need effects): `drawsJitter`
 * tells whether one is needed, `place` takes what was drawn.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/nextRun.js"
import type { At, Cell, Trigger } from "./Trigger.js"

/**
 * The fields of the next run, kept on the binding's own object (with the
 * dispatcher's `due`). `nextScheduledAt` is `NaN` while no run is planned (a
 * run in flight, or none yet).
 *
 * @since 0.1.0
 * @category models
 */
export interface NextRun {
  /** When it is due: its scheduled instant plus its jitter, or `basis` for a late run. */
  due: number
  /** Its scheduled instant, before jitter. */
  nextScheduledAt: number
  /** The instant its wait was computed from. */
  nextBasis: number
  /** The random part of `due - nextScheduledAt`. */
  nextJitter: number
}

/**
 * A next run not planned yet.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: () => NextRun = internal.make

/**
 * Whether the plan needs a jitter drawn: its mode is `"draw"` and the
 * repeater's jitter is positive. Otherwise `place` takes `0`.
 *
 * @since 0.1.0
 * @category planning
 */
export const drawsJitter: (plan: At, jitterMillis: number) => boolean = internal.drawsJitter

/**
 * Places the planned run: `"draw"` adds `drawn` (a random number in
 * `[0, jitterMillis)`, floored to whole milliseconds), `"keep"` the jitter of
 * the run it replaces, `"late"` none, the run being due at `basis`.
 *
 * @example
 * ```ts
 * import { NextRun, Trigger } from "@effect-repeater/kernel"
 *
 * const cell = { anchor: NaN, cursor: 0, scheduleState: undefined }
 * const plan = Trigger.everyDelay(1_000).first(cell, 0, 0, undefined)
 * const next = NextRun.make()
 * if (plan._tag === "At") {
 *   NextRun.place(next, plan, NextRun.drawsJitter(plan, 100) ? Math.random() * 100 : 0)
 * }
 * next.due // between 1_000 and 1_099
 * ```
 *
 * @since 0.1.0
 * @category planning
 */
export const place: (next: NextRun, plan: At, drawn: number) => void = internal.place

/**
 * A run started: no next run is planned until it ended.
 *
 * @since 0.1.0
 * @category planning
 */
export const clear: (next: NextRun) => void = internal.clear

/**
 * Whether a next run is planned.
 *
 * @since 0.1.0
 * @category getters
 */
export const isPlanned: (next: NextRun) => boolean = internal.isPlanned

/**
 * The repeater was resumed at `now` with its next run planned: `undefined`
 * when that run keeps its due time, otherwise the run that replaces it (to
 * `place`). A run that fell due while paused is dropped, not caught up.
 *
 * @since 0.1.0
 * @category planning
 */
export const resumed: <F>(
  next: NextRun,
  trigger: Trigger<F>,
  cell: Cell,
  now: number,
  wallNow: number
) => At | undefined = internal.resumed

/**
 * The dispatcher's time was moved by `step` (see `Dispatcher.Item.shiftBy`):
 * the scheduled instant and basis move with it; returns the new due time.
 *
 * @since 0.1.0
 * @category planning
 */
export const shiftBy: (next: NextRun, step: number) => number = internal.shiftBy
