/**
 * What a `Repeater` service reports on its `events` stream.
 *
 * @since 1.0.0
 */
import type * as Cause from "effect/Cause"
import type * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"

/**
 * Why a stop ended the way it did: the repeater was `idle` (no run in flight),
 * its in-flight run `finished` within the grace period, or the run was
 * `interrupted` when the grace ran out.
 *
 * @since 1.0.0
 * @category models
 */
export type StopResult = "idle" | "finished" | "interrupted"

/**
 * @since 1.0.0
 * @category models
 */
export type RepeaterEvent =
  | RunStarted
  | RunSucceeded
  | RunFailed
  | TickSkipped
  | Stopped
  | Completed
  | Failed

interface RunInfo {
  /** The repeater's name. */
  readonly name: string
  /** The run's index: the first run of a repeater is run 1. */
  readonly run: number
  /** When the run was due (before jitter); for `runNow`, when it was asked for. */
  readonly scheduledAt: DateTime.Utc
  /** When it really started. */
  readonly startedAt: DateTime.Utc
}

/**
 * @since 1.0.0
 * @category models
 */
export interface RunStarted extends RunInfo {
  readonly _tag: "RunStarted"
}

/**
 * @since 1.0.0
 * @category models
 */
export interface RunSucceeded extends RunInfo {
  readonly _tag: "RunSucceeded"
  readonly duration: Duration.Duration
}

/**
 * A run failed (typed failure, defect or timeout). `cause` is the full Cause.
 *
 * @since 1.0.0
 * @category models
 */
export interface RunFailed extends RunInfo {
  readonly _tag: "RunFailed"
  readonly duration: Duration.Duration
  readonly cause: Cause.Cause<unknown>
}

/**
 * Scheduled ticks that were not run because a run was still in flight when
 * they fell due. `run` is the run whose length made them pass, `scheduledAt`
 * the first skipped tick and `count` how many were skipped.
 *
 * @since 1.0.0
 * @category models
 */
export interface TickSkipped {
  readonly _tag: "TickSkipped"
  readonly name: string
  readonly run: number
  readonly scheduledAt: DateTime.Utc
  readonly count: number
}

/**
 * The repeater was stopped (by `stop`, or by closing its Scope or the service).
 *
 * @since 1.0.0
 * @category models
 */
export interface Stopped {
  readonly _tag: "Stopped"
  readonly name: string
  readonly runs: number
  readonly result: StopResult
}

/**
 * The repeater ended on its own: `maxRepetitions` reached, or its `schedule`
 * is done.
 *
 * @since 1.0.0
 * @category models
 */
export interface Completed {
  readonly _tag: "Completed"
  readonly name: string
  readonly runs: number
}

/**
 * The repeater ended because a run failed with `onError: "stop"`.
 *
 * @since 1.0.0
 * @category models
 */
export interface Failed {
  readonly _tag: "Failed"
  readonly name: string
  readonly runs: number
  readonly cause: Cause.Cause<unknown>
}
