import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpApiClient from "effect/http-api/HttpApiClient"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpServer from "effect/http/HttpServer"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as SqlClient from "effect/sql/SqlClient"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CreateToken, TokenApi } from "../src/Api.js"
import * as Cleanup from "../src/Cleanup.js"
import * as Server from "../src/Server.js"
import { TokenRepo } from "../src/TokenRepo.js"
import { badRequests, send } from "./support/badRequests.js"
import { repoAt, testConfig } from "./support/layers.js"

/** The whole application in-process, on a free port of 127.0.0.1 over a database (in memory by default); its base URL. */
const startServerAt = (databasePath: string) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(
      Server.layer.pipe(Layer.provide(testConfig({ cleanupInterval: Duration.hours(1), databasePath })))
    )
    const server = yield* Effect.provide(HttpServer.HttpServer, context)
    // the cleanup's first run starts at once; wait until it has ended, so that the tests can count on it
    const cleanup = yield* Effect.provide(Repeater.get(Cleanup.name), context)
    yield* cleanup.status.pipe(
      Effect.repeat({ schedule: Schedule.spaced("10 millis"), until: (status) => status.runs >= 1 }),
      Effect.timeoutOrElse({
        duration: "30 seconds",
        orElse: () => Effect.fail(new Error("the first cleanup run did not end"))
      })
    )
    return HttpServer.formatAddress(server.address)
  })

const startServer = startServerAt(":memory:")

/** A new token as JSON: the secret is in this answer only. */
const TokenJson = Schema.Struct({
  id: Schema.String,
  token: Schema.String,
  createdAt: Schema.String,
  expiresAt: Schema.String
})

/** A listed token as JSON: its id and times, not its secret. */
const TokenInfoJson = Schema.Struct({ id: Schema.String, createdAt: Schema.String, expiresAt: Schema.String })

const HealthJson = Schema.Struct({
  status: Schema.String,
  database: Schema.String,
  cleanup: Schema.Struct({
    state: Schema.String,
    runs: Schema.Number,
    failures: Schema.Number,
    lastRunAt: Schema.NullOr(Schema.String)
  })
})

const UnhealthyJson = Schema.Struct({
  _tag: Schema.Literal("Unhealthy"),
  status: Schema.String,
  message: Schema.String,
  database: Schema.String,
  cleanup: HealthJson.fields.cleanup
})

const request = <S extends Schema.Decoder<unknown>>(schema: S, url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      body: Schema.decodeUnknownSync(schema)(await response.json())
    }
  })

const parseJson = (text: string): unknown => JSON.parse(text)

const postToken = (baseUrl: string, ttlSeconds: number) =>
  request(TokenJson, `${baseUrl}/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ttlSeconds })
  })

describe("the HTTP API, in-process over real HTTP", () => {
  it.live("POST /tokens creates a token (201); GET /tokens lists it without its secret; GET /health answers", () =>
    Effect.gen(function*() {
      const baseUrl = yield* startServer
      const created = yield* postToken(baseUrl, 60)
      assert.strictEqual(created.status, 201)
      assert.strictEqual(created.type, "application/json")
      assert.match(created.body.token, /^[A-Za-z0-9_-]{43}$/)
      assert.strictEqual(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt), 60_000)

      assert.match(created.body.id, /^[0-9a-f]{16}$/)

      const other = yield* postToken(baseUrl, 30)
      const listed = yield* request(Schema.Array(TokenInfoJson), `${baseUrl}/tokens`)
      assert.strictEqual(listed.status, 200)
      const { token: _created, ...createdInfo } = created.body
      const { token: _other, ...otherInfo } = other.body
      assert.deepStrictEqual(listed.body, [otherInfo, createdInfo])
      // the list holds no secret: each token is shown once, when it is created
      const raw = yield* Effect.promise(() => fetch(`${baseUrl}/tokens`).then((response) => response.text()))
      assert.deepStrictEqual(JSON.parse(raw), [otherInfo, createdInfo])
      assert.notInclude(raw, created.body.token)
      assert.notInclude(raw, other.body.token)

      const health = yield* request(HealthJson, `${baseUrl}/health`)
      assert.strictEqual(health.status, 200)
      assert.deepInclude(health.body, { status: "ok", database: "ok" })
      assert.deepInclude(health.body.cleanup, { state: "scheduled", runs: 1, failures: 0 })
      assert.isString(health.body.cleanup.lastRunAt)
    }))

  it.live("every bad POST /tokens gets a 400 naming the field and the value; the server keeps serving", () =>
    Effect.gen(function*() {
      const baseUrl = yield* startServer
      for (const badRequest of badRequests) {
        const response = yield* Effect.promise(() => send(baseUrl, badRequest))
        assert.deepStrictEqual(
          response,
          { status: 400, body: { _tag: "BadRequest", message: badRequest.message } },
          badRequest.name
        )
      }
      assert.strictEqual((yield* postToken(baseUrl, 1)).status, 201)
      assert.strictEqual((yield* request(Schema.Array(TokenInfoJson), `${baseUrl}/tokens`)).body.length, 1)
    }))

  it.live("a body over 16 KiB gets a 413 without being read, or a reset connection without a Content-Length", () =>
    Effect.gen(function*() {
      const baseUrl = yield* startServer
      // valid, but for its size
      const body = JSON.stringify({ ttlSeconds: 60 }) + " ".repeat(16 * 1024)
      const declared = yield* Effect.promise(async () => {
        const response = await fetch(`${baseUrl}/tokens`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body
        })
        return { status: response.status, body: await response.json() }
      })
      assert.deepStrictEqual(declared, {
        status: 413,
        body: {
          _tag: "PayloadTooLarge",
          message: `the body has ${body.length} bytes (Content-Length), more than the 16384 accepted`
        }
      })

      // streamed (chunked, no Content-Length): reading stops at 16 KiB
      const streamed = yield* Effect.promise(() =>
        fetch(`${baseUrl}/tokens`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: new Blob([body]).stream(),
          duplex: "half"
        }).then((response) => response.status, (error: unknown) => String(error))
      )
      // the server stops reading and drops the connection (a 400 could win the race on some systems)
      assert.isTrue(streamed === "TypeError: fetch failed" || streamed === 400, String(streamed))

      assert.strictEqual((yield* request(HealthJson, `${baseUrl}/health`)).status, 200)
      assert.strictEqual((yield* postToken(baseUrl, 1)).status, 201)
    }))

  it.live("an HttpApiClient of TokenApi creates and lists tokens", () =>
    Effect.gen(function*() {
      const baseUrl = yield* startServer
      const client = yield* HttpApiClient.make(TokenApi, { baseUrl }).pipe(Effect.provide(FetchHttpClient.layer))
      const created = yield* client.tokens.create({ payload: new CreateToken({ ttlSeconds: 90 }) })
      assert.strictEqual(Duration.toMillis(DateTime.distance(created.createdAt, created.expiresAt)), 90_000)
      const listed = yield* client.tokens.list()
      assert.deepStrictEqual(listed.map((token) => token.id), [created.id])
      assert.notProperty(listed[0], "token")
      const health = yield* client.health.health()
      assert.strictEqual(health.cleanup.runs, 1)
    }))

  it.live("a database failure is a 500 with a JSON body, and it is logged with its cause", () => {
    const dir = mkdtempSync(join(tmpdir(), "token-cleanup-"))
    const filename = join(dir, "tokens.db")
    const errors: Array<string> = []
    const collect = Logger.make(({ cause, logLevel, message }) => {
      if (logLevel === "Error") errors.push(`${String(message)} ${Cause.pretty(cause)}`)
    })
    return Effect.gen(function*() {
      const baseUrl = yield* startServerAt(filename)
      // another connection takes the table away
      yield* Effect.flatMap(SqlClient.SqlClient, (sql) => sql`ALTER TABLE tokens RENAME TO tokens_away`).pipe(
        Effect.provide(repoAt(filename))
      )
      const created = yield* Effect.promise(() =>
        fetch(`${baseUrl}/tokens`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ttlSeconds: 60 })
        })
      )
      assert.strictEqual(created.status, 500)
      assert.deepStrictEqual(yield* Effect.promise(() => created.json()), {
        _tag: "InternalServerError",
        message: "POST /tokens failed unexpectedly; the cause is in the server's log"
      })
      const listed = yield* Effect.promise(() => fetch(`${baseUrl}/tokens`))
      assert.strictEqual(listed.status, 500)
      assert.deepStrictEqual(yield* Effect.promise(() => listed.json()), {
        _tag: "InternalServerError",
        message: "GET /tokens failed unexpectedly; the cause is in the server's log"
      })
      // each failure was logged with its cause
      yield* Effect.sync(() => errors.filter((line) => line.includes("no such table: tokens")).length).pipe(
        Effect.repeat({ schedule: Schedule.spaced("20 millis"), until: (n) => n >= 2 }),
        Effect.timeoutOrElse({
          duration: "10 seconds",
          orElse: () => Effect.fail(new Error(`not logged: ${errors.join("\n")}`))
        })
      )
    }).pipe(
      Effect.provide(Logger.layer([collect], { mergeWithExisting: true })),
      Effect.ensuring(Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    )
  })

  it.live("an unexpected failure of any handler (a defect) is a JSON 500 or 503, logged with its Cause", () => {
    const logged: Array<string> = []
    const collect = Logger.make(({ cause, logLevel, message }) => {
      if (logLevel === "Error") logged.push(`${String(message)}\n${Cause.pretty(cause)}`)
    })
    // a repo whose every operation dies, as a bug would; the cleanup's runs succeed
    const failingRepo = Layer.succeed(
      TokenRepo,
      TokenRepo.of({
        create: () => Effect.die(new Error("boom in create")),
        live: Effect.die(new Error("boom in live")),
        deleteExpired: Effect.succeed(0),
        count: Effect.succeed(0),
        ping: Effect.die(new Error("boom in ping"))
      })
    )
    const app = Server.ApiServerLive.pipe(
      Layer.provide(Cleanup.layer),
      Layer.provideMerge(failingRepo),
      Layer.provideMerge(Repeater.layer),
      Layer.provide(testConfig({ cleanupInterval: Duration.hours(1) }))
    )
    return Effect.gen(function*() {
      const server = yield* Effect.provide(HttpServer.HttpServer, yield* Layer.build(app))
      const baseUrl = HttpServer.formatAddress(server.address)
      const answer = (path: string, init?: RequestInit) =>
        Effect.promise(async () => {
          const response = await fetch(`${baseUrl}${path}`, init)
          return {
            status: response.status,
            type: response.headers.get("content-type"),
            body: parseJson(await response.text())
          }
        })
      const created = yield* answer("/tokens", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ttlSeconds: 60 })
      })
      assert.deepStrictEqual(created, {
        status: 500,
        type: "application/json",
        body: {
          _tag: "InternalServerError",
          message: "POST /tokens failed unexpectedly; the cause is in the server's log"
        }
      })
      const listed = yield* answer("/tokens")
      assert.deepStrictEqual(listed, {
        status: 500,
        type: "application/json",
        body: {
          _tag: "InternalServerError",
          message: "GET /tokens failed unexpectedly; the cause is in the server's log"
        }
      })
      const health = yield* answer("/health")
      assert.strictEqual(health.status, 503)
      assert.strictEqual(health.type, "application/json")
      assert.deepInclude(health.body, {
        _tag: "Unhealthy",
        status: "unavailable",
        database: "unavailable",
        message: "the database does not answer (the cause is in the server's log)"
      })
      for (
        const [line, error] of [
          ["POST /tokens failed unexpectedly", "boom in create"],
          ["GET /tokens failed unexpectedly", "boom in live"],
          ["GET /health: the database does not answer", "boom in ping"]
        ]
      ) {
        assert.isTrue(
          logged.some((entry) => entry.startsWith(line) && entry.includes(`Error: ${error}`)),
          logged.join("\n")
        )
      }
    }).pipe(Effect.provide(Logger.layer([collect], { mergeWithExisting: true })))
  })

  it.live("after POST /repeaters/token-cleanup/stop, GET /health is a JSON 503 saying the cleanup is stopped", () =>
    Effect.gen(function*() {
      const baseUrl = yield* startServer
      const stopped = yield* Effect.promise(() => fetch(`${baseUrl}/repeaters/token-cleanup/stop`, { method: "POST" }))
      assert.strictEqual(stopped.status, 200)
      const response = yield* Effect.promise(async () => {
        const response = await fetch(`${baseUrl}/health`)
        return {
          status: response.status,
          type: response.headers.get("content-type"),
          body: Schema.decodeUnknownSync(UnhealthyJson)(await response.json(), { onExcessProperty: "error" })
        }
      })
      assert.strictEqual(response.status, 503)
      assert.strictEqual(response.type, "application/json")
      const { cleanup, ...rest } = response.body
      assert.deepStrictEqual(rest, {
        _tag: "Unhealthy",
        status: "unavailable",
        database: "ok",
        message: "the cleanup repeater is stopped: expired tokens are no longer deleted until the server restarts"
      })
      assert.deepInclude(cleanup, { state: "stopped", runs: 1, failures: 0 })
      assert.isString(cleanup.lastRunAt)
      // the rest of the API still serves
      assert.strictEqual((yield* postToken(baseUrl, 60)).status, 201)
    }))

  it.live("a charset parameter on the JSON Content-Type is accepted; the largest ttl is accepted", () =>
    Effect.gen(function*() {
      const baseUrl = yield* startServer
      const response = yield* request(TokenJson, `${baseUrl}/tokens`, {
        method: "POST",
        headers: { "content-type": "Application/JSON; charset=utf-8" },
        body: JSON.stringify({ ttlSeconds: 31536000 })
      })
      assert.strictEqual(response.status, 201)
      assert.strictEqual(Date.parse(response.body.expiresAt) - Date.parse(response.body.createdAt), 31536000_000)
    }))
})
