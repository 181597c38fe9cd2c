/**
 * The tokens table: a `TokenRepo` service over `effect/sql`, and the
 * migration that creates the table. Times come from Effect's `Clock`, so
 * `TestClock` drives expiry in tests.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { randomBytes } from "node:crypto"
import { type DatabaseBusy, retryWhileBusy } from "./SqliteBusy.js"

/**
 * A token as `GET /tokens` lists it: its id (16 hex digits, random, not
 * derived from the secret) and its times, never its secret.
 */
export class TokenInfo extends Schema.Class<TokenInfo>("TokenInfo")({
  id: Schema.String,
  createdAt: Schema.DateTimeUtc,
  expiresAt: Schema.DateTimeUtc
}) {}

/** A new token as `POST /tokens` returns it: the only answer that holds the secret, `token`. */
export class Token extends Schema.Class<Token>("Token")({
  id: Schema.String,
  token: Schema.String,
  createdAt: Schema.DateTimeUtc,
  expiresAt: Schema.DateTimeUtc
}) {}

/** The migrations of the database, for `Migrator.fromRecord`. */
export const migrations: Record<string, Effect.Effect<void, SqlError, SqlClient.SqlClient>> = {
  "0001_create_tokens": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE tokens (
      token TEXT PRIMARY KEY NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    )`
    yield* sql`CREATE INDEX tokens_expires_at ON tokens (expires_at)`
  }),
  // an id for each token, so that tokens can be listed without their secrets; the tokens already stored get one
  "0002_token_ids": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`ALTER TABLE tokens ADD COLUMN id TEXT`
    yield* sql`UPDATE tokens SET id = lower(hex(randomblob(8))) WHERE id IS NULL`
    yield* sql`CREATE UNIQUE INDEX tokens_id ON tokens (id)`
  })
}

type TokenInfoRow = {
  readonly id: string
  readonly created_at: number
  readonly expires_at: number
}

type TokenRow = TokenInfoRow & {
  readonly token: string
}

const fromInfoRow = (row: TokenInfoRow): TokenInfo =>
  new TokenInfo({
    id: row.id,
    createdAt: DateTime.makeUnsafe(row.created_at),
    expiresAt: DateTime.makeUnsafe(row.expires_at)
  })

/** 32 random bytes from the operating system's CSPRNG, base64url: 43 characters. */
const randomToken = Effect.sync(() => randomBytes(32).toString("base64url"))

/** 8 random bytes, hex: 16 digits. */
const randomId = Effect.sync(() => randomBytes(8).toString("hex"))

/** The operations of `TokenRepo`. */
export interface TokenRepoShape {
  /** Stores a new random token that expires `ttl` from now. */
  readonly create: (ttl: Duration.Input) => Effect.Effect<Token, SqlError | DatabaseBusy>
  /** The tokens that have not expired, the first to expire first, without their secrets (not even read). */
  readonly live: Effect.Effect<ReadonlyArray<TokenInfo>, SqlError | DatabaseBusy>
  /** Deletes the expired tokens; returns how many were deleted. */
  readonly deleteExpired: Effect.Effect<number, SqlError | DatabaseBusy>
  /** How many rows the table holds, expired ones included. */
  readonly count: Effect.Effect<number, SqlError | DatabaseBusy>
  /** Checks that the database answers (at once: it is not retried). */
  readonly ping: Effect.Effect<void, SqlError>
}

/**
 * The tokens table. A token is live while the current time is before its
 * expiry, and expired from its expiry on. While another connection holds the
 * database's lock, each operation is retried for 2 seconds, then fails with a
 * `DatabaseBusy` (`SqliteBusy.retryWhileBusy`); `ping` is not retried.
 */
export class TokenRepo extends Context.Service<TokenRepo, TokenRepoShape>()("token-cleanup/TokenRepo", {
  make: Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient

    const create = (ttl: Duration.Input): Effect.Effect<Token, SqlError | DatabaseBusy> =>
      Effect.gen(function*() {
        const token = yield* randomToken
        const id = yield* randomId
        const now = yield* Clock.currentTimeMillis
        const row: TokenRow = {
          id,
          token,
          created_at: now,
          expires_at: now + Math.ceil(Duration.toMillis(ttl))
        }
        yield* retryWhileBusy(sql`INSERT INTO tokens ${sql.insert(row)}`)
        return new Token({ ...fromInfoRow(row), token })
      })

    const live: Effect.Effect<ReadonlyArray<TokenInfo>, SqlError | DatabaseBusy> = Effect.flatMap(
      Clock.currentTimeMillis,
      (now) =>
        retryWhileBusy(sql<TokenInfoRow>`SELECT id, created_at, expires_at FROM tokens
          WHERE expires_at > ${now} ORDER BY expires_at, id`).pipe(Effect.map((rows) => rows.map(fromInfoRow)))
    )

    const deleteExpired: Effect.Effect<number, SqlError | DatabaseBusy> = Effect.flatMap(
      Clock.currentTimeMillis,
      (now) =>
        retryWhileBusy(sql<{ readonly token: string }>`DELETE FROM tokens WHERE expires_at <= ${now} RETURNING token`)
          .pipe(Effect.map((rows) => rows.length))
    )

    const count: Effect.Effect<number, SqlError | DatabaseBusy> = retryWhileBusy(
      sql<{ readonly n: number }>`SELECT count(*) AS n FROM tokens`
    ).pipe(Effect.map((rows) => rows[0]?.n ?? 0))

    const ping: Effect.Effect<void, SqlError> = Effect.asVoid(sql`SELECT 1`)

    return { create, live, deleteExpired, count, ping } as const
  })
}) {
  /** `TokenRepo` over the current `SqlClient`. */
  static readonly layer: Layer.Layer<TokenRepo, never, SqlClient.SqlClient> = Layer.effect(TokenRepo, TokenRepo.make)
}
