/**
 * The durable state of cluster repeaters: one row per repeater in one table,
 * in SQL that PostgreSQL accepts (and SQLite: the Effect 3 line keeps the same table there). Times are epoch milliseconds.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** @internal */
export const TABLE = "effect_repeater_cluster"

/** @internal */
export type Outcome = "running" | "success" | "failure" | "interrupted" | "abandoned"

/** @internal */
export type Ended = "completed" | "failed"

/** @internal */
export interface StateRow {
  readonly name: string
  /** Bumped by every claim: a claim must name the version it was planned from. */
  readonly version: number
  readonly lastScheduled: number | undefined
  readonly lastStarted: number | undefined
  readonly lastFinished: number | undefined
  readonly lastOutcome: Outcome | undefined
  readonly runs: number
  readonly failures: number
  readonly ended: Ended | undefined
  readonly holder: string | undefined
  readonly heldSince: number | undefined
  /** With `every`: where the very first tick was planned, until it is claimed (a restart keeps it). */
  readonly firstDue: number | undefined
}

// PostgreSQL returns BIGINT columns as strings.
const num = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : typeof value === "number" ? value : Number(value)

const str = (value: unknown): string | undefined => typeof value === "string" ? value : undefined

const isOutcome = (value: unknown): value is Outcome =>
  value === "running" || value === "success" || value === "failure" || value === "interrupted" ||
  value === "abandoned"

/**
 * The client without the application's name transforms (a `{ sql: layer }`
 * may map snake_case columns to camelCase): this table's names are its own.
 */
const Sql: Effect.Effect<SqlClient.SqlClient, never, SqlClient.SqlClient> = Effect.map(
  SqlClient.SqlClient,
  (sql) => sql.withoutTransforms()
)

const isEnded = (value: unknown): value is Ended => value === "completed" || value === "failed"

const toRow = (row: Record<string, unknown>): StateRow => ({
  name: String(row.name),
  version: num(row.version) ?? 0,
  lastScheduled: num(row.last_scheduled),
  lastStarted: num(row.last_started),
  lastFinished: num(row.last_finished),
  lastOutcome: isOutcome(row.last_outcome) ? row.last_outcome : undefined,
  runs: num(row.runs) ?? 0,
  failures: num(row.failures) ?? 0,
  ended: isEnded(row.ended) ? row.ended : undefined,
  holder: str(row.holder),
  heldSince: num(row.held_since),
  firstDue: num(row.first_due)
})

/**
 * Creates the table if it does not exist. Retried a few times: runners that
 * start together may race to create it (PostgreSQL then reports a unique
 * violation in its catalog).
 *
 * @internal
 */
export const ensureTable: Effect.Effect<void, SqlError, SqlClient.SqlClient> = Effect.flatMap(
  Sql,
  (sql) =>
    sql`CREATE TABLE IF NOT EXISTS ${sql(TABLE)} (
      name VARCHAR(255) PRIMARY KEY,
      version BIGINT NOT NULL,
      last_scheduled BIGINT,
      last_started BIGINT,
      last_finished BIGINT,
      last_outcome VARCHAR(16),
      runs BIGINT NOT NULL,
      failures BIGINT NOT NULL,
      ended VARCHAR(16),
      holder VARCHAR(255),
      held_since BIGINT,
      first_due BIGINT
    )`.pipe(
      Effect.asVoid,
      Effect.retry({ times: 3, schedule: Schedule.spaced("100 millis") })
    )
)

/** Adds the repeater's row if it has none. @internal */
export const ensureRow = (name: string): Effect.Effect<void, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(Sql, (sql) =>
    Effect.asVoid(
      sql`INSERT INTO ${sql(TABLE)} (name, version, runs, failures) VALUES (${name}, 0, 0, 0)
        ON CONFLICT (name) DO NOTHING`
    ))

/** @internal */
export const load = (name: string): Effect.Effect<Option.Option<StateRow>, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(Sql, (sql) =>
    Effect.map(
      sql<Record<string, unknown>>`SELECT * FROM ${sql(TABLE)} WHERE name = ${name}`,
      (rows) => rows.length === 0 ? Option.none() : Option.some(toRow(rows[0]))
    ))

/** @internal */
export const loadAll: Effect.Effect<ReadonlyArray<StateRow>, SqlError, SqlClient.SqlClient> = Effect.flatMap(
  Sql,
  (sql) =>
    Effect.map(
      sql<Record<string, unknown>>`SELECT * FROM ${sql(TABLE)} ORDER BY name`,
      (rows) => rows.map(toRow)
    )
)

/**
 * A new holder takes the repeater: records itself, marks a run that the
 * previous holder left unfinished as `abandoned` (it is not run again), and
 * bumps the version, so that a previous holder that still runs (its runner
 * has not yet noticed it lost the repeater) cannot claim another tick.
 *
 * @internal
 */
export const takeHold = (
  name: string,
  holder: string,
  now: number
): Effect.Effect<Option.Option<StateRow>, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(Sql, (sql) =>
    Effect.andThen(
      sql`UPDATE ${sql(TABLE)} SET version = version + 1, holder = ${holder}, held_since = ${now},
        last_outcome = CASE WHEN last_outcome = 'running' THEN 'abandoned' ELSE last_outcome END
        WHERE name = ${name}`,
      load(name)
    ))

/**
 * Claims the tick scheduled at `scheduledAt`: succeeds (with the new version)
 * only if nobody claimed anything since `version` and the tick is later than
 * the last one claimed, in one atomic statement. A tick is thereby run at most
 * once in the cluster, even by two runners that briefly both think they hold
 * the repeater.
 *
 * @internal
 */
export const claim = (
  name: string,
  version: number,
  scheduledAt: number,
  now: number,
  holder: string
): Effect.Effect<Option.Option<number>, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(Sql, (sql) =>
    Effect.map(
      sql<Record<string, unknown>>`UPDATE ${sql(TABLE)} SET version = version + 1, last_scheduled = ${scheduledAt},
        last_started = ${now}, last_finished = NULL, last_outcome = 'running', holder = ${holder}
        WHERE name = ${name} AND version = ${version}
        AND (last_scheduled IS NULL OR last_scheduled < ${scheduledAt})
        RETURNING version`,
      (rows) => rows.length === 0 ? Option.none() : Option.some(num(rows[0].version) ?? version + 1)
    ))

/** Records the end of the run claimed with `version` (unless someone claimed since). @internal */
export const finish = (
  name: string,
  version: number,
  now: number,
  outcome: Exclude<Outcome, "running" | "abandoned">
): Effect.Effect<void, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(Sql, (sql) =>
    Effect.asVoid(
      sql`UPDATE ${sql(TABLE)} SET last_finished = ${now}, last_outcome = ${outcome},
        runs = runs + ${outcome === "interrupted" ? 0 : 1}, failures = failures + ${outcome === "failure" ? 1 : 0}
        WHERE name = ${name} AND version = ${version}`
    ))

/**
 * Records where the very first tick is planned, unless another holder did
 * first; returns the stored instant.
 *
 * @internal
 */
export const planFirst = (
  name: string,
  firstDue: number
): Effect.Effect<number, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(Sql, (sql) =>
    Effect.andThen(
      sql`UPDATE ${sql(TABLE)} SET first_due = ${firstDue}
        WHERE name = ${name} AND first_due IS NULL AND last_scheduled IS NULL`,
      Effect.map(load(name), (row) => Option.getOrUndefined(row)?.firstDue ?? firstDue)
    ))

/** Records that the repeater has ended for good: new holders do not start it again. @internal */
export const end = (name: string, ended: Ended): Effect.Effect<void, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(Sql, (sql) =>
    Effect.asVoid(
      sql`UPDATE ${sql(TABLE)} SET ended = ${ended} WHERE name = ${name}`
    ))
