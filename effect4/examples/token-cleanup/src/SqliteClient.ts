/**
 * A small `SqlClient` of `effect/sql` over Node's built-in SQLite
 * (`node:sqlite`, `DatabaseSync`): one connection, made with the module's own
 * constructors (`SqlClient.make`, `Statement.makeCompilerSqlite`,
 * `classifySqliteError`). There is no `@effect/sql-sqlite-node` for Effect
 * 4.1: its last releases (4.0.0 betas) import `effect/unstable/sql/*`, which
 * `effect` 4.1 no longer has.
 *
 * Like `better-sqlite3`, `DatabaseSync` is synchronous: a statement that waits
 * for a lock held by another connection blocks the event loop for the busy
 * timeout (`timeout`, 5 seconds here, as `better-sqlite3`'s default;
 * `Database` lowers it to 50 ms once the schema is migrated).
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as SqlClient from "effect/sql/SqlClient"
import type * as SqlConnection from "effect/sql/SqlConnection"
import { classifySqliteError, SqlError } from "effect/sql/SqlError"
import * as Statement from "effect/sql/Statement"
import * as Stream from "effect/Stream"
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite"

/** How long a statement waits for a lock held by another connection until the busy timeout is lowered. */
export const openBusyTimeoutMillis = 5000

/**
 * The error of a failed statement: the `SqlError` reason `classifySqliteError`
 * gives (`LockTimeoutError` for `SQLITE_BUSY` and `SQLITE_LOCKED`), its cause
 * the driver's error. `node:sqlite` puts SQLite's result code in `errcode`;
 * `classifySqliteError` reads `errno`.
 */
const sqlError = (cause: unknown, message: string, operation: string): SqlError => {
  const withErrno = typeof cause === "object" && cause !== null && "errcode" in cause && !("errno" in cause) ?
    Object.assign(cause, { errno: cause.errcode }) :
    cause
  return new SqlError({ reason: classifySqliteError(withErrno, { message, operation }) })
}

/** The values `node:sqlite` binds: what the compiler gives, with booleans as 0 and 1. */
const bindable = (params: ReadonlyArray<unknown>): Array<SQLInputValue> =>
  params.map((param): SQLInputValue => {
    if (typeof param === "boolean") return param ? 1 : 0
    if (
      param === null || typeof param === "number" || typeof param === "bigint" || typeof param === "string" ||
      param instanceof Uint8Array
    ) {
      return param
    }
    if (param instanceof Date) return param.toISOString()
    return String(param)
  })

/** The rows of a statement that returns some (a query, `RETURNING`), else none. */
const runStatement = (statement: StatementSync, params: ReadonlyArray<unknown>): ReadonlyArray<object> =>
  statement.columns().length > 0 ? statement.all(...bindable(params)) : (statement.run(...bindable(params)), [])

/** The connection over `db`: every statement prepared, run at once, its failure a `SqlError`. */
const makeConnection = (db: DatabaseSync): SqlConnection.Connection => {
  const execute = (sql: string, params: ReadonlyArray<unknown>) =>
    Effect.try({
      try: () => runStatement(db.prepare(sql), params),
      catch: (cause) => sqlError(cause, "Failed to execute statement", "execute")
    })
  const executeValues = (sql: string, params: ReadonlyArray<unknown>) =>
    Effect.try({
      try: (): ReadonlyArray<ReadonlyArray<unknown>> => {
        const statement = db.prepare(sql)
        statement.setReturnArrays(true)
        return runStatement(statement, params).filter(Array.isArray)
      },
      catch: (cause) => sqlError(cause, "Failed to execute statement", "execute")
    })
  return {
    execute: (sql, params, transformRows) =>
      transformRows === undefined ? execute(sql, params) : Effect.map(execute(sql, params), transformRows),
    executeRaw: (sql, params) =>
      Effect.try({
        try: () => db.prepare(sql).run(...bindable(params)),
        catch: (cause) => sqlError(cause, "Failed to execute statement", "execute")
      }),
    executeStream: () => Stream.die(new Error("streaming queries are not supported by this SQLite client")),
    executeValues,
    executeValuesUnprepared: executeValues,
    executeUnprepared: (sql, params, transformRows) =>
      transformRows === undefined ? execute(sql, params) : Effect.map(execute(sql, params), transformRows)
  }
}

/**
 * Opens the database at `filename` (or `:memory:`) in WAL mode and makes its
 * `SqlClient`; closes it when the scope closes. Statements run one at a time;
 * a transaction holds the connection until it ends and begins with `BEGIN
 * IMMEDIATE`, taking the write lock at once (waiting for it the busy timeout),
 * so that two processes migrating one file take turns instead of failing.
 */
export const make = (
  filename: string
): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () => new DatabaseSync(filename, { timeout: openBusyTimeoutMillis }),
        catch: (cause) => sqlError(cause, `Failed to open the database ${filename}`, "open")
      }),
      (db) => Effect.sync(() => db.close())
    )
    yield* Effect.try({
      try: () => db.exec("PRAGMA journal_mode = WAL"),
      catch: (cause) => sqlError(cause, "Failed to set the journal mode", "open")
    })
    const connection = makeConnection(db)
    const semaphore = yield* Semaphore.make(1)
    return yield* SqlClient.make({
      // waits while a transaction holds the connection
      acquirer: semaphore.withPermits(1)(Effect.succeed(connection)),
      transactionAcquirer: Effect.uninterruptibleMask((restore) =>
        Effect.gen(function*() {
          const scope = yield* Effect.scope
          yield* restore(Semaphore.take(semaphore, 1))
          yield* Scope.addFinalizer(scope, Semaphore.release(semaphore, 1))
          return connection
        })
      ),
      beginTransaction: "BEGIN IMMEDIATE",
      compiler: Statement.makeCompilerSqlite(),
      driver: "node:sqlite",
      spanAttributes: [["db.system.name", "sqlite"]]
    })
  })

/** The `SqlClient` of the database at `filename`, open for the layer's lifetime. */
export const layer = (filename: string): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  Layer.effectContext(Effect.map(make(filename), (client) => Context.make(SqlClient.SqlClient, client))).pipe(
    Layer.provide(Reactivity.layer)
  )
