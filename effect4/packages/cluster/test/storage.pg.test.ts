import * as PgClient from "@effect/sql-pg/PgClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as SqlClient from "effect/sql/SqlClient"
import { privatePostgres } from "./support/postgres.js"
import { storageCases } from "./support/storageCases.js"

const postgres = privatePostgres()

let databases = 0

/** A fresh database per test on the private server (BIGINT comes back as strings, unlike SQLite). */
const Pg = Layer.unwrap(Effect.gen(function*() {
  const url = postgres().url()
  const database = `state_${++databases}`
  yield* Effect.flatMap(SqlClient.SqlClient, (sql) => sql`CREATE DATABASE ${sql(database)}`).pipe(
    Effect.provide(PgClient.layer({ url: Redacted.make(url) }))
  )
  return PgClient.layer({ url: Redacted.make(url.replace(/\/postgres$/, `/${database}`)) })
}))

storageCases("real PostgreSQL", Pg)
