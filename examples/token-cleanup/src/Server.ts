/**
 * The application as layers: the API's handlers, the HTTP server, the
 * cleanup repeater and the database. `layer` needs only `AppConfig`, so tests
 * start it in-process with settings of their own; `src/main.ts` reads them
 * from the environment.
 *
 * Layers are released in the reverse order of their construction: on
 * shutdown the HTTP server closes first (no new requests), then the cleanup
 * repeater stops (a run in flight gets its grace), then the database closes.
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterHttp } from "@effect-repeater/http"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiError from "@effect/platform/HttpApiError"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Config from "effect/Config"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Health, readCreateToken, TokenApi } from "./Api.js"
import { AppConfig } from "./AppConfig.js"
import * as Cleanup from "./Cleanup.js"
import * as Database from "./Database.js"
import * as HttpServerShutdown from "./HttpServerShutdown.js"
import { TokenRepo } from "./TokenRepo.js"

/** A database failure: logged with its full Cause (a defect alone would be a 500 that nobody hears of), then a 500. */
const logAndDie = (endpoint: string) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, never, R> =>
  effect.pipe(
    Effect.tapErrorCause((cause) => Effect.logError(`${endpoint}: the database failed`, cause)),
    Effect.orDie
  )

/** The handlers of `POST /tokens` and `GET /tokens`. */
export const TokensLive = HttpApiBuilder.group(TokenApi, "tokens", (handlers) =>
  Effect.gen(function*() {
    const repo = yield* TokenRepo
    return handlers
      // Raw: the body is read and decoded by `readCreateToken`, so that every bad body is a `BadRequest`.
      .handleRaw("create", ({ request }) =>
        Effect.flatMap(
          readCreateToken(request),
          ({ ttlSeconds }) => repo.create(Duration.seconds(ttlSeconds)).pipe(logAndDie("POST /tokens"))
        ))
      .handle("list", () => repo.live.pipe(logAndDie("GET /tokens")))
  }))

/** The handler of `GET /health`. */
export const HealthLive = HttpApiBuilder.group(TokenApi, "health", (handlers) =>
  Effect.gen(function*() {
    const repo = yield* TokenRepo
    const repeaters = yield* Repeater.Repeater
    return handlers.handle("health", () =>
      Effect.gen(function*() {
        yield* repo.ping.pipe(
          Effect.tapErrorCause((cause) => Effect.logError("health check: the database does not answer", cause)),
          Effect.mapError(() => new HttpApiError.ServiceUnavailable())
        )
        const cleanup = yield* repeaters.get(Cleanup.name).pipe(Effect.flatMap((handle) => handle.status), Effect.orDie)
        return new Health({
          status: "ok",
          database: "ok",
          cleanup: {
            state: cleanup.state,
            runs: cleanup.runs,
            failures: cleanup.failures,
            lastRunAt: Option.getOrNull(Option.map(cleanup.lastStart, DateTime.unsafeMake))
          }
        })
      }))
  }))

/**
 * The repeaters' admin API and dashboard (`GET /repeaters`,
 * `/repeaters/dashboard`, ...): every request needs
 * `Authorization: Bearer $ADMIN_TOKEN`. Without `ADMIN_TOKEN` they are open on
 * a loopback address only (the default `HOST`, 127.0.0.1; a warning is
 * logged); bound to any other address, the server refuses to start until
 * `ADMIN_TOKEN` is set.
 */
export const RepeatersLive = HttpApiBuilder.group(TokenApi, "repeaters", RepeaterHttp.handlers).pipe(
  Layer.provide(RepeaterHttp.layerAuthorization({ token: Config.redacted("ADMIN_TOKEN"), unauthenticated: true }))
)

/** The HTTP server on `AppConfig.host` and `AppConfig.port`; logs its address once it listens. */
export const HttpServerLive = Layer.unwrapScoped(Effect.gen(function*() {
  const { host, port } = yield* AppConfig
  // Added before the server is started, so it runs after the server has closed.
  yield* Effect.addFinalizer(() => Effect.log("HTTP server closed"))
  // requests in flight at shutdown get 5 seconds, then their connections are closed
  return HttpServerShutdown.layer({ host, port }, "5 seconds")
}))

/** The API served over HTTP. */
export const ApiServerLive = HttpApiBuilder.serve().pipe(
  HttpServer.withLogAddress,
  Layer.provide(HttpApiBuilder.api(TokenApi)),
  Layer.provide(TokensLive),
  Layer.provide(HealthLive),
  Layer.provide(RepeatersLive),
  Layer.provideMerge(HttpServerLive)
)

/**
 * The whole application. It provides `HttpServer` (for its bound address)
 * and `TokenRepo`, and needs only the settings.
 */
export const layer = ApiServerLive.pipe(
  Layer.provide(Cleanup.layer),
  Layer.provideMerge(TokenRepo.Default),
  Layer.provide(Database.layer),
  Layer.provideMerge(Repeater.layer),
  Layer.provide(NodeContext.layer)
)
