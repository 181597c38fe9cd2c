import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { ClusterRepeaterConfigError } from "../ClusterError.js"
import type { PgStorageOptions } from "../ClusterRunner.js"

/**
 * The SQL driver is an optional peer dependency: a runner loads it only when
 * its storage names it (`{ pg }`), so an app that gives its own `{ sql }`
 * layer never needs it. A driver that is not installed fails the layer with a
 * `ClusterRepeaterConfigError` naming the package to install.
 */
export const driver = <A>(
  field: string,
  packageName: string,
  range: string,
  load: () => Promise<A>
): Effect.Effect<A, ClusterRepeaterConfigError> =>
  Effect.tryPromise({
    try: load,
    catch: (cause) =>
      new ClusterRepeaterConfigError({
        repeater: undefined,
        field,
        value: packageName,
        reason: isMissing(cause, packageName) ?
          `needs the package ${packageName}, which is not installed: npm install ${packageName}@${range}` :
          `needs the package ${packageName}, which failed to load: ${String(cause)}`
      })
  })

const isMissing = (cause: unknown, packageName: string): boolean =>
  typeof cause === "object" && cause !== null && "code" in cause &&
  (cause.code === "ERR_MODULE_NOT_FOUND" || cause.code === "MODULE_NOT_FOUND") &&
  String(cause).includes(packageName)

/** PostgreSQL through `@effect/sql-pg`, loaded when first needed. */
export const pgLayer = (
  options: PgStorageOptions
): Layer.Layer<SqlClient.SqlClient, SqlError | ClusterRepeaterConfigError> =>
  Layer.unwrap(
    Effect.map(
      driver("storage.pg", "@effect/sql-pg", "^4.1.5", () => import("@effect/sql-pg/PgClient")),
      (PgClient) => PgClient.layer(options)
    )
  )
