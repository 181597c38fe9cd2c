/**
 * Repeaters that run once across a cluster: each runs as an `effect/cluster`
 * singleton, on exactly one runner at a time, and keeps its schedule in SQL so
 * that a takeover or a restart continues it instead of starting it over.
 *
 * @since 1.0.0
 */
import type { RepeaterOptions } from "@effect-repeater/core/Repeater"
import { RepeaterNotFoundError } from "@effect-repeater/core/RepeaterError"
import type { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import type { Sharding } from "effect/cluster/Sharding"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import type { ClusterRepeaterConfigError } from "./ClusterError.js"
import type { CurrentTick } from "./CurrentTick.js"
import * as internal from "./internal/clusterRepeater.js"
import * as storage from "./internal/storage.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * The options of a cluster repeater: those of core's `Repeater.fork` (one
 * trigger: `every`, `cron` or `schedule`), plus what a cluster needs
 * (`ClusterOptions`). `maxRepetitions` counts runs across the cluster.
 *
 * @since 1.0.0
 * @category models
 */
export type ClusterRepeaterOptions<E = never> = RepeaterOptions<E> & ClusterOptions

/**
 * What a cluster repeater adds to core's options.
 *
 * @since 1.0.0
 * @category models
 */
export interface ClusterOptions {
  /**
   * What a runner that takes the repeater over does with the ticks that fell
   * due while no runner held it (between the last tick and the takeover):
   * - `"runOnce"` (default): runs the latest of them once, at once (coalesced),
   *   then goes on with the schedule;
   * - `"skip"`: drops them and waits for the next tick.
   *
   * A takeover or restart that missed no tick runs nothing early either way.
   */
  readonly missed?: "skip" | "runOnce" | undefined
  /**
   * The `effect/cluster` shard group of the singleton. Default `"default"`.
   * Some runner must be assigned that group (`shardingConfig:
   * { availableShardGroups, assignedShardGroups }`), or the repeater runs nowhere.
   */
  readonly shardGroup?: string | undefined
  /** How this runner is named in the repeater's status. Default `<hostname>:<pid>`. */
  readonly holder?: string | undefined
}

/**
 * How the last run ended, as stored:
 * `running` (claimed, not finished yet), `success`, `failure`,
 * `interrupted`, or `abandoned` (its runner died during the run; it is not
 * run again).
 *
 * @since 1.0.0
 * @category models
 */
export type ClusterRunOutcome = "running" | "success" | "failure" | "interrupted" | "abandoned"

/**
 * A cluster repeater as its durable state shows it, readable on every runner.
 *
 * @since 1.0.0
 * @category models
 */
export interface ClusterRepeaterStatus {
  readonly name: string
  /** The runner that took it last (it may have died since). */
  readonly holder: Option.Option<string>
  readonly heldSince: Option.Option<DateTime.Utc>
  /** The scheduled instant of the last tick claimed. */
  readonly lastScheduled: Option.Option<DateTime.Utc>
  readonly lastStarted: Option.Option<DateTime.Utc>
  readonly lastFinished: Option.Option<DateTime.Utc>
  readonly lastOutcome: Option.Option<ClusterRunOutcome>
  /** Finished runs across the cluster, failed ones included. */
  readonly runs: number
  readonly failures: number
  /** Set once it has ended for good: `maxRepetitions` reached, or failed with `onError: "stop"`. */
  readonly ended: Option.Option<"completed" | "failed">
}

const utc = (millis: number | undefined): Option.Option<DateTime.Utc> =>
  millis === undefined ? Option.none() : Option.some(DateTime.makeUnsafe(millis))

const toStatus = (row: storage.StateRow): ClusterRepeaterStatus => ({
  name: row.name,
  holder: Option.fromNullishOr(row.holder),
  heldSince: utc(row.heldSince),
  lastScheduled: utc(row.lastScheduled),
  lastStarted: utc(row.lastStarted),
  lastFinished: utc(row.lastFinished),
  lastOutcome: Option.fromNullishOr(row.lastOutcome),
  runs: row.runs,
  failures: row.failures,
  ended: Option.fromNullishOr(row.ended)
})

// -----------------------------------------------------------------------------
// layers
// -----------------------------------------------------------------------------

/**
 * A repeater that runs on one runner of the cluster at a time. Every runner
 * adds this Layer; the cluster picks the one that runs it and moves it when
 * that runner dies or shuts down. The options are checked when the Layer is
 * built (on every runner), and the state table is created if needed.
 *
 * Each tick is claimed in SQL, under its scheduled instant, before it runs:
 * a tick runs at most once in the cluster, even if two runners briefly both
 * hold the repeater during a takeover. The run finds its tick in
 * `CurrentTick`.
 *
 * @example
 * ```ts
 * import { ClusterRepeater, ClusterRunner } from "@effect-repeater/cluster"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const Cleanup = ClusterRepeater.layer(
 *   Effect.log("removing expired tokens"),
 *   { name: "cleanup", cron: "0 3 * * *", timeZone: "Europe/Berlin", missed: "runOnce" }
 * )
 * const storage = { pg: { url: Redacted.make("postgres://app@db.internal/app") } }
 * const Runner = Cleanup.pipe(Layer.provide(ClusterRunner.layer({ storage, port: 34431 })))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer: {
  <In>(
    options: ClusterRepeaterOptions<In>
  ): <A, E extends In, R>(
    self: Effect.Effect<A, E, R>
  ) => Layer.Layer<
    never,
    RepeaterConfigError | ClusterRepeaterConfigError | SqlError,
    Sharding | SqlClient.SqlClient | Exclude<Exclude<R, CurrentTick>, Scope.Scope>
  >
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    options: ClusterRepeaterOptions<NoInfer<E>>
  ): Layer.Layer<
    never,
    RepeaterConfigError | ClusterRepeaterConfigError | SqlError,
    Sharding | SqlClient.SqlClient | Exclude<Exclude<R, CurrentTick>, Scope.Scope>
  >
} = internal.layer

// -----------------------------------------------------------------------------
// accessors
// -----------------------------------------------------------------------------

/**
 * The stored status of every cluster repeater, read from SQL: the same on
 * every runner.
 *
 * @since 1.0.0
 * @category accessors
 */
export const list: Effect.Effect<ReadonlyArray<ClusterRepeaterStatus>, SqlError, SqlClient.SqlClient> = Effect
  .andThen(storage.ensureTable, Effect.map(storage.loadAll, (rows) => rows.map(toStatus)))

/**
 * The stored status of one cluster repeater, read from SQL.
 *
 * @since 1.0.0
 * @category accessors
 */
export const status = (
  name: string
): Effect.Effect<ClusterRepeaterStatus, SqlError | RepeaterNotFoundError, SqlClient.SqlClient> =>
  Effect.andThen(
    storage.ensureTable,
    Effect.flatMap(storage.load(name), (row) =>
      Option.match(row, {
        onNone: () => Effect.fail(new RepeaterNotFoundError({ repeater: name })),
        onSome: (row) => Effect.succeed(toStatus(row))
      }))
  )
