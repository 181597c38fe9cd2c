/**
 * The admin API of a `Repeater` service, as an `effect/http-api` `HttpApi`
 * group that you add to your own `HttpApi`: the status of every repeater,
 * run / pause / resume / stop, a Server-Sent Events stream of their events,
 * an OpenAPI document and a dashboard page. Implemented by
 * `RepeaterHttp.handlers` and secured by `RepeaterHttp.layerAuthorization`.
 *
 * @since 1.0.0
 */
import * as RepeaterEvent from "@effect-repeater/core/RepeaterEvent"
import * as RepeaterHandle from "@effect-repeater/core/RepeaterHandle"
import * as HttpApi from "effect/http-api/HttpApi"
import * as HttpApiEndpoint from "effect/http-api/HttpApiEndpoint"
import * as HttpApiGroup from "effect/http-api/HttpApiGroup"
import * as HttpApiMiddleware from "effect/http-api/HttpApiMiddleware"
import * as HttpApiSchema from "effect/http-api/HttpApiSchema"
import * as HttpApiSecurity from "effect/http-api/HttpApiSecurity"
import * as OpenApi from "effect/http-api/OpenApi"
import { hasProperty, isTagged } from "effect/Predicate"
import * as Schema from "effect/Schema"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * The body of `GET /repeaters/events` as the OpenAPI document describes it:
 * a Server-Sent Events stream whose every `data:` line holds the JSON of one
 * event (`RepeaterEvent.RepeaterEventSchema`, the `RepeaterEvent` component
 * of the document). An `event:` line before it names its `_tag`.
 *
 * @example
 * ```ts
 * import { RepeaterHttpApi } from "@effect-repeater/http"
 * import { Schema } from "effect"
 *
 * // one `data:` line of the stream, decoded
 * const event = Schema.decodeUnknownSync(RepeaterHttpApi.EventStreamData)(
 *   `{"_tag":"Completed","name":"nightly","runs":3}`
 * )
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export const EventStreamData: Schema.Codec<RepeaterEvent.RepeaterEvent, string> = Schema.fromJsonString(
  RepeaterEvent.RepeaterEventSchema
).pipe(Schema.annotateEncoded({
  identifier: "EventStreamData",
  description: "A `data:` line of the event stream: the JSON of one repeater event"
}))

/**
 * What `POST /repeaters/:name/stop` answers once the repeater has stopped.
 *
 * @since 1.0.0
 * @category models
 */
export class StopResultJson extends Schema.Class<StopResultJson>("StopResultJson")({
  name: Schema.String,
  /** `idle` (no run in flight), `finished` (within the grace period) or `interrupted`. */
  result: RepeaterEvent.StopResultSchema
}, { identifier: "StopResultJson", description: "How a repeater stopped" }) {}

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * The mark of every error of `@effect-repeater/http` (those of the endpoints
 * below and `RepeaterHttp.RepeaterHttpConfigError`): see
 * `RepeaterHttp.isRepeaterHttpError`.
 *
 * @since 1.0.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@effect-repeater/http/RepeaterHttpError")

/**
 * @since 1.0.0
 * @category symbols
 */
export type TypeId = typeof TypeId

/**
 * 404: no repeater of that name is running.
 *
 * @since 1.0.0
 * @category errors
 */
export class RepeaterNotFound extends Schema.TaggedError<RepeaterNotFound>()(
  "RepeaterNotFound",
  {
    /** The name that was asked for (`name` stays the error's class name, as for every `Error`). */
    repeater: Schema.String,
    message: Schema.String
  },
  { httpApiStatus: 404, description: "No repeater of that name is running" }
) {
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is RepeaterNotFound {
    return hasProperty(u, TypeId) && isTagged(u, "RepeaterNotFound")
  }
}

/**
 * 400: the name in the path is one no repeater can have (see the core's
 * name rule: 1 to 100 characters, no control characters, not `.` or `..`).
 *
 * @since 1.0.0
 * @category errors
 */
export class InvalidRepeaterName extends Schema.TaggedError<InvalidRepeaterName>()(
  "InvalidRepeaterName",
  {
    /** The name that was asked for. */
    repeater: Schema.String,
    message: Schema.String
  },
  { httpApiStatus: 400, description: "No repeater can have that name" }
) {
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is InvalidRepeaterName {
    return hasProperty(u, TypeId) && isTagged(u, "InvalidRepeaterName")
  }
}

/**
 * 503: as many event streams are open as the handlers allow
 * (`RepeaterHttp.handlersWith({ maxStreams })`); try again later.
 *
 * @since 1.0.0
 * @category errors
 */
export class TooManyEventStreams extends Schema.TaggedError<TooManyEventStreams>()(
  "TooManyEventStreams",
  { maxStreams: Schema.Number, message: Schema.String },
  { httpApiStatus: 503, description: "As many event streams are open as allowed" }
) {
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is TooManyEventStreams {
    return hasProperty(u, TypeId) && isTagged(u, "TooManyEventStreams")
  }
}

/**
 * 500: the handler failed unexpectedly (a defect). The failure is logged with
 * its whole Cause on the server; the answer says which endpoint failed and
 * nothing more.
 *
 * @since 1.0.0
 * @category errors
 */
export class InternalError extends Schema.TaggedError<InternalError>()(
  "InternalError",
  { message: Schema.String },
  { httpApiStatus: 500, description: "The handler failed; its Cause is logged on the server" }
) {
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is InternalError {
    return hasProperty(u, TypeId) && isTagged(u, "InternalError")
  }
}

/**
 * 401: the request has no bearer token, or not the right one. The response
 * carries `WWW-Authenticate: Bearer`; the token is never echoed.
 *
 * @since 1.0.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  { message: Schema.String },
  { httpApiStatus: 401, description: "A missing or wrong bearer token" }
) {
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is Unauthorized {
    return hasProperty(u, TypeId) && isTagged(u, "Unauthorized")
  }
}

// -----------------------------------------------------------------------------
// security
// -----------------------------------------------------------------------------

/**
 * The bearer-token middleware of every endpoint of the group but the
 * dashboard page (a static shell that holds no data). Implemented by
 * `RepeaterHttp.layerAuthorization`.
 *
 * @since 1.0.0
 * @category security
 */
export class Authorization extends HttpApiMiddleware.Service<Authorization>()("@effect-repeater/http/Authorization", {
  error: Unauthorized,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

// -----------------------------------------------------------------------------
// the group
// -----------------------------------------------------------------------------

const params = { name: Schema.String }

const byName = [InternalError, RepeaterNotFound, InvalidRepeaterName] as const

/**
 * The endpoints, all under `/repeaters`:
 *
 * | endpoint | route |
 * | --- | --- |
 * | `list` | `GET /repeaters` |
 * | `events` | `GET /repeaters/events` (Server-Sent Events) |
 * | `openapi` | `GET /repeaters/openapi.json` |
 * | `dashboardScript` | `GET /repeaters/dashboard/app.js` |
 * | `get` | `GET /repeaters/:name` |
 * | `status` | `GET /repeaters/:name/status` (the same, for every name) |
 * | `run`, `pause`, `resume`, `stop` | `POST /repeaters/:name/run` … |
 * | `dashboard` | `GET /repeaters/dashboard` (no token: a static page that asks for it) |
 *
 * Every endpoint but `dashboard` requires the bearer token. The names
 * `events`, `openapi.json` and `dashboard` (in any case) are shadowed for
 * `GET /repeaters/:name` by the routes of those names: `GET
 * /repeaters/:name/status` reaches every name. A name goes percent-encoded
 * (`encodeURIComponent`); one no repeater can have gets 400.
 *
 * @example
 * ```ts
 * import { RepeaterHttpApi } from "@effect-repeater/http"
 * import { HttpApi } from "effect/http-api"
 *
 * class AppApi extends HttpApi.make("app").add(RepeaterHttpApi.group) {}
 * ```
 *
 * @since 1.0.0
 * @category groups
 */
export const group = HttpApiGroup.make("repeaters")
  .add(
    HttpApiEndpoint.get("list", "/repeaters", {
      success: Schema.Array(RepeaterHandle.RepeaterStatusSchema),
      error: InternalError
    }).annotate(OpenApi.Summary, "The status of every repeater"),
    HttpApiEndpoint.get("events", "/repeaters/events", {
      success: EventStreamData.pipe(HttpApiSchema.asText({ contentType: "text/event-stream" })),
      error: [InternalError, TooManyEventStreams]
    }).annotate(
      OpenApi.Description,
      "Server-Sent Events: per repeater event, an `event:` line naming its `_tag` and a `data:` line holding its " +
        "JSON, a `RepeaterEvent` (see that schema: times in ISO 8601, durations in `durationMillis`, causes " +
        "pretty-printed). " +
        "and a comment line every 15 seconds to keep the connection open. At most 100 streams are open at a time " +
        "(503 beyond); a client that falls 16 batches of events (50 ms each) behind has its stream ended"
    ),
    HttpApiEndpoint.get("openapi", "/repeaters/openapi.json", {
      success: Schema.Unknown,
      error: InternalError
    }).annotate(OpenApi.Summary, "This OpenAPI document"),
    HttpApiEndpoint.get("dashboardScript", "/repeaters/dashboard/app.js", {
      success: Schema.String.pipe(HttpApiSchema.asText({ contentType: "text/javascript" })),
      error: InternalError
    }).annotate(OpenApi.Summary, "The dashboard's script, loaded by the dashboard page with the token"),
    HttpApiEndpoint.get("get", "/repeaters/:name", {
      params,
      success: RepeaterHandle.RepeaterStatusSchema,
      error: byName
    }).annotate(OpenApi.Summary, "The status of one repeater"),
    HttpApiEndpoint.get("status", "/repeaters/:name/status", {
      params,
      success: RepeaterHandle.RepeaterStatusSchema,
      error: byName
    }).annotate(
      OpenApi.Summary,
      "The status of one repeater, for every name (those of the routes above included, such as events)"
    ),
    HttpApiEndpoint.post("run", "/repeaters/:name/run", {
      params,
      success: RepeaterHandle.RepeaterStatusSchema,
      error: byName
    }).annotate(
      OpenApi.Summary,
      "Start a run now (coalesced with an in-flight run, once while paused); answers the status"
    ),
    HttpApiEndpoint.post("pause", "/repeaters/:name/pause", {
      params,
      success: RepeaterHandle.RepeaterStatusSchema,
      error: byName
    }).annotate(OpenApi.Summary, "Schedule no new run until resumed; answers the status"),
    HttpApiEndpoint.post("resume", "/repeaters/:name/resume", {
      params,
      success: RepeaterHandle.RepeaterStatusSchema,
      error: byName
    }).annotate(OpenApi.Summary, "Schedule runs again, without catching up; answers the status"),
    HttpApiEndpoint.post("stop", "/repeaters/:name/stop", {
      params,
      success: StopResultJson,
      error: byName
    }).annotate(
      OpenApi.Summary,
      "Stop the repeater: an in-flight run gets its grace period; answers once it has stopped"
    )
  )
  .middleware(Authorization)
  .add(
    HttpApiEndpoint.get("dashboard", "/repeaters/dashboard", {
      success: Schema.String.pipe(HttpApiSchema.asText({ contentType: "text/html" })),
      error: InternalError
    }).annotate(OpenApi.Summary, "The dashboard page: it asks for the token and keeps it for the browser tab")
  )
  .annotate(OpenApi.Title, "Repeaters")
  .annotate(OpenApi.Description, "Operate the repeaters of this process")

/**
 * An `HttpApi` holding only the repeaters group, for a server of its own
 * (see `RepeaterHttp.layer`). Its OpenAPI document is served at
 * `GET /repeaters/openapi.json`.
 *
 * @since 1.0.0
 * @category api
 */
export class RepeaterAdminApi extends HttpApi.make("repeater-admin")
  .add(group)
  .annotate(OpenApi.Title, "Repeater admin API")
{}
