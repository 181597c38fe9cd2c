/**
 * One `effect/cluster` runner in a few lines: the socket transport of
 * `@effect/platform-node`, SQL storage (PostgreSQL) and sharding timings tuned
 * for a fast takeover of singletons.
 *
 * @since 1.0.0
 */
import * as OptionCheck from "@effect-repeater/core/OptionCheck"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import * as NodeCrypto from "@effect/platform-node/NodeCrypto"
import * as Cause from "effect/Cause"
import * as RunnerAddress from "effect/cluster/RunnerAddress"
import type { Runners } from "effect/cluster/Runners"
import type { Sharding } from "effect/cluster/Sharding"
import * as ShardingConfig from "effect/cluster/ShardingConfig"
import * as SqlMessageStorage from "effect/cluster/SqlMessageStorage"
import * as SqlRunnerStorage from "effect/cluster/SqlRunnerStorage"
import type * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import type * as SocketServer from "effect/socket/SocketServer"
import type * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import type { ConnectionOptions } from "node:tls"
import { ClusterRepeaterConfigError } from "./ClusterError.js"
import { pgLayer } from "./internal/drivers.js"

/**
 * How fast the cluster notices a dead runner and moves its shards (and so its
 * singletons) to another one. The defaults (`ClusterRunner.fastTakeover`)
 * move a singleton within a few seconds of its holder being killed and
 * within about a second of a graceful shutdown; `effect/cluster`'s own
 * defaults take much longer.
 *
 * @since 1.0.0
 * @category models
 */
export interface ClusterTimings {
  /** How often a runner refreshes its shard locks. Default 1 second. */
  readonly lockRefresh?: Duration.Input | undefined
  /**
   * How long a shard lock lives without refresh: after this, another runner
   * may take the shards of a runner that died without releasing them
   * (PostgreSQL's advisory locks go with the dead runner's connection).
   * Default 3 seconds; keep it at least 3 × `lockRefresh`.
   */
  readonly lockExpiration?: Duration.Input | undefined
  /** How often a runner looks for new or gone runners and rebalances shards. Default 500 milliseconds. */
  readonly refreshAssignments?: Duration.Input | undefined
  /** How often runners check that the others are alive. Default 2 seconds. */
  readonly healthCheck?: Duration.Input | undefined
  /** How often a runner polls storage for messages to its entities. Default 1 second. */
  readonly messagePoll?: Duration.Input | undefined
}

/**
 * The timings `ClusterRunner.layer` uses by default.
 *
 * @since 1.0.0
 * @category defaults
 */
export const fastTakeover: Required<{ readonly [K in keyof ClusterTimings]: Duration.Duration }> = {
  lockRefresh: Duration.seconds(1),
  lockExpiration: Duration.seconds(3),
  refreshAssignments: Duration.millis(500),
  healthCheck: Duration.seconds(2),
  messagePoll: Duration.seconds(1)
}

/**
 * The shards per shard group `ClusterRunner.layer` uses by default: 30, not
 * `effect/cluster`'s 300. When a runner joins or leaves, every runner that
 * loses shards releases each of them with its own statements; on PostgreSQL
 * they all go through the runner's one shard-lock connection, ahead of its
 * lock refresh, within the refresh interval. With 300 shards, a runner
 * starting on a machine short of CPU made the others' refreshes time out
 * ("Shard lock storage is unhealthy") again and again, and their repeaters
 * went unheld for tens of seconds (measured on the Effect 3 line: see
 * docs/benchmarks.md, "Cluster faults"). Singletons need few shards; every
 * runner of a cluster must use the same number.
 *
 * @example
 * ```ts
 * import { ClusterRunner } from "@effect-repeater/cluster"
 *
 * // the same number on every runner of the cluster
 * const Runner = ClusterRunner.layer({
 *   storage: { pg: {} },
 *   port: 34431,
 *   shardsPerGroup: ClusterRunner.defaultShardsPerGroup
 * })
 * ```
 *
 * @since 1.0.0
 * @category defaults
 */
export const defaultShardsPerGroup = 30

/**
 * Where the cluster keeps its runners, shard locks and messages, and where
 * cluster repeaters keep their state: a PostgreSQL database, or any
 * `SqlClient` layer of a database that every runner reaches.
 *
 * The PostgreSQL driver is an optional peer dependency, loaded only for
 * `{ pg }`: when it is not installed, the layer fails with a
 * `ClusterRepeaterConfigError` that names the package to install. SQLite,
 * which the Effect 3 line supports, is not offered here: there is no
 * `@effect/sql-sqlite-node` release for Effect 4.1 (its 4.0 betas import
 * modules that Effect 4.1 no longer has); `{ sqlite }` fails with a
 * `ClusterRepeaterConfigError` saying so.
 *
 * @since 1.0.0
 * @category models
 */
export type ClusterStorage<E = never> =
  | { readonly pg: PgStorageOptions }
  | { readonly sql: Layer.Layer<SqlClient.SqlClient, E> }

/**
 * The connection settings of `{ pg }` storage, passed to `@effect/sql-pg`'s
 * `PgClient.layer` as they are. For its other settings (name transforms,
 * custom types, a stream of your own), give `{ sql: PgClient.layer(config) }`
 * instead.
 *
 * @since 1.0.0
 * @category models
 */
export interface PgStorageOptions {
  readonly url?: Redacted.Redacted | undefined
  readonly host?: string | undefined
  readonly port?: number | undefined
  readonly path?: string | undefined
  readonly ssl?: boolean | ConnectionOptions | undefined
  readonly database?: string | undefined
  readonly username?: string | undefined
  readonly password?: Redacted.Redacted | undefined
  readonly idleTimeout?: Duration.Input | undefined
  readonly connectTimeout?: Duration.Input | undefined
  readonly maxConnections?: number | undefined
  readonly minConnections?: number | undefined
  readonly connectionTTL?: Duration.Input | undefined
  readonly applicationName?: string | undefined
}

/**
 * @since 1.0.0
 * @category models
 */
export interface ClusterRunnerOptions<E = never> {
  readonly storage: ClusterStorage<E>
  /** The port this runner listens on for the other runners; every runner needs its own. */
  readonly port: number
  /** The host other runners reach this runner at. Default `"127.0.0.1"`. */
  readonly host?: string | undefined
  /** The host to listen on. Default: `host`. */
  readonly listenHost?: string | undefined
  /**
   * Shards per shard group; must be the same on every runner. Default 30
   * (`ClusterRunner.defaultShardsPerGroup`; `effect/cluster`'s own is 300).
   */
  readonly shardsPerGroup?: number | undefined
  readonly timings?: ClusterTimings | undefined
  /** Any other `effect/cluster` sharding setting; these win over the ones above. */
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Service"]> | undefined
}

const invalid = (field: string, value: unknown, reason: string) =>
  new ClusterRepeaterConfigError({ repeater: undefined, field, value, reason })

/**
 * The longest timing the runner accepts: `effect/cluster` and the PostgreSQL driver wait on plain timers, which
 * cannot hold more than 2^31 - 1 ms (about 24.8 days); a longer one would fire at once or never.
 */
const timerLimit = { max: Duration.millis(2 ** 31 - 1) }

const decodeTiming = (
  field: keyof ClusterTimings,
  value: Duration.Input | undefined
): Effect.Effect<Duration.Duration, ClusterRepeaterConfigError> => {
  if (value === undefined) return Effect.succeed(fastTakeover[field])
  return Result.match(OptionCheck.decodeDuration(value, timerLimit), {
    onFailure: (problem) => Effect.fail(invalid(`timings.${field}`, value, problem.reason)),
    onSuccess: Effect.succeed
  })
}

const runnerKeys: ReadonlyArray<keyof ClusterRunnerOptions> = [
  "storage",
  "port",
  "host",
  "listenHost",
  "shardsPerGroup",
  "timings",
  "shardingConfig"
]

const timingKeys: ReadonlyArray<keyof ClusterTimings> = [
  "lockRefresh",
  "lockExpiration",
  "refreshAssignments",
  "healthCheck",
  "messagePoll"
]

const shardingConfigKeys: ReadonlyArray<string> = Object.keys(ShardingConfig.defaults)

/** The options, their `timings` and `shardingConfig`: objects with known keys only. */
const checkRunnerKeys = (options: unknown): ClusterRepeaterConfigError | undefined => {
  const problem = OptionCheck.checkKeys(options, { known: runnerKeys, of: "ClusterRunner.layer" }) ??
    (typeof options === "object" && options !== null ?
      ("timings" in options ?
        OptionCheck.checkKeys(options.timings, {
          known: timingKeys,
          of: "ClusterRunner.layer's timings",
          field: "timings",
          prefix: "timings.",
          optional: true
        }) :
        undefined) ??
        ("shardingConfig" in options ?
          OptionCheck.checkKeys(options.shardingConfig, {
            known: shardingConfigKeys,
            of: "effect/cluster's ShardingConfig",
            field: "shardingConfig",
            prefix: "shardingConfig.",
            optional: true
          }) :
          undefined) :
      undefined)
  return problem === undefined ? undefined : new ClusterRepeaterConfigError({ repeater: undefined, ...problem })
}

/**
 * The sharding settings of a runner from its options, checked: a wrong value
 * fails with a `ClusterRepeaterConfigError` naming the option and the value.
 *
 * @example
 * ```ts
 * import { ClusterRunner } from "@effect-repeater/cluster"
 * import { Effect } from "effect"
 *
 * const settings = ClusterRunner.shardingConfig({ storage: { pg: {} }, port: 34431, timings: { healthCheck: "5 seconds" } })
 * Effect.runPromise(settings).then((config) => console.log(config.runnerHealthCheckInterval))
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const shardingConfig = <E>(
  options: ClusterRunnerOptions<E>
): Effect.Effect<Partial<ShardingConfig.ShardingConfig["Service"]>, ClusterRepeaterConfigError> =>
  Effect.gen(function*() {
    const keys = checkRunnerKeys(options)
    if (keys !== undefined) return yield* Effect.fail(keys)
    const port: unknown = options.port
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      return yield* Effect.fail(invalid("port", port, "is not a valid port: it must be a whole number from 1 to 65535"))
    }
    const shards: unknown = options.shardsPerGroup
    if (shards !== undefined && (typeof shards !== "number" || !Number.isInteger(shards) || shards < 1)) {
      return yield* Effect.fail(invalid("shardsPerGroup", shards, "is not valid: it must be a whole number, 1 or more"))
    }
    const timings = options.timings ?? {}
    const lockRefresh = yield* decodeTiming("lockRefresh", timings.lockRefresh)
    const lockExpiration = yield* decodeTiming("lockExpiration", timings.lockExpiration)
    if (Duration.isLessThanOrEqualTo(lockExpiration, lockRefresh)) {
      return yield* Effect.fail(
        timings.lockExpiration === undefined ?
          invalid(
            "timings.lockRefresh",
            timings.lockRefresh,
            `must be shorter than timings.lockExpiration (default ${Duration.format(lockExpiration)})`
          ) :
          invalid("timings.lockExpiration", timings.lockExpiration, "must be longer than timings.lockRefresh")
      )
    }
    const hostOption: unknown = options.host
    if (hostOption !== undefined && (typeof hostOption !== "string" || hostOption.length === 0)) {
      return yield* Effect.fail(
        invalid("host", hostOption, "is not valid: it must be a non-empty host name or address")
      )
    }
    const listenHost: unknown = options.listenHost
    if (listenHost !== undefined && (typeof listenHost !== "string" || listenHost.length === 0)) {
      return yield* Effect.fail(
        invalid("listenHost", listenHost, "is not valid: it must be a non-empty host name or address")
      )
    }
    const host = options.host ?? "127.0.0.1"
    return {
      runnerAddress: Option.some(RunnerAddress.make(host, port)),
      runnerListenAddress: Option.some(RunnerAddress.make(options.listenHost ?? host, port)),
      shardsPerGroup: typeof shards === "number" ? shards : defaultShardsPerGroup,
      shardLockRefreshInterval: lockRefresh,
      shardLockExpiration: lockExpiration,
      refreshAssignmentsInterval: yield* decodeTiming("refreshAssignments", timings.refreshAssignments),
      runnerHealthCheckInterval: yield* decodeTiming("healthCheck", timings.healthCheck),
      entityMessagePollInterval: yield* decodeTiming("messagePoll", timings.messagePoll),
      ...options.shardingConfig
    }
  })

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null

const pgKeyNames: ReadonlyArray<keyof PgStorageOptions> = [
  "url",
  "host",
  "port",
  "path",
  "ssl",
  "database",
  "username",
  "password",
  "idleTimeout",
  "connectTimeout",
  "maxConnections",
  "minConnections",
  "connectionTTL",
  "applicationName"
]

/** The storage option, checked: `{ pg }` with known settings, or `{ sql }` with a Layer. */
const validateStorage = <E>(storage: ClusterStorage<E>): Effect.Effect<void, ClusterRepeaterConfigError> => {
  const value: unknown = storage
  if (isObject(value) && "sqlite" in value) {
    return Effect.fail(
      invalid(
        "storage.sqlite",
        value.sqlite,
        "is not supported on the Effect 4 line (no @effect/sql-sqlite-node for Effect 4.1): use { pg } or { sql }"
      )
    )
  }
  const storageKeys = isObject(value) && Object.keys(value).length > 0 ?
    OptionCheck.checkKeys(value, {
      known: ["pg", "sql"],
      of: "ClusterRunner.layer's storage",
      field: "storage",
      prefix: "storage."
    }) :
    undefined
  if (storageKeys !== undefined) {
    return Effect.fail(new ClusterRepeaterConfigError({ repeater: undefined, ...storageKeys }))
  }
  if (!isObject(value) || !("pg" in value || "sql" in value)) {
    return Effect.fail(invalid("storage", value, "is not valid: it must be { pg } or { sql }"))
  }
  if (Object.keys(value).length !== 1) {
    return Effect.fail(invalid("storage", value, "is not valid: give exactly one of { pg } and { sql }"))
  }
  if ("pg" in value && !isObject(value.pg)) {
    return Effect.fail(invalid("storage.pg", value.pg, "is not valid: it must be a PgClient configuration"))
  }
  if ("pg" in value && isObject(value.pg)) {
    const pg: Partial<Record<string, unknown>> = { ...value.pg }
    const pgKeys = OptionCheck.checkKeys(pg, {
      known: pgKeyNames,
      of: "the { pg } storage",
      field: "storage.pg",
      prefix: "storage.pg."
    })
    if (pgKeys !== undefined) return Effect.fail(new ClusterRepeaterConfigError({ repeater: undefined, ...pgKeys }))
    for (const field of ["idleTimeout", "connectTimeout", "connectionTTL"] as const) {
      const given = pg[field]
      if (given === undefined) continue
      const decoded = OptionCheck.decodeDuration(given, timerLimit)
      if (Result.isFailure(decoded)) return Effect.fail(invalid(`storage.pg.${field}`, given, decoded.failure.reason))
    }
  }
  if ("sql" in value && !Layer.isLayer(value.sql)) {
    return Effect.fail(invalid("storage.sql", value.sql, "is not valid: it must be a SqlClient Layer"))
  }
  return Effect.void
}

const storageLayer = <E>(
  storage: ClusterStorage<E>
): Layer.Layer<SqlClient.SqlClient, E | SqlError | ClusterRepeaterConfigError> =>
  "pg" in storage ? pgLayer(storage.pg) : storage.sql

/**
 * Creates `effect/cluster`'s tables before the runner starts. Runners that
 * start together on an empty database may race to create them: the loser
 * tries again after a short pause, up to five times, and each retry is logged
 * with its cause. Once the tables exist this is a quick no-op.
 */
const prepareStorage = (
  config: Partial<ShardingConfig.ShardingConfig["Service"]>
): Layer.Layer<never, Config.ConfigError | SqlError, SqlClient.SqlClient> =>
  Layer.effectDiscard(
    Layer.build(
      Layer.mergeAll(SqlMessageStorage.layer, SqlRunnerStorage.layer).pipe(
        Layer.provide([ShardingConfig.layerFromEnv(config), NodeCrypto.layerDigest])
      )
    ).pipe(
      Effect.scoped,
      Effect.sandbox,
      Effect.retry({
        schedule: Schedule.exponential("100 millis"),
        times: 5,
        while: (cause) =>
          isSqlCause(cause) ?
            Effect.as(
              Effect.logWarning(
                "creating the cluster's tables failed (runners starting together?); trying again",
                cause
              ),
              true
            ) :
            false
      }),
      Effect.catch(Effect.failCause)
    )
  )

function isSqlCause(cause: Cause.Cause<unknown>): boolean {
  return cause.reasons.some((reason) => {
    const error = Cause.isFailReason(reason) ? reason.error : Cause.isDieReason(reason) ? reason.defect : undefined
    return typeof error === "object" && error !== null && "_tag" in error && error._tag === "SqlError"
  })
}

/**
 * A cluster runner over TCP sockets with SQL storage, and the `SqlClient` it
 * uses (cluster repeaters keep their state there too).
 *
 * @example
 * ```ts
 * import { ClusterRepeater, ClusterRunner } from "@effect-repeater/cluster"
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const Cleanup = ClusterRepeater.layer(Effect.log("cleaning"), { name: "cleanup", every: "1 hour", mode: "rate" })
 * const storage = { pg: { url: Redacted.make("postgres://app@db.internal/app") } }
 *
 * Layer.launch(Cleanup.pipe(
 *   Layer.provide(ClusterRunner.layer({ storage, port: 34431 }))
 * )).pipe(NodeRuntime.runMain)
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = <E = never>(
  options: ClusterRunnerOptions<E>
): Layer.Layer<
  Sharding | Runners | SqlClient.SqlClient,
  E | SqlError | Config.ConfigError | SocketServer.SocketServerError | ClusterRepeaterConfigError
> =>
  Layer.unwrap(Effect.map(
    Effect.suspend(() => {
      const keys = checkRunnerKeys(options)
      return keys !== undefined
        ? Effect.fail(keys)
        : Effect.andThen(validateStorage(options.storage), shardingConfig(options))
    }),
    (config) =>
      NodeClusterSocket.layer({ storage: "sql", shardingConfig: config }).pipe(
        Layer.provide(prepareStorage(config)),
        Layer.provideMerge(storageLayer(options.storage))
      )
  ))
