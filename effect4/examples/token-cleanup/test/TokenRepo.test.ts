import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Migrator from "effect/sql/Migrator"
import * as SqlClient from "effect/sql/SqlClient"
import * as TestClock from "effect/testing/TestClock"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Database from "../src/Database.js"
import { DatabaseBusy } from "../src/SqliteBusy.js"
import { migrations, TokenRepo } from "../src/TokenRepo.js"
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
      assert.deepStrictEqual((yield* repo.live).map((token) => token.id), [short.id, long.id])
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual((yield* repo.live).map((token) => token.id), [long.id])
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
      assert.deepStrictEqual((yield* repo.live).map((token) => token.id), [kept.id])
    }).pipe(Effect.provide(repoInMemory)))

  it.effect("tokens are 43 random base64url characters (32 bytes), their ids 16 hex digits, all different", () =>
    Effect.gen(function*() {
      const repo = yield* TokenRepo
      const tokens = yield* Effect.forEach(Array.from({ length: 50 }), () => repo.create("1 minute"))
      for (const { id, token } of tokens) {
        assert.match(token, /^[A-Za-z0-9_-]{43}$/)
        assert.match(id, /^[0-9a-f]{16}$/)
      }
      assert.strictEqual(new Set(tokens.map(({ token }) => token)).size, 50)
      assert.strictEqual(new Set(tokens.map(({ id }) => id)).size, 50)
    }).pipe(Effect.provide(repoInMemory)))

  it.effect("the live tokens come in order of expiry", () =>
    Effect.gen(function*() {
      const repo = yield* TokenRepo
      const c = yield* repo.create("30 seconds")
      const a = yield* repo.create("10 seconds")
      const b = yield* repo.create("20 seconds")
      assert.deepStrictEqual((yield* repo.live).map((token) => token.id), [a.id, b.id, c.id])
    }).pipe(Effect.provide(repoInMemory)))

  it.effect("the live tokens are listed without their secrets", () =>
    Effect.gen(function*() {
      const repo = yield* TokenRepo
      const created = yield* repo.create("1 minute")
      const live = yield* repo.live
      assert.deepStrictEqual(live.map((info) => ({ ...info })), [{
        id: created.id,
        createdAt: created.createdAt,
        expiresAt: created.expiresAt
      }])
      assert.notInclude(JSON.stringify(live), created.token)
    }).pipe(Effect.provide(repoInMemory)))

  it.live("a database of the first schema gets an id for each of its tokens, kept across reopenings", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "token-repo-"))
      try {
        const filename = join(dir, "tokens.db")
        // the table as the first migration made it, with a token in it
        yield* Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          yield* Migrator.make({})({
            loader: Migrator.fromRecord({ "0001_create_tokens": migrations["0001_create_tokens"] })
          })
          yield* sql`INSERT INTO tokens (token, created_at, expires_at) VALUES ('old-secret', 0, ${
            Date.now() + 3_600_000
          })`
        }).pipe(Effect.provide(Database.client(filename).pipe(Layer.provide(NodeServices.layer))))

        const listings = yield* Effect.forEach(
          [1, 2],
          () => Effect.flatMap(TokenRepo, (repo) => repo.live).pipe(Effect.provide(repoAt(filename)))
        )
        const [first, second] = listings
        assert.strictEqual(first?.length, 1)
        assert.match(first?.[0]?.id ?? "", /^[0-9a-f]{16}$/)
        assert.deepStrictEqual(second?.map(({ id }) => id), first?.map(({ id }) => id))
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }))

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
        assert.deepStrictEqual(live.map((token) => token.id), [created.id])
        assert.deepStrictEqual(migrations, ["create_tokens", "token_ids"])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }))

  describe("while another connection holds the database's write lock", () => {
    /** A second connection to `filename` (as another process would have) that holds the write lock until released. */
    const lockHolder = (filename: string) =>
      Effect.gen(function*() {
        // open for the rest of the test's scope
        const context = yield* Layer.build(Database.client(filename).pipe(Layer.provide(NodeServices.layer)))
        const sql = Context.get(context, SqlClient.SqlClient)
        yield* sql.unsafe("BEGIN IMMEDIATE")
        return { release: sql.unsafe("ROLLBACK") }
      })

    /** Moves the `TestClock` by `millis`, 10 ms at a time, letting the retrying fiber run at each step. */
    const advance = (millis: number) =>
      Effect.forEach(
        Array.from({ length: millis / 10 }),
        () => Effect.andThen(TestClock.adjust("10 millis"), Effect.yieldNow),
        { discard: true }
      )

    const withFile = <A, E, R>(use: (filename: string) => Effect.Effect<A, E, R>) =>
      Effect.acquireUseRelease(
        Effect.sync(() => mkdtempSync(join(tmpdir(), "token-repo-"))),
        (dir) => use(join(dir, "tokens.db")),
        (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
      )

    it.effect("the connection waits for a lock 50 ms at most (PRAGMA busy_timeout), down from the driver's 5 s", () =>
      withFile((filename) =>
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const [row] = yield* sql<{ readonly timeout: number }>`PRAGMA busy_timeout`.pipe(
            Effect.map((rows) => rows.map((row) => ({ timeout: Object.values(row)[0] as number })))
          )
          assert.strictEqual(row?.timeout, 50)
        }).pipe(Effect.provide(repoAt(filename)))
      ))

    it.effect("a write is retried, the event loop free between attempts, and succeeds once the lock is released", () =>
      withFile((filename) =>
        Effect.gen(function*() {
          const repo = yield* TokenRepo
          const lock = yield* lockHolder(filename)
          const started = performance.now()
          const write = yield* Effect.forkChild(repo.create("1 minute"))
          // one attempt blocks for the busy timeout (50 ms of real time), then the fiber sleeps on the clock
          yield* Effect.yieldNow
          assert.isBelow(performance.now() - started, 1000)
          yield* advance(1500)
          assert.isTrue(write.pollUnsafe() === undefined, "the write is still retried after 1.5 s")
          yield* lock.release
          yield* advance(200)
          const created = yield* Fiber.join(write)
          assert.deepStrictEqual((yield* repo.live).map(({ id }) => id), [created.id])
        }).pipe(Effect.provide(repoAt(filename)))
      ))

    it.effect("a write fails with DatabaseBusy after 2 s of retries; reads go on (WAL)", () =>
      withFile((filename) =>
        Effect.gen(function*() {
          const repo = yield* TokenRepo
          const kept = yield* repo.create("1 minute")
          const lock = yield* lockHolder(filename)
          const write = yield* Effect.forkChild(Effect.result(repo.create("1 minute")))
          yield* advance(1800)
          assert.isTrue(write.pollUnsafe() === undefined, "the write is still retried after 1.8 s")
          // a read does not need the write lock
          assert.deepStrictEqual((yield* repo.live).map(({ id }) => id), [kept.id])
          yield* advance(600)
          const result = yield* Fiber.join(write)
          assert.isTrue(Result.isFailure(result))
          if (Result.isFailure(result)) {
            assert.instanceOf(result.failure, DatabaseBusy)
            assert.strictEqual(
              result.failure.message,
              "the database is locked by another connection: still locked after 2s of retries"
            )
          }
          yield* lock.release
          // the lock released, writes succeed again
          yield* repo.create("1 minute")
          assert.strictEqual(yield* repo.count, 2)
        }).pipe(Effect.provide(repoAt(filename)))
      ))
  })
})
