import { ClusterRepeater } from "@effect-repeater/cluster"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as String from "effect/String"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as storage from "../src/internal/storage.js"
import { storageCases } from "./support/storageCases.js"

/** A fresh SQLite file per test, removed afterwards. */
const Sqlite = Layer.unwrapScoped(Effect.map(
  Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "cluster-storage-"))),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  ),
  (dir) => SqliteClient.layer({ filename: join(dir, "state.db") })
))

storageCases("real SQLite", Sqlite)

const setup = (name: string) =>
  Effect.zipRight(storage.ensureTable, Effect.zipRight(storage.ensureTable, storage.ensureRow(name)))

describe("durable state through a SqlClient that transforms names", () => {
  // an application's own `{ sql: layer }` often maps snake_case columns to camelCase
  const Camel = Layer.unwrapScoped(Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => mkdtempSync(join(tmpdir(), "cluster-storage-"))),
      (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
    ),
    (dir) =>
      SqliteClient.layer({
        filename: join(dir, "state.db"),
        transformResultNames: String.snakeToCamel,
        transformQueryNames: String.camelToSnake
      })
  ))

  it.scoped("the stored schedule and status are read as written", () =>
    Effect.gen(function*() {
      yield* setup("job")
      yield* storage.takeHold("job", "runner-1", 9_000)
      yield* storage.claim("job", 1, 10_000, 10_001, "runner-1")
      yield* storage.finish("job", 2, 10_040, "success")
      const row = Option.getOrThrow(yield* storage.load("job"))
      assert.deepStrictEqual(
        [row.version, row.lastScheduled, row.lastStarted, row.lastFinished, row.lastOutcome, row.runs, row.heldSince],
        [2, 10_000, 10_001, 10_040, "success", 1, 9_000]
      )
      const status = yield* ClusterRepeater.status("job")
      assert.deepStrictEqual(status.lastScheduled, Option.some(DateTime.unsafeMake(10_000)))
      assert.deepStrictEqual((yield* ClusterRepeater.list).map((s) => s.runs), [1])
    }).pipe(Effect.provide(Camel)))
})
