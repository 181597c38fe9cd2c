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
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder"
import * as HttpRouter from "effect/http/HttpRouter"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import {
  BadRequest,
  Health,
  InternalServerError,
  PayloadTooLarge,
  readCreateToken,
  ServiceUnavailable,
  TokenApi,
  Unhealthy
} from "./Api.js"
import { AppConfig } from "./AppConfig.js"
import * as Cleanup from "./Cleanup.js"
import * as Database from "./Database.js"
import * as HttpServerShutdown from "./HttpServerShutdown.js"
import { DatabaseBusy } from "./SqliteBusy.js"
import { TokenRepo } from "./TokenRepo.js"

/**
 * A handler's failures, answered: the API's own answers (a `BadRequest`, an
 * `Unhealthy`, ...: those `isAnswer` accepts) go out as they are; a database
 * that stayed locked (`DatabaseBusy`) is logged as a warning with its Cause
 * and answered with a JSON `ServiceUnavailable` (503); anything else (a
 * database error, a defect) is logged with its full Cause and answered with a
 * JSON `InternalServerError` (500) naming the endpoint, never an empty 500
 * that nobody hears of.
 */
const answerFailures = <Answer>(endpoint: string, isAnswer: (error: unknown) => error is Answer) =>
<A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, Answer | ServiceUnavailable | InternalServerError, R> =>
  Effect.catchCause(effect, (cause): Effect.Effect<never, Answer | ServiceUnavailable | InternalServerError> => {
    if (Cause.hasInterruptsOnly(cause)) return Effect.interrupt
    const failure = Cause.findErrorOption(cause)
    if (Option.isSome(failure) && !Cause.hasDies(cause)) {
      const error = failure.value
      if (isAnswer(error)) return Effect.fail(error)
      if (error instanceof DatabaseBusy) {
        return Effect.andThen(
          Effect.logWarning(`${endpoint}: ${error.message}; answered 503`, cause),
          Effect.fail(new ServiceUnavailable({ message: `${error.message}: try again later` }))
        )
      }
    }
    return Effect.andThen(
      Effect.logError(`${endpoint} failed unexpectedly`, cause),
      Effect.fail(
        new InternalServerError({ message: `${endpoint} failed unexpectedly; the cause is in the server's log` })
      )
    )
  })

const isRequestError = (error: unknown): error is BadRequest | PayloadTooLarge =>
  error instanceof BadRequest || error instanceof PayloadTooLarge

const isUnhealthy = (error: unknown): error is Unhealthy => error instanceof Unhealthy

const isNothing = (_: unknown): _ is never => false

/** The handlers of `POST /tokens` and `GET /tokens`. */
export const TokensLive = HttpApiBuilder.group(TokenApi, "tokens", (handlers) =>
  Effect.gen(function*() {
    const repo = yield* TokenRepo
    return handlers
      // Raw: the body is read and decoded by `readCreateToken`, so that every bad body is a `BadRequest`.
      .handleRaw("create", ({ request }) =>
        Effect.flatMap(
          readCreateToken(request),
          ({ ttlSeconds }) => repo.create(Duration.seconds(ttlSeconds))
        ).pipe(answerFailures("POST /tokens", isRequestError)))
      .handle("list", () => repo.live.pipe(answerFailures("GET /tokens", isNothing)))
  }))

/** The states in which the cleanup repeater no longer runs, nor will again until the server restarts. */
const ended = new Set(["stopping", "stopped", "completed", "failed"])

/**
 * The handler of `GET /health`: 200 when the database answers and the
 * cleanup repeater has not ended; a 503 `Unhealthy` saying why otherwise (a
 * paused repeater is still healthy: `resume` brings it back).
 */
export const HealthLive = HttpApiBuilder.group(TokenApi, "health", (handlers) =>
  Effect.gen(function*() {
    const repo = yield* TokenRepo
    const cleanupRepeater = yield* Cleanup.CleanupRepeater
    return handlers.handle("health", () =>
      Effect.gen(function*() {
        const database = yield* repo.ping.pipe(
          Effect.as("ok" as const),
          Effect.catchCause((cause) =>
            Effect.as(Effect.logError("GET /health: the database does not answer", cause), "unavailable" as const)
          )
        )
        const status = yield* cleanupRepeater.status
        const cleanup = {
          state: status.state,
          runs: status.runs,
          failures: status.failures,
          lastRunAt: Option.getOrNull(status.lastStart)
        }
        const problems = [
          ...(database === "ok" ? [] : ["the database does not answer (the cause is in the server's log)"]),
          ...(ended.has(status.state) ?
            [`the cleanup repeater is ${status.state}: expired tokens are no longer deleted until the server restarts`] :
            [])
        ]
        if (database === "ok" && problems.length === 0) return new Health({ status: "ok", database, cleanup })
        return yield* new Unhealthy({ status: "unavailable", message: problems.join("; "), database, cleanup })
      }).pipe(answerFailures("GET /health", isUnhealthy)))
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
  Layer.provide(RepeaterHttp.layerAuthorization({ token: Config.Redacted("ADMIN_TOKEN"), unauthenticated: true }))
)

/** The HTTP server on `AppConfig.host` and `AppConfig.port`. */
export const HttpServerLive = Layer.unwrap(Effect.gen(function*() {
  const { host, port } = yield* AppConfig
  // Added before the server is started, so it runs after the server has closed.
  yield* Effect.addFinalizer(() => Effect.log("HTTP server closed"))
  // requests in flight at shutdown get 5 seconds, then their connections are closed
  return HttpServerShutdown.layer({ host, port }, "5 seconds")
}))

/** The API's routes and their handlers. */
export const ApiRoutesLive = HttpApiBuilder.layer(TokenApi).pipe(
  Layer.provide(TokensLive),
  Layer.provide(HealthLive),
  Layer.provide(RepeatersLive)
)

/**
 * The API served over HTTP; logs the server's address once it listens. At
 * shutdown, the connections still open 5 seconds later are closed.
 */
export const ApiServerLive = HttpServerShutdown.closeConnectionsAfterGrace.pipe(
  Layer.provideMerge(HttpRouter.serve(ApiRoutesLive)),
  Layer.provideMerge(HttpServerLive)
)

/**
 * The whole application. It provides `HttpServer` (for its bound address)
 * and `TokenRepo`, and needs only the settings.
 */
export const layer = ApiServerLive.pipe(
  Layer.provide(Cleanup.layer),
  Layer.provideMerge(TokenRepo.layer),
  Layer.provide(Database.layer),
  Layer.provideMerge(Repeater.layer),
  Layer.provide(NodeServices.layer)
)
