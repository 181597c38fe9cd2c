/**
 * The implementation of `RepeaterHttpApi.group`: its handlers, reading the
 * `Repeater` service, and its bearer-token security.
 *
 * @since 1.0.0
 */
import { Repeater } from "@effect-repeater/core"
import type { RepeaterHandle } from "@effect-repeater/core/RepeaterHandle"
import * as DashboardPage from "@effect-repeater/dashboard/DashboardPage"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder"
import * as OpenApi from "effect/http-api/OpenApi"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { hasProperty, isTagged } from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { Readable } from "node:stream"
import { formatAddress, isLocalRequest, isLoopback, makeTokenCheck } from "./internal/auth.js"
import { makeEventHub, queueSubscriber, readableSubscriber } from "./internal/eventHub.js"
import { malformedPathMiddleware } from "./internal/malformedPath.js"
import {
  checkKeys,
  decodeCountSetting,
  decodeDurationSetting,
  formatGiven,
  type SettingProblem
} from "./internal/options.js"
import type { group } from "./RepeaterHttpApi.js"
import {
  Authorization,
  InternalError,
  InvalidRepeaterName,
  RepeaterAdminApi,
  RepeaterNotFound,
  StopResultJson,
  TooManyEventStreams,
  TypeId,
  Unauthorized
} from "./RepeaterHttpApi.js"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * The admin API's security settings are wrong: no token is configured (and
 * no unauthenticated opt-in), the token is empty, or the unauthenticated
 * opt-in was given to a server that is not bound to loopback. Fails the
 * Layer, so the server does not start.
 *
 * @since 1.0.0
 * @category errors
 */
export class RepeaterHttpConfigError extends Data.TaggedError("RepeaterHttpConfigError")<{
  /**
   * The setting that is wrong: `"token"`, `"unauthenticated"`, `"keepAlive"`,
   * an unknown key as it was given, or `"options"` for options that are not
   * an object.
   */
  readonly field: string
  /** Its value as given (a token is never shown). */
  readonly value: string
  /** What is wrong with it. */
  readonly reason: string
}> {
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is RepeaterHttpConfigError {
    return hasProperty(u, TypeId) && isTagged(u, "RepeaterHttpConfigError")
  }

  override get message(): string {
    return `Invalid repeater admin API setting "${this.field}" (${this.value}): ${this.reason}`
  }
}

/**
 * Every error of `@effect-repeater/http`: the settings' error and the typed
 * errors the endpoints answer with (`RepeaterHttpApi`).
 *
 * @since 1.0.0
 * @category errors
 */
export type RepeaterHttpError =
  | RepeaterHttpConfigError
  | RepeaterNotFound
  | InvalidRepeaterName
  | TooManyEventStreams
  | InternalError
  | Unauthorized

/**
 * Whether a value is an error of `@effect-repeater/http` (any of its tags).
 *
 * @example
 * ```ts
 * import { RepeaterHttp, RepeaterHttpApi } from "@effect-repeater/http"
 *
 * const error = new RepeaterHttpApi.RepeaterNotFound({ repeater: "nightly", message: "No repeater named nightly" })
 * RepeaterHttp.isRepeaterHttpError(error) // true
 * RepeaterHttp.isRepeaterHttpError(new Error("other")) // false
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export const isRepeaterHttpError = (u: unknown): u is RepeaterHttpError => hasProperty(u, TypeId)

const configError = (problem: SettingProblem) => new RepeaterHttpConfigError(problem)

// -----------------------------------------------------------------------------
// security
// -----------------------------------------------------------------------------

/**
 * @since 1.0.0
 * @category models
 */
export interface AuthorizationOptions {
  /**
   * The bearer token every request must carry. Default:
   * `Config.Redacted("REPEATER_ADMIN_TOKEN")`. Compared in constant time,
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

const authorizationKeys: ReadonlyArray<keyof AuthorizationOptions> = ["token", "unauthenticated"]

const checkAuthorizationOptions = (options: AuthorizationOptions): Effect.Effect<void, RepeaterHttpConfigError> =>
  Effect.suspend(() => {
    const keys = checkKeys(options, authorizationKeys, "layerAuthorization")
    if (keys !== undefined) return Effect.fail(configError(keys))
    const unauthenticated: unknown = options.unauthenticated
    if (unauthenticated !== undefined && typeof unauthenticated !== "boolean") {
      return Effect.fail(configError({
        field: "unauthenticated",
        value: formatGiven(unauthenticated),
        reason: "must be true or false"
      }))
    }
    const token: unknown = options.token
    if (token !== undefined && !Config.isConfig(token)) {
      return Effect.fail(configError({
        field: "token",
        value: typeof token === "string" ? "a string" : formatGiven(token),
        reason: "must be a Config of the token, such as Config.Redacted(\"ADMIN_TOKEN\") (never the token itself)"
      }))
    }
    return Effect.void
  })

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
 * const AuthorizationLive = RepeaterHttp.layerAuthorization({ token: Config.Redacted("ADMIN_TOKEN") })
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layerAuthorization = (
  options: AuthorizationOptions = {}
): Layer.Layer<Authorization, RepeaterHttpConfigError | Config.ConfigError> =>
  Layer.effect(
    Authorization,
    Effect.gen(function*() {
      yield* checkAuthorizationOptions(options)
      const configured = yield* Config.option(options.token ?? Config.Redacted(defaultTokenName))
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
        return Authorization.of({
          bearer: (httpEffect) =>
            Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
              isLocalRequest(request.headers) ? httpEffect : unauthorized(
                "Without a token this API only answers requests to a loopback host name " +
                  "from the same origin: not another site's page"
              ))
        })
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
      return Authorization.of({
        bearer: (httpEffect) =>
          Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
            const header = request.headers["authorization"]
            return check(header) ? httpEffect : unauthorized(
              header === undefined ?
                "This API needs a bearer token: Authorization: Bearer <token>" :
                "The bearer token is not valid"
            )
          })
      })
    })
  )

const encodeUnauthorized = Schema.encodeSync(Unauthorized)

/** The answer to a refused request: 401, the `Unauthorized` JSON and the Bearer challenge. */
const unauthorized = (message: string): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
  Effect.sync(() =>
    HttpServerResponse.jsonUnsafe(encodeUnauthorized(new Unauthorized({ message })), {
      status: 401,
      headers: { "www-authenticate": "Bearer realm=\"repeaters\"" }
    })
  )

// -----------------------------------------------------------------------------
// handlers
// -----------------------------------------------------------------------------

/**
 * @since 1.0.0
 * @category models
 */
export interface HandlersOptions {
  /**
   * How often the event stream sends a comment line to keep the connection
   * open: from 1 second to 1 hour. Default: 15 seconds. A value out of range
   * or that is not a duration fails the Layer with a
   * `RepeaterHttpConfigError`.
   */
  readonly keepAlive?: Duration.Input | undefined
  /**
   * How many event streams may be open at a time: from 1 to 100,000. Default:
   * 100. One more is answered 503 (`TooManyEventStreams`).
   */
  readonly maxStreams?: number | undefined
}

const handlersKeys: ReadonlyArray<keyof HandlersOptions> = ["keepAlive", "maxStreams"]

/** The range of `maxStreams`. */
const maxStreamsRange = { min: 1, max: 100_000 }

/**
 * How many batches of events (each the events of up to 50 ms, 64 at most) an
 * event stream may have waiting for its connection: a client that falls
 * further behind has its stream ended (and its connection closed), instead of
 * the server buffering for it.
 */
const streamBufferSize = 16

/** The same on Node, in bytes. */
const streamBufferBytes = 1024 * 1024

/** The range of `keepAlive`. */
const keepAliveRange = { min: Duration.seconds(1), max: Duration.hours(1) }

interface HandlersSettings {
  readonly keepAlive: Duration.Duration
  readonly maxStreams: number
}

const validateHandlersOptions = (
  options: HandlersOptions
): Effect.Effect<HandlersSettings, RepeaterHttpConfigError> =>
  Effect.suspend(() => {
    const keys = checkKeys(options, handlersKeys, "handlersWith")
    if (keys !== undefined) return Effect.fail(configError(keys))
    const keepAlive = decodeDurationSetting("keepAlive", options.keepAlive, keepAliveRange)
    if ("problem" in keepAlive) return Effect.fail(configError(keepAlive.problem))
    const maxStreams = decodeCountSetting("maxStreams", options.maxStreams, maxStreamsRange)
    if ("problem" in maxStreams) return Effect.fail(configError(maxStreams.problem))
    return Effect.succeed({
      keepAlive: keepAlive.duration ?? Duration.seconds(15),
      maxStreams: maxStreams.count ?? 100
    })
  })

/** Whether the request came through Node's HTTP server: its source is an `IncomingMessage`. */
const isNodeRequest = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const source: unknown = request.source
  return typeof source === "object" && source !== null && "socket" in source && "destroy" in source
}

/**
 * Whether the Node server of a request has stopped listening: it is closing,
 * and waits for its open connections.
 */
const serverClosing = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const source: unknown = request.source
  if (typeof source !== "object" || source === null || !("socket" in source)) return false
  const socket: unknown = source.socket
  if (typeof socket !== "object" || socket === null || !("server" in socket)) return false
  const server: unknown = socket.server
  return typeof server === "object" && server !== null && "listening" in server && server.listening === false
}

/**
 * Closes the connection of a request at once, data not yet sent included: on
 * Node (`@effect/platform-node`) the request's source is an `IncomingMessage`,
 * whose `destroy` destroys its socket. A web handler's stream just ends.
 */
const closeConnection = (request: HttpServerRequest.HttpServerRequest): void => {
  const source: unknown = request.source
  if (typeof source === "object" && source !== null && "destroy" in source && typeof source.destroy === "function") {
    source.destroy()
  }
}

const notFound = (name: string) =>
  new RepeaterNotFound({ repeater: name, message: `No repeater named "${name}" is running` })

/**
 * The document with its HTTP security schemes' names in lower case, as the
 * IANA registry and the Effect 3 line write them (`"bearer"`; they are
 * matched without regard to case).
 */
const withLowerCaseSchemes = (document: OpenApi.OpenAPISpec): OpenApi.OpenAPISpec => {
  const schemes = document.components.securitySchemes
  return {
    ...document,
    components: {
      ...document.components,
      securitySchemes: Object.fromEntries(
        Object.entries(schemes).map((
          [name, scheme]
        ) => [name, scheme.type === "http" ? { ...scheme, scheme: scheme.scheme.toLowerCase() } : scheme])
      )
    }
  }
}

/**
 * The document with the schema of the event stream's body written in place
 * (a string whose `contentSchema` is the `RepeaterEvent` component), as the
 * Effect 3 line writes it, instead of a reference to a component of its own.
 */
const withInlineEventStream = (document: OpenApi.OpenAPISpec): OpenApi.OpenAPISpec => {
  const schemas: Record<string, unknown> = document.components.schemas
  const inline = (content: unknown): unknown => {
    if (typeof content !== "object" || content === null || !("schema" in content)) return content
    const schema = content.schema
    if (typeof schema !== "object" || schema === null || !("$ref" in schema) || typeof schema.$ref !== "string") {
      return content
    }
    const target = schemas[schema.$ref.replace("#/components/schemas/", "")]
    return target === undefined ? content : { ...content, schema: target }
  }
  const json = JSON.stringify(
    document.paths,
    (key, value: unknown) => key === "text/event-stream" ? inline(value) : value
  )
  return { ...document, paths: JSON.parse(json) }
}

/** The OpenAPI document of `RepeaterAdminApi`, made once when first asked for. */
const openApiDocument = (() => {
  let document: OpenApi.OpenAPISpec | undefined
  return () => document ??= withInlineEventStream(withLowerCaseSchemes(OpenApi.fromApi(RepeaterAdminApi)))
})()

/**
 * What every handler of the group goes through: a defect (anything but its
 * typed errors and an interruption) is logged at Error level with its whole
 * Cause, annotated with the endpoint, and answered 500 with a JSON body.
 */
const guard = (endpoint: string) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | InternalError, R> =>
  Effect.catchCause(
    effect,
    (cause): Effect.Effect<never, E | InternalError> =>
      Cause.hasInterruptsOnly(cause) || !Cause.hasDies(cause) ?
        Effect.failCause(cause) :
        Effect.logError(`Repeater admin API: ${endpoint} failed`, cause).pipe(
          Effect.annotateLogs({ endpoint }),
          Effect.andThen(
            Effect.fail(new InternalError({ message: `${endpoint} failed; the error is logged on the server` }))
          )
        )
  )

/**
 * The handlers of the group, with options: pass the result to
 * `HttpApiBuilder.group(YourApi, "repeaters", …)`.
 *
 * @since 1.0.0
 * @category handlers
 */
export const handlersWith = (options: HandlersOptions = {}) =>
(
  handlers: HttpApiBuilder.Handlers.FromGroup<typeof group>
) =>
  Effect.gen(function*() {
    const { keepAlive, maxStreams } = yield* validateHandlersOptions(options)
    const service = yield* Repeater.Repeater
    // (ends the event streams when the handlers go away: the server closes only once its connections have ended)
    const hub = yield* makeEventHub({ events: service.events, keepAlive, maxStreams })
    const withHandle = <A, R>(
      name: string,
      f: (handle: RepeaterHandle) => Effect.Effect<A, never, R>
    ): Effect.Effect<A, RepeaterNotFound | InvalidRepeaterName, R> =>
      service.get(name).pipe(
        Effect.catchTag("RepeaterNotFoundError", () =>
          // 400 for a name no repeater can have, by the core's own rule; 404 for a free one
          Repeater.validate({ name, every: "1 hour" }).pipe(
            Effect.matchEffect({
              onFailure: (error): Effect.Effect<never, RepeaterNotFound | InvalidRepeaterName> =>
                error.field === "name" ?
                  Effect.fail(new InvalidRepeaterName({ repeater: name, message: error.message })) :
                  Effect.fail(notFound(name)),
              onSuccess: () => Effect.fail(notFound(name))
            })
          )),
        Effect.flatMap(f)
      )
    const statusOf = (handle: RepeaterHandle) => handle.status
    return handlers
      .handle("list", () => service.list.pipe(guard("GET /repeaters")))
      .handle("get", ({ params }) => withHandle(params.name, statusOf).pipe(guard("GET /repeaters/:name")))
      .handle(
        "status",
        ({ params }) => withHandle(params.name, statusOf).pipe(guard("GET /repeaters/:name/status"))
      )
      .handle(
        "run",
        ({ params }) =>
          withHandle(params.name, (handle) => Effect.andThen(handle.runNow, statusOf(handle))).pipe(
            guard("POST /repeaters/:name/run")
          )
      )
      .handle(
        "pause",
        ({ params }) =>
          withHandle(params.name, (handle) => Effect.andThen(handle.pause, statusOf(handle))).pipe(
            guard("POST /repeaters/:name/pause")
          )
      )
      .handle(
        "resume",
        ({ params }) =>
          withHandle(params.name, (handle) => Effect.andThen(handle.resume, statusOf(handle))).pipe(
            guard("POST /repeaters/:name/resume")
          )
      )
      .handle("stop", ({ params }) =>
        withHandle(
          params.name,
          (handle) => Effect.map(handle.stop(), (result) => new StopResultJson({ name: handle.name, result }))
        ).pipe(guard("POST /repeaters/:name/stop")), { uninterruptible: true })
      .handleRaw("events", () =>
        Effect.gen(function*() {
          const request = yield* HttpServerRequest.HttpServerRequest
          const drop = () => closeConnection(request)
          // on Node, a Readable piped to the connection; elsewhere (a web handler) an Effect Stream
          const { body, subscriber } = isNodeRequest(request) ?
            readableSubscriber(streamBufferBytes, drop, () => serverClosing(request)) :
            yield* queueSubscriber(streamBufferSize, drop)
          // (the stream's place is held until the request is done: its Scope)
          if (!(yield* hub.join(subscriber))) {
            subscriber.end()
            return yield* new TooManyEventStreams({
              maxStreams,
              message: `${maxStreams} event streams are open already, as many as allowed: try again later`
            })
          }
          const headers = {
            "content-type": "text/event-stream",
            "cache-control": "no-store",
            "x-accel-buffering": "no",
            // (an event stream's connection is not reused: closing it at the end lets the server close at once)
            "connection": "close"
          }
          return body instanceof Readable ?
            HttpServerResponse.raw(body, { contentType: "text/event-stream", headers }) :
            HttpServerResponse.stream(body, { contentType: "text/event-stream", headers })
        }).pipe(guard("GET /repeaters/events")))
      .handleRaw(
        "openapi",
        () =>
          Effect.sync(() => HttpServerResponse.jsonUnsafe(openApiDocument())).pipe(guard("GET /repeaters/openapi.json"))
      )
      .handleRaw("dashboardScript", () =>
        Effect.succeed(HttpServerResponse.text(DashboardPage.script, {
          contentType: DashboardPage.scriptHeaders["content-type"]!,
          headers: DashboardPage.scriptHeaders
        })))
      .handleRaw("dashboard", () =>
        Effect.succeed(HttpServerResponse.text(DashboardPage.html, {
          contentType: DashboardPage.htmlHeaders["content-type"]!,
          headers: DashboardPage.htmlHeaders
        })))
  })

/**
 * The handlers of the group: pass it to
 * `HttpApiBuilder.group(YourApi, "repeaters", RepeaterHttp.handlers)`, and
 * provide `layerAuthorization` and the `Repeater` service to the result.
 *
 * @example
 * ```ts
 * import { RepeaterHttp, RepeaterHttpApi } from "@effect-repeater/http"
 * import { HttpApi, HttpApiBuilder } from "effect/http-api"
 * import { Config, Layer } from "effect"
 *
 * class AppApi extends HttpApi.make("app").add(RepeaterHttpApi.group) {}
 *
 * const RepeatersLive = HttpApiBuilder.group(AppApi, "repeaters", RepeaterHttp.handlers).pipe(
 *   Layer.provide(RepeaterHttp.layerAuthorization({ token: Config.Redacted("ADMIN_TOKEN") }))
 * )
 * ```
 *
 * @since 1.0.0
 * @category handlers
 */
export const handlers = handlersWith()

/**
 * The whole `RepeaterAdminApi` (the group alone) with its handlers and
 * security, as routes of an `HttpRouter`: serve it with `HttpRouter.serve`.
 * A request under `/repeaters/` whose path's percent-encoding is malformed is
 * answered 400 with an `InvalidRepeaterName` body.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { RepeaterHttp } from "@effect-repeater/http"
 * import { NodeHttpServer } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { HttpRouter } from "effect/http"
 * import { createServer } from "node:http"
 *
 * const AdminServer = HttpRouter.serve(RepeaterHttp.layer()).pipe(
 *   Layer.provide(Repeater.layer),
 *   Layer.provide(NodeHttpServer.layer(createServer, { host: "127.0.0.1", port: 9090 }))
 * )
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  options: AuthorizationOptions & HandlersOptions = {}
) =>
  Layer.unwrap(Effect.suspend(() => {
    const keys = checkKeys(options, [...authorizationKeys, ...handlersKeys], "layer")
    if (keys !== undefined) return Effect.fail(configError(keys))
    const pick = <K extends string>(names: ReadonlyArray<K>) =>
      Object.fromEntries(names.filter((name) => name in options).map((name) => [name, options[name as never]]))
    return Effect.succeed(
      HttpApiBuilder.layer(RepeaterAdminApi).pipe(
        Layer.provide(HttpApiBuilder.group(RepeaterAdminApi, "repeaters", handlersWith(pick(handlersKeys)))),
        Layer.provide(layerAuthorization(pick(authorizationKeys))),
        Layer.merge(HttpRouter.middleware(malformedPathMiddleware, { global: true }))
      )
    )
  }))
