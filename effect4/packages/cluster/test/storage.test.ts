/**
 * The durable state through an application's own `{ sql }` layer on real
 * PostgreSQL. (The cases of the state table run on PostgreSQL in
 * `storage.pg.test.ts`; the Effect 4 line has no SQLite storage.)
 */
import { ClusterRepeater } from "@effect-repeater/cluster"
import * as PgClient from "@effect/sql-pg/PgClient"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as String from "effect/String"
import * as storage from "../src/internal/storage.js"
import { privatePostgres } from "./support/postgres.js"

const postgres = privatePostgres()

const setup = (name: string) =>
  Effect.andThen(storage.ensureTable, Effect.andThen(storage.ensureTable, storage.ensureRow(name)))

describe("durable state through a SqlClient that transforms names", () => {
  // an application's own `{ sql: layer }` often maps snake_case columns to camelCase
  const Camel = Layer.unwrap(Effect.sync(() => {
    postgres().createDatabase("camel")
    return PgClient.layer({
      url: Redacted.make(postgres().url("camel")),
      transformResultNames: String.snakeToCamel,
      transformQueryNames: String.camelToSnake
    })
  }))

  it.effect("the stored schedule and status are read as written", () =>
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
      assert.deepStrictEqual(status.lastScheduled, Option.some(DateTime.makeUnsafe(10_000)))
      assert.deepStrictEqual((yield* ClusterRepeater.list).map((s) => s.runs), [1])
    }).pipe(Effect.provide(Camel)))
})
