/**
 * What a `Repeater` service reports on its `events` stream: a
 * `Data.TaggedEnum` with its constructors, `$is` and `$match`, and its JSON
 * `Schema`.
 *
 * @since 1.0.0
 */
import type * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import type * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import { CauseFromPretty, Count, DateTimeIso, DurationMillis } from "./internal/jsonSchemas.js"

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
 * The `Schema` of a `StopResult` (a string in JSON).
 *
 * @example
 * ```ts
 * import { RepeaterEvent } from "@effect-repeater/core"
 * import { Schema } from "effect"
 *
 * Schema.is(RepeaterEvent.StopResultSchema)("finished") // true
 * ```
 *
 * @since 1.0.0
 * @category schemas
 */
export const StopResultSchema: Schema.Codec<StopResult> = Schema.Literals(["idle", "finished", "interrupted"])
  .annotate({ identifier: "StopResult", description: "How a stop ended: idle, finished or interrupted" })

/**
 * The fields every run event has.
 *
 * @since 1.0.0
 * @category models
 */
export interface RunInfo {
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
 * Every event, by tag:
 *
 * - `RunStarted`: a run started;
 * - `RunSucceeded`: a run succeeded, in `duration`;
 * - `RunFailed`: a run failed (typed failure, defect or timeout); `cause` is the full Cause;
 * - `TickSkipped`: scheduled ticks were not run because a run was still in
 *   flight when they fell due. `run` is the run whose length made them pass,
 *   `scheduledAt` the first skipped tick and `count` how many were skipped;
 * - `Stopped`: the repeater was stopped (by `stop`, or by closing its Scope or the service);
 * - `Completed`: the repeater ended on its own (`maxRepetitions` reached, or its `schedule` is done);
 * - `Failed`: the repeater ended because a run failed with `onError: "stop"`.
 *
 * @example
 * ```ts
 * import { Repeater, RepeaterEvent } from "@effect-repeater/core"
 * import { Effect, Stream } from "effect"
 *
 * const describe = RepeaterEvent.$match({
 *   RunStarted: (event) => `${event.name}: run ${event.run} started`,
 *   RunSucceeded: (event) => `${event.name}: run ${event.run} succeeded`,
 *   RunFailed: (event) => `${event.name}: run ${event.run} failed`,
 *   TickSkipped: (event) => `${event.name}: ${event.count} tick(s) skipped`,
 *   Stopped: (event) => `${event.name} stopped (${event.result})`,
 *   Completed: (event) => `${event.name} completed`,
 *   Failed: (event) => `${event.name} failed`
 * })
 *
 * const logEvents = Repeater.events.pipe(Stream.runForEach((event) => Effect.log(describe(event))))
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type RepeaterEvent = Data.TaggedEnum<{
  RunStarted: RunInfo
  RunSucceeded: RunInfo & { readonly duration: Duration.Duration }
  RunFailed: RunInfo & { readonly duration: Duration.Duration; readonly cause: Cause.Cause<unknown> }
  TickSkipped: {
    readonly name: string
    readonly run: number
    readonly scheduledAt: DateTime.Utc
    readonly count: number
  }
  Stopped: { readonly name: string; readonly runs: number; readonly result: StopResult }
  Completed: { readonly name: string; readonly runs: number }
  Failed: { readonly name: string; readonly runs: number; readonly cause: Cause.Cause<unknown> }
}>

/**
 * @since 1.0.0
 * @category models
 */
export type RunStarted = Data.TaggedEnum.Value<RepeaterEvent, "RunStarted">

/**
 * @since 1.0.0
 * @category models
 */
export type RunSucceeded = Data.TaggedEnum.Value<RepeaterEvent, "RunSucceeded">

/**
 * @since 1.0.0
 * @category models
 */
export type RunFailed = Data.TaggedEnum.Value<RepeaterEvent, "RunFailed">

/**
 * @since 1.0.0
 * @category models
 */
export type TickSkipped = Data.TaggedEnum.Value<RepeaterEvent, "TickSkipped">

/**
 * @since 1.0.0
 * @category models
 */
export type Stopped = Data.TaggedEnum.Value<RepeaterEvent, "Stopped">

/**
 * @since 1.0.0
 * @category models
 */
export type Completed = Data.TaggedEnum.Value<RepeaterEvent, "Completed">

/**
 * @since 1.0.0
 * @category models
 */
export type Failed = Data.TaggedEnum.Value<RepeaterEvent, "Failed">

export const {
  /**
   * A guard for one tag.
   *
   * @example
   * ```ts
   * import { Repeater, RepeaterEvent } from "@effect-repeater/core"
   * import { Effect, Stream } from "effect"
   *
   * const logFailures = Repeater.events.pipe(
   *   Stream.filter(RepeaterEvent.$is("RunFailed")),
   *   Stream.runForEach((event) => Effect.logWarning(`${event.name} run ${event.run} failed`))
   * )
   * ```
   *
   * @since 1.0.0
   * @category guards
   */
  $is,
  /**
   * Matches an event by its tag; every tag must be handled.
   *
   * @example
   * ```ts
   * import { RepeaterEvent } from "@effect-repeater/core"
   *
   * const isEnd = RepeaterEvent.$match({
   *   RunStarted: () => false,
   *   RunSucceeded: () => false,
   *   RunFailed: () => false,
   *   TickSkipped: () => false,
   *   Stopped: () => true,
   *   Completed: () => true,
   *   Failed: () => true
   * })
   * ```
   *
   * @since 1.0.0
   * @category pattern matching
   */
  $match,
  /**
   * @since 1.0.0
   * @category constructors
   */
  Completed,
  /**
   * @since 1.0.0
   * @category constructors
   */
  Failed,
  /**
   * @since 1.0.0
   * @category constructors
   */
  RunFailed,
  /**
   * @example
   * ```ts
   * import { RepeaterEvent } from "@effect-repeater/core"
   * import { DateTime } from "effect"
   *
   * const at = DateTime.makeUnsafe("2026-01-01T00:00:00Z")
   * const event = RepeaterEvent.RunStarted({ name: "nightly", run: 1, scheduledAt: at, startedAt: at })
   * ```
   *
   * @since 1.0.0
   * @category constructors
   */
  RunStarted,
  /**
   * @since 1.0.0
   * @category constructors
   */
  RunSucceeded,
  /**
   * @since 1.0.0
   * @category constructors
   */
  Stopped,
  /**
   * @since 1.0.0
   * @category constructors
   */
  TickSkipped
} = Data.taggedEnum<RepeaterEvent>()

/**
 * An event as JSON (the encoded side of `RepeaterEventSchema`): times are
 * ISO 8601 strings (UTC), durations are milliseconds under `durationMillis`
 * (`"Infinity"` for an infinite one), causes are pretty-printed.
 *
 * @since 1.0.0
 * @category schemas
 */
export type RepeaterEventEncoded =
  | RunInfoEncoded<"RunStarted">
  | RunInfoEncoded<"RunSucceeded"> & { readonly durationMillis: number | "Infinity" }
  | RunInfoEncoded<"RunFailed"> & { readonly durationMillis: number | "Infinity"; readonly cause: string }
  | {
    readonly _tag: "TickSkipped"
    readonly name: string
    readonly run: number
    readonly scheduledAt: string
    readonly count: number
  }
  | { readonly _tag: "Stopped"; readonly name: string; readonly runs: number; readonly result: StopResult }
  | { readonly _tag: "Completed"; readonly name: string; readonly runs: number }
  | { readonly _tag: "Failed"; readonly name: string; readonly runs: number; readonly cause: string }

/**
 * The JSON fields every run event has.
 *
 * @since 1.0.0
 * @category schemas
 */
export interface RunInfoEncoded<Tag extends string> {
  readonly _tag: Tag
  readonly name: string
  readonly run: number
  readonly scheduledAt: string
  readonly startedAt: string
}

const tags: ReadonlyArray<RepeaterEvent["_tag"]> = [
  "RunStarted",
  "RunSucceeded",
  "RunFailed",
  "TickSkipped",
  "Stopped",
  "Completed",
  "Failed"
]

const runFields = {
  name: Schema.String,
  run: Count,
  scheduledAt: DateTimeIso,
  startedAt: DateTimeIso
}

/**
 * The `Schema` of every event, from and to JSON (see `RepeaterEventEncoded`).
 * Encoding never fails. A Cause goes as its pretty-printed text, with the
 * chain of `cause`s of its errors: its errors themselves do not travel, and
 * decoding gives a Cause that dies with an `Error` whose message is that
 * text (and that encodes back to the same text). Decoded events are equal
 * (`Equal.equals`) to the events they were encoded from when they hold no
 * Cause.
 *
 * @example
 * ```ts
 * import { RepeaterEvent } from "@effect-repeater/core"
 * import { DateTime, Schema } from "effect"
 *
 * const at = DateTime.makeUnsafe("2026-01-01T00:00:00Z")
 * const json = Schema.encodeSync(RepeaterEvent.RepeaterEventSchema)(
 *   RepeaterEvent.RunStarted({ name: "nightly", run: 1, scheduledAt: at, startedAt: at })
 * )
 * // { _tag: "RunStarted", name: "nightly", run: 1, scheduledAt: "2026-01-01T00:00:00.000Z", startedAt: … }
 * ```
 *
 * @since 1.0.0
 * @category schemas
 */
export const RepeaterEventSchema: Schema.Codec<RepeaterEvent, RepeaterEventEncoded> = Schema.Union([
  Schema.TaggedStruct("RunStarted", runFields).annotate({
    identifier: "RunStarted",
    description: "A run started"
  }),
  Schema.TaggedStruct("RunSucceeded", { ...runFields, duration: DurationMillis }).pipe(
    Schema.encodeKeys({ duration: "durationMillis" }),
    // (its JSON's name too, in a JSON Schema or an OpenAPI document: not "RunSucceededEncoded")
    Schema.annotateEncoded({ identifier: "RunSucceeded" })
  ).annotate({
    identifier: "RunSucceeded",
    description: "A run succeeded"
  }),
  Schema.TaggedStruct("RunFailed", { ...runFields, duration: DurationMillis, cause: CauseFromPretty }).pipe(
    Schema.encodeKeys({ duration: "durationMillis" }),
    Schema.annotateEncoded({ identifier: "RunFailed" })
  ).annotate({ identifier: "RunFailed", description: "A run failed (typed failure, defect or timeout)" }),
  Schema.TaggedStruct("TickSkipped", {
    name: Schema.String,
    run: Count,
    scheduledAt: DateTimeIso,
    count: Count
  }).annotate({
    identifier: "TickSkipped",
    description: "Ticks not run because a run was in flight when they fell due: `count` of them, from `scheduledAt`"
  }),
  Schema.TaggedStruct("Stopped", { name: Schema.String, runs: Count, result: StopResultSchema })
    .annotate({ identifier: "Stopped", description: "The repeater was stopped" }),
  Schema.TaggedStruct("Completed", { name: Schema.String, runs: Count }).annotate({
    identifier: "Completed",
    description: "The repeater ended on its own: maxRepetitions reached, or its schedule is done"
  }),
  Schema.TaggedStruct("Failed", { name: Schema.String, runs: Count, cause: CauseFromPretty })
    .annotate({
      identifier: "Failed",
      description: "The repeater ended because a run failed with onError: \"stop\""
    })
]).annotate({
  identifier: "RepeaterEvent",
  description: "An event of a repeater; `_tag` names it",
  message: "Expected a RepeaterEvent: an object whose _tag is one of " + tags.join(", ")
})
