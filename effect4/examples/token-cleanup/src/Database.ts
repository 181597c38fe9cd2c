/**
 * The SQLite database: a file at `DATABASE_PATH` (its directory is created),
 * migrated at startup, closed when the layer is released. A statement blocks
 * the event loop 50 ms at most while another connection holds a lock
 * (`SqliteBusy`).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as Path from "effect/Path"
import * as Migrator from "effect/sql/Migrator"
import * as SqlClient from "effect/sql/SqlClient"
import { AppConfig } from "./AppConfig.js"
import * as SqliteBusy from "./SqliteBusy.js"
import * as SqliteClient from "./SqliteClient.js"
import { migrations } from "./TokenRepo.js"

/** The SQLite client for a file (or `:memory:`), its directory created first. */
export const client = (filename: string) =>
  Layer.unwrap(Effect.gen(function*() {
    let shown = filename
    if (filename !== ":memory:" && !filename.startsWith("file:")) {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      shown = path.resolve(filename)
      yield* fs.makeDirectory(path.dirname(shown), { recursive: true })
    }
    yield* Effect.log(`database: ${shown}`)
    // Added before the client is opened, so it runs after the client is closed.
    yield* Effect.addFinalizer(() => Effect.log(`database closed: ${shown}`))
    return SqliteClient.layer(filename)
  }))

/**
 * Brings the schema up to date; migrations already applied are skipped. It
 * runs with the client's busy timeout of 5 seconds, before the server serves,
 * in a transaction that takes the write lock first (`BEGIN IMMEDIATE`):
 * servers that start together on one file take turns (the second waits for
 * the first's migration to commit, then finds nothing left to do).
 */
export const migrate = Layer.effectDiscard(Migrator.make({})({ loader: Migrator.fromRecord(migrations) }))

/**
 * Sets the connection's busy timeout to `busyTimeout` (50 ms), down from the
 * client's 5 seconds: a statement never blocks the event loop longer while
 * another connection holds a lock; `retryWhileBusy` tries it again later.
 */
export const shortBusyTimeout = Layer.effectDiscard(
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql.unsafe(`PRAGMA busy_timeout = ${Duration.toMillis(SqliteBusy.busyTimeout)}`)
  )
)

/** The database at `filename`, migrated, with the short busy timeout. Needs the platform's `FileSystem` and `Path`. */
export const at = (filename: string) =>
  shortBusyTimeout.pipe(Layer.provideMerge(migrate), Layer.provideMerge(client(filename)))

/** The database of `AppConfig.databasePath`: `at(databasePath)`. */
export const layer = Layer.unwrap(Effect.map(AppConfig, ({ databasePath }) => at(databasePath)))
