/**
 * The handle of one running repeater: see it, trigger it, pause, resume, stop
 * and join it.
 *
 * @since 1.0.0
 */
import type * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Count, DateTimeIso, DurationMillis } from "./internal/jsonSchemas.js"
import type { RepeaterConfigError, RepeaterScheduleError, RepeaterTimeoutError } from "./RepeaterError.js"
import type { StopResult } from "./RepeaterEvent.js"

/**
 * - `scheduled`: waiting for its next run;
 * - `running`: a run is in flight;
 * - `paused`: no run will be scheduled until `resume` (a run started before
 *   the pause may still be in flight: see `inFlight`);
 * - `stopping`: stop was asked for, the in-flight run has its grace period;
 * - `stopped`, `completed` (`maxRepetitions` reached or the schedule is done),
 *   `failed` (a run failed with `onError: "stop"`): it has ended.
 *
 * @since 1.0.0
 * @category models
 */
export type RepeaterState = "scheduled" | "running" | "paused" | "stopping" | "stopped" | "completed" | "failed"

/**
 * A snapshot of a repeater.
 *
 * @since 1.0.0
 * @category models
 */
export interface RepeaterStatus {
  readonly name: string
  readonly state: RepeaterState
  /** Whether a run is in flight right now. */
  readonly inFlight: boolean
  /** Finished runs, failed ones included (interrupted ones are not). */
  readonly runs: number
  /** Failed runs. */
  readonly failures: number
  /** Ticks that fell due while a run was in flight and were not run. */
  readonly skippedTicks: number
  readonly lastStart: Option.Option<DateTime.Utc>
  readonly lastEnd: Option.Option<DateTime.Utc>
  readonly lastDuration: Option.Option<Duration.Duration>
  /** The last failure's Cause, pretty-printed, with the chain of `cause`s of its errors. */
  readonly lastFailure: Option.Option<string>
  /** When the next run is due (jitter included); none while a run is in flight, paused or ended. */
  readonly nextRun: Option.Option<DateTime.Utc>
}

/**
 * The `Schema` of a `RepeaterState` (a string in JSON).
 *
 * @example
 * ```ts
 * import { RepeaterHandle } from "@effect-repeater/core"
 * import { Schema } from "effect"
 *
 * Schema.is(RepeaterHandle.RepeaterStateSchema)("paused") // true
 * ```
 *
 * @since 1.0.0
 * @category schemas
 */
export const RepeaterStateSchema: Schema.Codec<RepeaterState> = Schema.Literals([
  "scheduled",
  "running",
  "paused",
  "stopping",
  "stopped",
  "completed",
  "failed"
]).annotate({ identifier: "RepeaterState", description: "Where a repeater is in its life" })

/**
 * A `RepeaterStatus` as JSON (the encoded side of `RepeaterStatusSchema`):
 * times are ISO 8601 strings (UTC), the last duration is in milliseconds
 * under `lastDurationMillis` (`"Infinity"` for an infinite one), absent
 * values (`Option.none()`) are `null`.
 *
 * @since 1.0.0
 * @category schemas
 */
export interface RepeaterStatusEncoded {
  readonly name: string
  readonly state: RepeaterState
  readonly inFlight: boolean
  readonly runs: number
  readonly failures: number
  readonly skippedTicks: number
  readonly lastStart: string | null
  readonly lastEnd: string | null
  readonly lastDurationMillis: number | "Infinity" | null
  readonly lastFailure: string | null
  readonly nextRun: string | null
}

/**
 * The `Schema` of a `RepeaterStatus`, from and to JSON (see
 * `RepeaterStatusEncoded`). Encoding never fails: every status a repeater
 * reports can be encoded (a next run that can never come is `null`).
 *
 * @example
 * ```ts
 * import { Repeater, RepeaterHandle } from "@effect-repeater/core"
 * import { Effect, Schema } from "effect"
 *
 * const statusesAsJson = Effect.flatMap(
 *   Repeater.list,
 *   Schema.encodeEffect(Schema.Array(RepeaterHandle.RepeaterStatusSchema))
 * )
 * ```
 *
 * @since 1.0.0
 * @category schemas
 */
export const RepeaterStatusSchema: Schema.Codec<RepeaterStatus, RepeaterStatusEncoded> = Schema.Struct({
  name: Schema.String,
  state: RepeaterStateSchema,
  inFlight: Schema.Boolean,
  runs: Count,
  failures: Count,
  skippedTicks: Count,
  lastStart: Schema.OptionFromNullOr(DateTimeIso),
  lastEnd: Schema.OptionFromNullOr(DateTimeIso),
  lastDuration: Schema.OptionFromNullOr(DurationMillis),
  lastFailure: Schema.OptionFromNullOr(Schema.String).annotate({
    description: "The last failure's Cause, pretty-printed"
  }),
  nextRun: Schema.OptionFromNullOr(DateTimeIso).annotate({
    description: "When the next run is due; null while a run is in flight, paused, ended, or when it can never come"
  })
}).pipe(
  Schema.encodeKeys({ lastDuration: "lastDurationMillis" }),
  // (its JSON's name too, in a JSON Schema or an OpenAPI document: not "RepeaterStatusEncoded")
  Schema.annotateEncoded({ identifier: "RepeaterStatus" })
).annotate({
  identifier: "RepeaterStatus",
  description: "The status of one repeater"
})

/**
 * @since 1.0.0
 * @category models
 */
export interface StopOptions {
  /**
   * How long an in-flight run may go on before it is interrupted. Defaults to
   * the repeater's `grace`, or else the service's `defaultGrace` (30 seconds).
   */
  readonly grace?: Duration.Input | undefined
}

/**
 * @since 1.0.0
 * @category models
 */
export interface RepeaterHandle<E = unknown> {
  readonly name: string
  /** A snapshot of the repeater's state and counters. */
  readonly status: Effect.Effect<RepeaterStatus>
  /**
   * Starts a run now. While a run is in flight, the request is coalesced into
   * one run right after it; while paused, it runs once and stays paused. Does
   * nothing once the repeater is stopping or has ended. A `runNow` run counts
   * toward `maxRepetitions`.
   */
  readonly runNow: Effect.Effect<void>
  /** No new run is scheduled until `resume`; an in-flight run goes on. */
  readonly pause: Effect.Effect<void>
  /**
   * Schedules runs again, without catching up: ticks that fell due while
   * paused are dropped (not counted as skipped).
   */
  readonly resume: Effect.Effect<void>
  /**
   * Stops the repeater: no new run starts, an in-flight run gets the grace
   * period to finish and is then interrupted (its finalizers run). Resolves
   * once the run has really ended, with `"idle"`, `"finished"` or
   * `"interrupted"`. A second stop waits for the first and returns the same
   * result; stopping a repeater that ended on its own returns `"idle"`.
   */
  stop(): Effect.Effect<StopResult>
  stop(options: StopOptions): Effect.Effect<StopResult, RepeaterConfigError>
  /**
   * Waits until the repeater ends: succeeds when it completed or was
   * stopped, fails with the run's error when it failed with
   * `onError: "stop"`, and with a `RepeaterScheduleError` when its
   * `schedule` failed to take a step.
   */
  readonly join: Effect.Effect<void, E | RepeaterTimeoutError | RepeaterScheduleError>
}
