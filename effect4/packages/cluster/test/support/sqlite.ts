/**
 * A real SQLite database for the tests that run one in-memory runner on
 * TestClock: Node's own `node:sqlite`, behind a `SqlClient` of `effect/sql`.
 * Its queries answer synchronously, so TestClock moves only once the holder's
 * storage steps are done (a network database's answers arrive outside
 * TestClock's view). Not a storage of the package: the Effect 4 line keeps
 * the cluster on PostgreSQL (`@effect/sql-sqlite-node` has no Effect 4.1
 * release); the state table's SQL is the same on both.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Semaphore from "effect/Semaphore"
import * as SqlClient from "effect/sql/SqlClient"
import type * as SqlConnection from "effect/sql/SqlConnection"
import { SqlError, UnknownError } from "effect/sql/SqlError"
import * as Statement from "effect/sql/Statement"
import * as Stream from "effect/Stream"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync, type SQLInputValue } from "node:sqlite"

export interface SqliteOptions {
  readonly transformResultNames?: ((name: string) => string) | undefined
  readonly transformQueryNames?: ((name: string) => string) | undefined
}

const toInput = (value: unknown): SQLInputValue =>
  value === undefined ?
    null :
    typeof value === "boolean" ?
    (value ? 1 : 0) :
    typeof value === "number" || typeof value === "bigint" || typeof value === "string" || value === null ||
      value instanceof Uint8Array ?
    value :
    String(value)

const connection = (db: DatabaseSync): SqlConnection.Connection => {
  const run = (sql: string, params: ReadonlyArray<unknown>): Effect.Effect<Array<Record<string, unknown>>, SqlError> =>
    Effect.try({
      try: () => {
        const statement = db.prepare(sql)
        const inputs = params.map(toInput)
        return statement.columns().length > 0 ? statement.all(...inputs) : (statement.run(...inputs), [])
      },
      catch: (cause) =>
        new SqlError({ reason: new UnknownError({ cause, message: `SQLite: ${String(cause)}`, operation: "execute" }) })
    })
  const values = (sql: string, params: ReadonlyArray<unknown>) =>
    Effect.map(run(sql, params), (rows) => rows.map((row) => Object.values(row)))
  const rows = (
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(row: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined
  ) => Effect.map(run(sql, params), (rows) => (transformRows === undefined ? rows : transformRows(rows)))
  return {
    execute: rows,
    executeRaw: run,
    executeStream: (sql, params, transformRows) =>
      Stream.unwrap(Effect.map(rows(sql, params, transformRows), Stream.fromIterable)),
    executeValues: values,
    executeValuesUnprepared: values,
    executeUnprepared: rows
  }
}

/** A `SqlClient` on a SQLite file of a fresh temporary folder, removed with the layer. */
export const layer = (options: SqliteOptions = {}): Layer.Layer<SqlClient.SqlClient> =>
  Layer.effect(SqlClient.SqlClient)(Effect.gen(function*() {
    const dir = yield* Effect.acquireRelease(
      Effect.sync(() => mkdtempSync(join(tmpdir(), "cluster-e4-"))),
      (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
    )
    const db = yield* Effect.acquireRelease(
      Effect.sync(() => new DatabaseSync(join(dir, "state.db"))),
      (db) => Effect.sync(() => db.close())
    )
    const conn = connection(db)
    const acquirers = SqlClient.makeSqliteAcquirers({
      connection: Effect.succeed(conn),
      semaphore: Semaphore.makeUnsafe(1),
      isTransaction: () => db.isTransaction
    })
    const transform = options.transformResultNames
    return yield* SqlClient.make({
      driver: "sqlite",
      acquirer: acquirers.acquirer,
      borrower: acquirers.borrower,
      transactionAcquirer: acquirers.transactionAcquirer,
      onCommitFailure: acquirers.onCommitFailure,
      isTransaction: acquirers.isTransaction,
      compiler: Statement.makeCompilerSqlite(options.transformQueryNames),
      spanAttributes: [],
      ...(transform === undefined ? {} : { transformRows: Statement.defaultTransforms(transform).array })
    })
  })).pipe(Layer.provide(Reactivity.layer))
