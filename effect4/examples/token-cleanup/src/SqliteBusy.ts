/**
 * A database file shared with other connections (a second server, a backup,
 * an operator's `sqlite3` shell): while one of them holds SQLite's write
 * lock, a statement that needs it waits. `node:sqlite` is synchronous, so
 * that wait blocks the whole event loop: with a busy timeout of 5 seconds,
 * every request, timer and signal handler of the server would wait too.
 *
 * Here a statement waits for a lock `busyTimeout` (50 ms) at most; when the
 * lock is still held it fails with `SQLITE_BUSY` (a `SqlError` whose reason
 * is a `LockTimeoutError`) and is retried through an Effect `Schedule`
 * (exponential from 5 ms, at most 100 ms apart, jittered), so that the event
 * loop is free between attempts, for `busyRetryTimeout` (2 seconds) in all;
 * then it fails with a `DatabaseBusy`, which the API answers with a JSON 503.
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type { SqlError } from "effect/sql/SqlError"

/** How long one statement waits for a lock held by another connection, blocking the event loop meanwhile. */
export const busyTimeout: Duration.Duration = Duration.millis(50)

/** How long a statement that found the database locked is retried before it fails with `DatabaseBusy`. */
export const busyRetryTimeout: Duration.Duration = Duration.seconds(2)

/** The database stayed locked by another connection for `busyRetryTimeout`; `cause` is the last `SQLITE_BUSY`. */
export class DatabaseBusy extends Data.TaggedError("DatabaseBusy")<{
  readonly message: string
  readonly cause: SqlError
}> {}

/** Whether a statement failed because another connection holds a lock it needs (`SQLITE_BUSY`, `SQLITE_LOCKED`). */
export const isBusy = (error: SqlError): boolean => error.reason._tag === "LockTimeoutError"

/** The waits between attempts: 5, 10, 20, 40, 80 ms, then 100 ms, jittered, for `busyRetryTimeout` in all. */
const retrySchedule = Schedule.min([Schedule.exponential("5 millis"), Schedule.spaced("100 millis")]).pipe(
  Schedule.jittered,
  Schedule.upTo({ duration: busyRetryTimeout })
)

/**
 * Runs a statement (or a few in a row) again while the database is locked,
 * for `busyRetryTimeout` at most, then fails with `DatabaseBusy`. Other
 * failures go through at once.
 */
export const retryWhileBusy = <A, R>(
  effect: Effect.Effect<A, SqlError, R>
): Effect.Effect<A, SqlError | DatabaseBusy, R> =>
  effect.pipe(
    Effect.retry({ schedule: retrySchedule, while: isBusy }),
    Effect.catchIf(isBusy, (error) =>
      Effect.fail(
        new DatabaseBusy({
          message: `the database is locked by another connection: still locked after ${
            Duration.format(busyRetryTimeout)
          } of retries`,
          cause: error
        })
      ))
  )
