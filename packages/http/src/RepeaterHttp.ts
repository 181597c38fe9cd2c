/**
 * The implementation of `RepeaterHttpApi.group`: its handlers, reading the
 * `Repeater` service, and its bearer-token security.
 *
 * @since 0.1.0
 */
import { Repeater } from "@effect-repeater/core"
import type { RepeaterHandle } from "@effect-repeater/core/RepeaterHandle"
import type * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import type * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { formatAddress, isLocalRequest, isLoopback, makeTokenCheck } from "./internal/auth.js"
import { dashboardCsp, dashboardHtml, dashboardScript } from "./internal/dashboard.js"
import { eventToSse, statusToJson } from "./internal/json.js"
import type { group } from "./RepeaterHttpApi.js"
import { Authorization, RepeaterAdminApi, RepeaterNotFound, StopResultJson, Unauthorized } from "./RepeaterHttpApi.js"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * The admin API's security settings are wrong: no token is configured (and
 * no unauthenticated opt-in), the token is empty, or the unauthenticated
 * opt-in was given to a server that is not bound to loopback. Fails the
 * Layer, so the server does not start.
 *
 * @since 0.1.0
 * @category errors
 */
export class RepeaterHttpConfigError extends Data.TaggedError("RepeaterHttpConfigError")<{
  /** The setting that is wrong: `"token"`, `"unauthenticated"` or `"keepAlive"`. */
  readonly field: string
  /** Its value (a token is never shown). */
  readonly value: string
  /** What is wrong with it. */
  readonly reason: string
}> {
  override get message(): string {
    return `Invalid repeater admin API setting "${this.field}" (${this.value}): ${this.reason}`
  }
}

// -----------------------------------------------------------------------------
// security
// -----------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface AuthorizationOptions {
  /**
   * The bearer token every request must carry. Default:
   * `Config.redacted("REPEATER_ADMIN_TOKEN")`. Compared in constant time,
   * never logged nor echoed.
   */
  readonly token?: Config.Config<Redacted.Redacted> | undefined
  /**
   * Serve without a token when none is configured. Accepted only when the
   * `HttpServer` is bound to a loopback address (127.0.0.0/8 or ::1), checked
   * on the server's actual address (there must be one: a web handler has
   * none); otherwise the Layer fails with a
   * `RepeaterHttpConfigError`. A configured token is always required. Even
   * then, a request must name a loopback host (`localhost`, `127.x.y.z`,
   * `[::1]`) and, from a browser, come from the same origin: another site's
   * page open in the operator's browser gets 401 (no cross-site request
   * forgery, no DNS rebinding).
   */
  readonly unauthenticated?: boolean | undefined
}

/** The environment variable read when `token` is not given. */
const defaultTokenName = "REPEATER_ADMIN_TOKEN"

/**
 * Implements the `Authorization` middleware: requests must carry
 * `Authorization: Bearer <token>`, or get 401 with `WWW-Authenticate: Bearer`.
 * Fails to build when no token is configured, unless `unauthenticated` is set
 * and the server is bound to loopback.
 *
 * @example
 * ```ts
 * import { RepeaterHttp } from "@effect-repeater/http"
 * import { Config } from "effect"
 *
 * // ADMIN_TOKEN=... in the environment
 * const AuthorizationLive = RepeaterHttp.layerAuthorization({ token: Config.redacted("ADMIN_TOKEN") })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerAuthorization = (
  options: AuthorizationOptions = {}
): Layer.Layer<Authorization, RepeaterHttpConfigError | ConfigError.ConfigError> =>
  Layer.merge(
    Layer.effect(
      Authorization,
      Effect.gen(function*() {
        const configured = yield* Config.option(options.token ?? Config.redacted(defaultTokenName))
        if (Option.isNone(configured)) {
          if (options.unauthenticated !== true) {
            return yield* new RepeaterHttpConfigError({
              field: "token",
              value: "not set",
              reason: `no admin token is configured${
                options.token === undefined ? ` (environment variable ${defaultTokenName})` : ""
              }: set one, or opt into "unauthenticated" on a server bound to loopback`
            })
          }
          const server = yield* Effect.serviceOption(HttpServer.HttpServer)
          if (Option.isNone(server)) {
            return yield* new RepeaterHttpConfigError({
              field: "unauthenticated",
              value: "true",
              reason: "is only accepted on an HttpServer bound to loopback, and none is provided " +
                "(a web handler?): configure a token"
            })
          }
          const address = server.value.address
          if (!isLoopback(address)) {
            return yield* new RepeaterHttpConfigError({
              field: "unauthenticated",
              value: "true",
              reason: `is only accepted on a server bound to loopback, and this one listens on ${
                formatAddress(address)
              }: configure a token`
            })
          }
          yield* Effect.logWarning(
            `Repeater admin API without authentication, on ${formatAddress(address)} only`
          )
          return {
            bearer: () =>
              Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
                isLocalRequest(request.headers) ? Effect.void : Effect.fail(
                  new Unauthorized({
                    message: "Without a token this API only answers requests to a loopback host name " +
                      "from the same origin: not another site's page"
                  })
                ))
          }
        }
        if (Redacted.value(configured.value).trim() === "") {
          return yield* new RepeaterHttpConfigError({
            field: "token",
            value: "empty",
            reason: "the admin token is empty"
          })
        }
        if (/\s/.test(Redacted.value(configured.value))) {
          return yield* new RepeaterHttpConfigError({
            field: "token",
            value: "with whitespace",
            reason: "the admin token contains whitespace (a line break at its end?): a bearer token is one word"
          })
        }
        const check = makeTokenCheck(configured.value)
        return {
          bearer: () =>
            Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
              const header = request.headers["authorization"]
              return check(header) ? Effect.void : Effect.fail(
                new Unauthorized({
                  message: header === undefined ?
                    "This API needs a bearer token: Authorization: Bearer <token>" :
                    "The bearer token is not valid"
                })
              )
            })
        }
      })
    ),
    // The challenge header of 401 answers (HttpApi error schemas set no headers).
    HttpApiBuilder.middleware((app) =>
      Effect.catchAllCause(app, (cause) => {
        const error = Cause.squash(cause)
        return error instanceof Unauthorized ?
          HttpServerResponse.json(
            { _tag: error._tag, message: error.message },
            { status: 401, headers: { "www-authenticate": "Bearer realm=\"repeaters\"" } }
          ).pipe(Effect.orDie) :
          Effect.failCause(cause)
      })
    )
  )

// -----------------------------------------------------------------------------
// handlers
// -----------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface HandlersOptions {
  /**
   * How often the event stream sends a comment line to keep the connection
   * open. Default: 15 seconds. Zero fails the Layer with a
   * `RepeaterHttpConfigError`.
   */
  readonly keepAlive?: Duration.DurationInput | undefined
}

/** The endpoints of the group, whichever API it is mounted in. */
type Endpoints = HttpApiGroup.HttpApiGroup.Endpoints<typeof group>

const notFound = (name: string) => new RepeaterNotFound({ name, message: `No repeater named "${name}" is running` })

const openApiDocument = OpenApi.fromApi(RepeaterAdminApi)

/**
 * The handlers of the group, with options: pass the result to
 * `HttpApiBuilder.group(YourApi, "repeaters", …)`.
 *
 * @since 0.1.0
 * @category handlers
 */
export const handlersWith = (options: HandlersOptions = {}) => {
  const keepAlive = Duration.decode(options.keepAlive ?? Duration.seconds(15))
  return <E, P>(
    handlers: HttpApiBuilder.Handlers<E, P, never, Endpoints>
  ): Effect.Effect<
    HttpApiBuilder.Handlers<E, P, Exclude<Authorization, P>, never>,
    RepeaterHttpConfigError,
    Repeater.Repeater | Scope.Scope
  > =>
    Effect.gen(function*() {
      if (!Duration.greaterThan(keepAlive, Duration.zero)) {
        return yield* new RepeaterHttpConfigError({
          field: "keepAlive",
          value: Duration.format(keepAlive),
          reason: "the event stream's keep-alive interval must be longer than zero"
        })
      }
      const service = yield* Repeater.Repeater
      // Ends the event streams when the handlers go away: the server closes only once its connections have ended.
      const closing = yield* Deferred.make<void>()
      yield* Effect.addFinalizer(() => Deferred.succeed(closing, undefined))
      const withHandle = <A, R>(
        name: string,
        f: (handle: RepeaterHandle) => Effect.Effect<A, never, R>
      ): Effect.Effect<A, RepeaterNotFound, R> =>
        service.get(name).pipe(
          Effect.mapError(() => notFound(name)),
          Effect.flatMap(f)
        )
      const statusOf = (handle: RepeaterHandle) => Effect.map(handle.status, statusToJson)
      return handlers
        .handle("list", () => Effect.map(service.list, (list) => list.map(statusToJson)))
        .handle("get", ({ path }) => withHandle(path.name, statusOf))
        .handle(
          "run",
          ({ path }) => withHandle(path.name, (handle) => Effect.zipRight(handle.runNow, statusOf(handle)))
        )
        .handle(
          "pause",
          ({ path }) => withHandle(path.name, (handle) => Effect.zipRight(handle.pause, statusOf(handle)))
        )
        .handle(
          "resume",
          ({ path }) => withHandle(path.name, (handle) => Effect.zipRight(handle.resume, statusOf(handle)))
        )
        .handle("stop", ({ path }) =>
          withHandle(
            path.name,
            (handle) => Effect.map(handle.stop(), (result) => new StopResultJson({ name: handle.name, result }))
          ))
        .handleRaw("events", () =>
          Effect.sync(() => {
            const encoder = new TextEncoder()
            const events = service.events.pipe(Stream.map(eventToSse))
            const comments = Stream.fromSchedule(Schedule.spaced(keepAlive)).pipe(Stream.map(() => ": keep-alive\n\n"))
            const body = Stream.make(": connected\n\n").pipe(
              Stream.concat(Stream.merge(events, comments, { haltStrategy: "left" })),
              Stream.interruptWhen(Deferred.await(closing)),
              Stream.map((text) => encoder.encode(text))
            )
            return HttpServerResponse.stream(body, {
              contentType: "text/event-stream",
              // (an event stream's connection is not reused: closing it at the end lets the server close at once)
              headers: { "cache-control": "no-store", "x-accel-buffering": "no", "connection": "close" }
            })
          }))
        .handleRaw("openapi", () => HttpServerResponse.json(openApiDocument).pipe(Effect.orDie))
        .handleRaw("dashboardScript", () =>
          Effect.succeed(HttpServerResponse.text(dashboardScript, {
            contentType: "text/javascript; charset=utf-8",
            headers: { "cache-control": "no-store" }
          })))
        .handleRaw("dashboard", () =>
          Effect.succeed(HttpServerResponse.text(dashboardHtml, {
            contentType: "text/html; charset=utf-8",
            headers: {
              "cache-control": "no-store",
              "content-security-policy": dashboardCsp,
              "x-content-type-options": "nosniff",
              "referrer-policy": "no-referrer"
            }
          })))
    })
}

/**
 * The handlers of the group: pass it to
 * `HttpApiBuilder.group(YourApi, "repeaters", RepeaterHttp.handlers)`, and
 * provide `layerAuthorization` and the `Repeater` service to the result.
 *
 * @example
 * ```ts
 * import { RepeaterHttp, RepeaterHttpApi } from "@effect-repeater/http"
 * import { HttpApi, HttpApiBuilder } from "@effect/platform"
 * import { Config, Layer } from "effect"
 *
 * class AppApi extends HttpApi.make("app").add(RepeaterHttpApi.group) {}
 *
 * const RepeatersLive = HttpApiBuilder.group(AppApi, "repeaters", RepeaterHttp.handlers).pipe(
 *   Layer.provide(RepeaterHttp.layerAuthorization({ token: Config.redacted("ADMIN_TOKEN") }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category handlers
 */
export const handlers = handlersWith()

/**
 * The whole `RepeaterAdminApi` (the group alone) with its handlers and
 * security, for a server of its own: provide it to `HttpApiBuilder.serve()`.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { RepeaterHttp } from "@effect-repeater/http"
 * import { HttpApiBuilder } from "@effect/platform"
 * import { NodeHttpServer } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { createServer } from "node:http"
 *
 * const AdminServer = HttpApiBuilder.serve().pipe(
 *   Layer.provide(RepeaterHttp.layer()),
 *   Layer.provide(Repeater.layer),
 *   Layer.provide(NodeHttpServer.layer(createServer, { host: "127.0.0.1", port: 9090 }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: AuthorizationOptions & HandlersOptions = {}
): Layer.Layer<
  HttpApi.Api,
  RepeaterHttpConfigError | ConfigError.ConfigError,
  Repeater.Repeater
> =>
  HttpApiBuilder.api(RepeaterAdminApi).pipe(
    Layer.provide(HttpApiBuilder.group(RepeaterAdminApi, "repeaters", handlersWith(options))),
    Layer.provide(layerAuthorization(options))
  )
