import { Repeater } from "@effect-repeater/core"
import { RepeaterStatusSchema } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { bearer, eventually, readSse, request, serve, sseData, tokenConfig } from "./support/server.js"

/** A status as the API answers it: its JSON. */
const RepeaterStatusJson = Schema.toEncoded(RepeaterStatusSchema)

const json = (response: Response): Effect.Effect<unknown> => Effect.promise(() => response.json())

/** The body of a response, decoded: the wire format is checked too. */
const decode = <A, I>(schema: Schema.Codec<A, I>) => (response: Response) =>
  Effect.flatMap(json(response), (body) => Schema.decodeUnknownEffect(schema)(body).pipe(Effect.orDie))

const statuses = decode(Schema.Array(RepeaterStatusJson))
const status = decode(RepeaterStatusJson)

const OpenApiDoc = Schema.Struct({
  openapi: Schema.String,
  paths: Schema.Record(
    Schema.String,
    Schema.Record(
      Schema.String,
      Schema.Struct({
        security: Schema.optional(Schema.Array(Schema.Record(Schema.String, Schema.Unknown))),
        responses: Schema.Record(Schema.String, Schema.Unknown)
      })
    )
  ),
  components: Schema.Struct({
    securitySchemes: Schema.Record(Schema.String, Schema.Unknown)
  })
})

const post = (url: string) => request(url, { method: "POST", headers: bearer() })

describe("admin API over HTTP", () => {
  it.live("GET /repeaters lists every repeater with its status", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      yield* Effect.provideService(
        Effect.all([
          Repeater.fork(Effect.void, { name: "alpha", every: "1 hour" }),
          Repeater.fork(Effect.fail("broken"), { name: "beta", every: "1 hour", waitFirst: true })
        ]),
        Repeater.Repeater,
        service
      )
      const url = yield* serve(service)
      const list = yield* eventually(Effect.gen(function*() {
        const response = yield* request(`${url}/repeaters`, { headers: bearer() })
        assert.strictEqual(response.status, 200)
        const body = yield* statuses(response)
        const alpha = body.find((status) => status.name === "alpha")
        assert.strictEqual(alpha?.runs, 1)
        return body
      }))
      assert.deepStrictEqual(list.map((status) => status.name).sort(), ["alpha", "beta"])
      const alpha = list.find((status) => status.name === "alpha")!
      assert.strictEqual(alpha.state, "scheduled")
      assert.strictEqual(alpha.failures, 0)
      assert.isString(alpha.lastStart)
      assert.isString(alpha.nextRun)
      assert.isNumber(alpha.lastDurationMillis)
      assert.isNull(alpha.lastFailure)
      const beta = list.find((status) => status.name === "beta")!
      assert.strictEqual(beta.runs, 0)
      assert.isNull(beta.lastStart)
      // the next run of a "1 hour" repeater that waits first is about an hour away
      const inAnHour = Date.parse(String(beta.nextRun)) - Date.now()
      assert.isAbove(inAnHour, 50 * 60 * 1000)
    }))

  it.live("GET /repeaters/:name answers one status, 404 with a clear body for an unknown name", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      yield* Effect.provideService(
        Repeater.fork(Effect.void, { name: "nightly report", every: "1 hour", waitFirst: true }),
        Repeater.Repeater,
        service
      )
      const url = yield* serve(service)
      const found = yield* request(`${url}/repeaters/${encodeURIComponent("nightly report")}`, { headers: bearer() })
      assert.strictEqual(found.status, 200)
      const one = yield* status(found)
      assert.strictEqual(one.name, "nightly report")
      assert.strictEqual(one.state, "scheduled")

      for (
        const path of [
          "/repeaters/nope",
          "/repeaters/nope/run",
          "/repeaters/nope/pause",
          "/repeaters/nope/resume",
          "/repeaters/nope/stop"
        ]
      ) {
        const response = yield* request(`${url}${path}`, {
          method: path === "/repeaters/nope" ? "GET" : "POST",
          headers: bearer()
        })
        assert.strictEqual(response.status, 404, path)
        assert.deepStrictEqual(yield* json(response), {
          _tag: "RepeaterNotFound",
          repeater: "nope",
          message: "No repeater named \"nope\" is running"
        }, path)
      }
    }))

  it.live("POST run starts a run of the real repeater now", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const count = yield* Ref.make(0)
      const handle = yield* Effect.provideService(
        Repeater.fork(Ref.update(count, (n) => n + 1), { name: "cleanup", every: "1 hour", waitFirst: true }),
        Repeater.Repeater,
        service
      )
      const url = yield* serve(service)
      const response = yield* post(`${url}/repeaters/cleanup/run`)
      assert.strictEqual(response.status, 200)
      assert.strictEqual((yield* status(response)).name, "cleanup")
      yield* eventually(Effect.gen(function*() {
        assert.strictEqual(yield* Ref.get(count), 1)
        assert.strictEqual((yield* handle.status).runs, 1)
      }))
      const after = yield* status(yield* request(`${url}/repeaters/cleanup`, { headers: bearer() }))
      assert.strictEqual(after.runs, 1)
      assert.isString(after.lastStart)
    }))

  it.live("POST pause and resume change the real repeater's state", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const handle = yield* Effect.provideService(
        Repeater.fork(Effect.void, { name: "sync", every: "1 hour", waitFirst: true }),
        Repeater.Repeater,
        service
      )
      const url = yield* serve(service)
      const paused = yield* post(`${url}/repeaters/sync/pause`)
      assert.strictEqual(paused.status, 200)
      assert.strictEqual((yield* status(paused)).state, "paused")
      assert.strictEqual((yield* handle.status).state, "paused")
      assert.isTrue((yield* handle.status).nextRun._tag === "None")

      const resumed = yield* post(`${url}/repeaters/sync/resume`)
      assert.strictEqual(resumed.status, 200)
      const body = yield* status(resumed)
      assert.strictEqual(body.state, "scheduled")
      assert.isString(body.nextRun)
      assert.strictEqual((yield* handle.status).state, "scheduled")
    }))

  it.live("POST stop stops the real repeater and answers how; then it is gone", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const handle = yield* Effect.provideService(
        Repeater.fork(Effect.void, { name: "mailer", every: "1 hour", waitFirst: true }),
        Repeater.Repeater,
        service
      )
      const url = yield* serve(service)
      const stopped = yield* post(`${url}/repeaters/mailer/stop`)
      assert.strictEqual(stopped.status, 200)
      assert.deepStrictEqual(yield* json(stopped), { name: "mailer", result: "idle" })
      yield* handle.join
      assert.strictEqual((yield* handle.status).state, "stopped")
      const gone = yield* request(`${url}/repeaters/mailer`, { headers: bearer() })
      assert.strictEqual(gone.status, 404)
      assert.deepStrictEqual(yield* json(yield* request(`${url}/repeaters`, { headers: bearer() })), [])
    }))

  it.live("POST stop lets an in-flight run finish within its grace, and answers once it has", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const release = yield* Deferred.make<void>()
      const finished = yield* Ref.make(false)
      yield* Effect.provideService(
        Repeater.fork(
          Deferred.await(release).pipe(Effect.andThen(Ref.set(finished, true))),
          { name: "slow", every: "1 hour", grace: "30 seconds" }
        ),
        Repeater.Repeater,
        service
      )
      const url = yield* serve(service)
      // (the run ends with the test, whatever happens)
      yield* Effect.addFinalizer(() => Deferred.succeed(release, undefined))
      yield* eventually(Effect.gen(function*() {
        const slow = yield* status(yield* request(`${url}/repeaters/slow`, { headers: bearer() }))
        assert.strictEqual(slow.state, "running")
      }))
      const stopping = yield* Effect.forkChild(post(`${url}/repeaters/slow/stop`))
      yield* eventually(Effect.gen(function*() {
        const slow = yield* Effect.flatMap(service.get("slow"), (handle) => handle.status)
        assert.strictEqual(slow.state, "stopping")
      }))
      // no answer while the run goes on
      assert.isUndefined(stopping.pollUnsafe())
      yield* Deferred.succeed(release, undefined)
      const stopped = yield* Fiber.join(stopping)
      assert.strictEqual(stopped.status, 200)
      assert.deepStrictEqual(yield* json(stopped), { name: "slow", result: "finished" })
      assert.isTrue(yield* Ref.get(finished))
    }))

  it.live("POST stop whose client goes away while the run finishes still stops the repeater", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const release = yield* Deferred.make<void>()
      const handle = yield* Effect.provideService(
        Repeater.fork(Deferred.await(release), { name: "slow", every: "1 hour", grace: "30 seconds" }),
        Repeater.Repeater,
        service
      )
      yield* Effect.addFinalizer(() => Deferred.succeed(release, undefined))
      const url = yield* serve(service)
      yield* eventually(Effect.gen(function*() {
        assert.strictEqual((yield* handle.status).state, "running")
      }))
      const controller = new AbortController()
      const stopping = yield* Effect.forkChild(
        Effect.promise(() =>
          fetch(`${url}/repeaters/slow/stop`, { method: "POST", headers: bearer(), signal: controller.signal })
            .catch(() => undefined)
        )
      )
      yield* eventually(Effect.gen(function*() {
        assert.strictEqual((yield* handle.status).state, "stopping")
      }))
      controller.abort()
      yield* Fiber.join(stopping)
      yield* Deferred.succeed(release, undefined)
      yield* handle.join.pipe(Effect.timeout("20 seconds"))
      assert.strictEqual((yield* handle.status).state, "stopped")
      const gone = yield* request(`${url}/repeaters/slow`, { headers: bearer() })
      assert.strictEqual(gone.status, 404)
      yield* json(gone)
    }))

  it.live("GET /repeaters/events streams each event as JSON with its tag", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      yield* Effect.provideService(
        Effect.all([
          Repeater.fork(Effect.void, { name: "ok", every: "1 hour", waitFirst: true }),
          Repeater.fork(
            Effect.fail(new Error("database unreachable")),
            { name: "flaky", every: "1 hour", waitFirst: true }
          )
        ]),
        Repeater.Repeater,
        service
      )
      const url = yield* serve(service)
      const response = yield* request(`${url}/repeaters/events`, { headers: bearer() })
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers.get("content-type"), "text/event-stream")
      assert.strictEqual(response.headers.get("cache-control"), "no-store")
      // not kept alive once it ends: a closing server need not wait for its keep-alive timeout
      assert.strictEqual(response.headers.get("connection"), "close")
      const reading = yield* Effect.forkChild(readSse(response, (messages) => {
        const tags = sseData(messages).map((event) => `${String(event._tag)} ${String(event.name)}`)
        return tags.includes("RunSucceeded ok") && tags.includes("RunFailed flaky")
      }))
      // runs are asked for until the stream shows them (its subscription may start a little after the answer)
      const ask = Effect.andThen(post(`${url}/repeaters/ok/run`), post(`${url}/repeaters/flaky/run`))
      const messages = yield* Effect.race(
        Fiber.join(reading),
        ask.pipe(Effect.andThen(Effect.sleep("300 millis")), Effect.forever)
      ).pipe(Effect.timeout("20 seconds"))
      assert.strictEqual(messages[0], ": connected")
      const events = sseData(messages)
      const succeeded = events.find((event) => event._tag === "RunSucceeded" && event.name === "ok")!
      assert.isNumber(succeeded.durationMillis)
      assert.isAtLeast(Number(succeeded.run), 1)
      const started = events.find((event) =>
        event._tag === "RunStarted" && event.name === "ok" && event.run === succeeded.run
      )!
      assert.isString(started.scheduledAt)
      assert.strictEqual(started.startedAt, succeeded.startedAt)
      const failed = events.find((event) => event._tag === "RunFailed" && event.name === "flaky")!
      assert.include(String(failed.cause), "database unreachable")
      // the `event:` line names the tag too
      const failedMessage = messages.find((message) => message.includes("\"RunFailed\""))!
      assert.isTrue(failedMessage.startsWith("event: RunFailed\ndata: {"))
    }))

  it.live("a client that goes away leaves no subscription behind", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      // the service's event stream, counting its open subscriptions
      const open = yield* Ref.make(0)
      const counted: Repeater.Repeater = {
        ...service,
        events: Stream.unwrap(
          Effect.acquireRelease(Ref.update(open, (n) => n + 1), () => Ref.update(open, (n) => n - 1)).pipe(
            Effect.as(service.events)
          )
        )
      }
      for (const keepAlive of ["1 hour", "1 second"] as const) {
        const url = yield* serve(counted, { token: tokenConfig, keepAlive })
        const clients = yield* Effect.forEach([1, 2, 3], () =>
          Effect.gen(function*() {
            const controller = new AbortController()
            const response = yield* Effect.promise(() =>
              fetch(`${url}/repeaters/events`, { headers: bearer(), signal: controller.signal })
            )
            const reader = response.body!.getReader()
            yield* Effect.promise(() => reader.read())
            return controller
          }))
        // they are subscribed (the three streams share one subscription), then they go away: noticed with nothing
        // to write ("1 hour"), or while writing (each second)
        yield* eventually(Effect.gen(function*() {
          assert.strictEqual(yield* Ref.get(open), 1, keepAlive)
        }))
        for (const controller of clients) controller.abort()
        yield* eventually(Effect.gen(function*() {
          assert.strictEqual(yield* Ref.get(open), 0, keepAlive)
        }))
      }
    }))

  it.live("the server shuts down while a client still reads the event stream", () =>
    Effect.gen(function*() {
      // the service outlives the server, as when the application provides Repeater.layer below its server
      const service = yield* Repeater.make()
      const scope = yield* Scope.make()
      const url = yield* serve(service).pipe(Scope.provide(scope))
      const controller = new AbortController()
      yield* Effect.addFinalizer(() => Effect.sync(() => controller.abort()))
      const response = yield* Effect.promise(() =>
        fetch(`${url}/repeaters/events`, { headers: bearer(), signal: controller.signal })
      )
      const reader = response.body!.getReader()
      yield* Effect.promise(() => reader.read())
      // the stream ends for the client, and the server closes
      const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
      const ended = yield* Effect.promise(async () => {
        for (;;) {
          const { done } = await reader.read().catch(() => ({ done: true }))
          if (done) return true
        }
      }).pipe(Effect.timeout("20 seconds"))
      assert.isTrue(ended)
      yield* Fiber.join(closing).pipe(Effect.timeout("20 seconds"))
    }))

  it.live("the event stream sends keep-alive comments", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const url = yield* serve(service, { token: undefined, unauthenticated: true, keepAlive: "1 second" })
      const response = yield* request(`${url}/repeaters/events`)
      const messages = yield* readSse(response, (messages) => messages.filter((m) => m === ": keep-alive").length >= 2)
        .pipe(Effect.timeout("20 seconds"))
      assert.deepStrictEqual(messages.slice(0, 3), [": connected", ": keep-alive", ": keep-alive"])
    }))

  it.live("GET /repeaters/openapi.json lists every route and the bearer security", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const url = yield* serve(service)
      const response = yield* request(`${url}/repeaters/openapi.json`, { headers: bearer() })
      assert.strictEqual(response.status, 200)
      const doc = yield* decode(OpenApiDoc)(response)
      assert.strictEqual(doc.openapi, "3.1.0")
      assert.deepStrictEqual(Object.keys(doc.paths).sort(), [
        "/repeaters",
        "/repeaters/dashboard",
        "/repeaters/dashboard/app.js",
        "/repeaters/events",
        "/repeaters/openapi.json",
        "/repeaters/{name}",
        "/repeaters/{name}/pause",
        "/repeaters/{name}/resume",
        "/repeaters/{name}/run",
        "/repeaters/{name}/status",
        "/repeaters/{name}/stop"
      ])
      assert.deepStrictEqual(Object.keys(doc.paths["/repeaters/{name}/run"]!), ["post"])
      assert.deepStrictEqual(doc.components.securitySchemes.bearer, { type: "http", scheme: "bearer" })
      assert.deepStrictEqual(doc.paths["/repeaters"]!.get!.security, [{ bearer: [] }])
      assert.property(doc.paths["/repeaters/{name}"]!.get!.responses, "404")
      assert.property(doc.paths["/repeaters"]!.get!.responses, "401")
      // the dashboard page asks for the token itself
      assert.deepStrictEqual(doc.paths["/repeaters/dashboard"]!.get!.security, [])
    }))
})
