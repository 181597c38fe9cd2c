import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { TokenRepo } from "../src/TokenRepo.js"
import { repoAt, repoInMemory } from "./support/layers.js"

describe("TokenRepo", () => {
  it.effect("a token lives from its creation until its expiry, and is expired from its expiry on", () =>
    Effect.gen(function*() {
      const repo = yield* TokenRepo
      yield* TestClock.setTime(1_000_000)
      const short = yield* repo.create("3 seconds")
      const long = yield* repo.create("60 seconds")
      assert.strictEqual(DateTime.toEpochMillis(short.createdAt), 1_000_000)
      assert.strictEqual(DateTime.toEpochMillis(short.expiresAt), 1_003_000)
      assert.strictEqual(DateTime.toEpochMillis(long.expiresAt), 1_060_000)

      yield* TestClock.adjust("2999 millis")
      assert.deepStrictEqual((yield* repo.live).map((token) => token.token), [short.token, long.token])
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual((yield* repo.live).map((token) => token.token), [long.token])
      // expired, but still stored until the cleanup deletes it
      assert.strictEqual(yield* repo.count, 2)
    }).pipe(Effect.provide(repoInMemory)))

  it.effect("deleteExpired deletes only the expired tokens and returns how many it deleted", () =>
    Effect.gen(function*() {
      const repo = yield* TokenRepo
      yield* repo.create("1 second")
      yield* repo.create("2 seconds")
      const kept = yield* repo.create("10 seconds")
      assert.strictEqual(yield* repo.deleteExpired, 0)

      yield* TestClock.adjust("2 seconds")
      assert.strictEqual(yield* repo.deleteExpired, 2)
      assert.strictEqual(yield* repo.deleteExpired, 0)
      assert.strictEqual(yield* repo.count, 1)
      assert.deepStrictEqual((yield* repo.live).map((token) => token.token), [kept.token])
    }).pipe(Effect.provide(repoInMemory)))

  it.effect("tokens are 43 random base64url characters (32 bytes), all different", () =>
    Effect.gen(function*() {
      const repo = yield* TokenRepo
      const tokens = yield* Effect.forEach(Array.from({ length: 50 }), () => repo.create("1 minute"))
      for (const { token } of tokens) {
        assert.match(token, /^[A-Za-z0-9_-]{43}$/)
      }
      assert.strictEqual(new Set(tokens.map(({ token }) => token)).size, 50)
    }).pipe(Effect.provide(repoInMemory)))

  it.effect("the live tokens come in order of expiry", () =>
    Effect.gen(function*() {
      const repo = yield* TokenRepo
      const c = yield* repo.create("30 seconds")
      const a = yield* repo.create("10 seconds")
      const b = yield* repo.create("20 seconds")
      assert.deepStrictEqual((yield* repo.live).map((token) => token.token), [a.token, b.token, c.token])
    }).pipe(Effect.provide(repoInMemory)))

  it.live("a database file survives reopening; its directories are created; migrations run once", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "token-repo-"))
      try {
        const filename = join(dir, "nested", "deeper", "tokens.db")
        const created = yield* Effect.flatMap(TokenRepo, (repo) => repo.create("1 hour")).pipe(
          Effect.provide(repoAt(filename))
        )
        assert.isTrue(statSync(filename).isFile())

        const [live, migrations] = yield* Effect.gen(function*() {
          const repo = yield* TokenRepo
          const sql = yield* SqlClient.SqlClient
          const migrations = yield* sql<{ readonly name: string }>`SELECT name FROM effect_sql_migrations`
          return [yield* repo.live, migrations.map(({ name }) => name)] as const
        }).pipe(Effect.provide(repoAt(filename)))
        assert.deepStrictEqual(live.map((token) => token.token), [created.token])
        assert.deepStrictEqual(migrations, ["create_tokens"])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }))
})
