/**
 * The SQLite database: a file at `DATABASE_PATH` (its directory is created),
 * migrated at startup, closed when the layer is released.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqliteMigrator from "@effect/sql-sqlite-node/SqliteMigrator"
import * as Migrator from "@effect/sql/Migrator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { AppConfig } from "./AppConfig.js"
import { migrations } from "./TokenRepo.js"

/** The SQLite client for a file (or `:memory:`), its directory created first. */
export const client = (filename: string) =>
  Layer.unwrapScoped(Effect.gen(function*() {
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
    return SqliteClient.layer({ filename })
  }))

/** Brings the schema up to date; migrations already applied are skipped. */
export const migrate = SqliteMigrator.layer({ loader: Migrator.fromRecord(migrations) })

/** The database of `AppConfig.databasePath`, migrated. Needs the platform's `FileSystem` and `Path`. */
export const layer = Layer.unwrapEffect(Effect.map(
  AppConfig,
  ({ databasePath }) => migrate.pipe(Layer.provideMerge(client(databasePath)))
))
