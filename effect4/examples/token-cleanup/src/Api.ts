/**
 * The HTTP API: its endpoints, payloads and errors (`HttpApi`), and how a
 * request body becomes a `CreateToken` or a `BadRequest` that names the field
 * and the value.
 */
import { RepeaterHttpApi } from "@effect-repeater/http"
import * as ByteSize from "effect/ByteSize"
import * as Effect from "effect/Effect"
import * as HttpApi from "effect/http-api/HttpApi"
import * as HttpApiEndpoint from "effect/http-api/HttpApiEndpoint"
import * as HttpApiGroup from "effect/http-api/HttpApiGroup"
import * as HttpApiSchema from "effect/http-api/HttpApiSchema"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Schema from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"
import { Token, TokenInfo } from "./TokenRepo.js"

/** The longest token lifetime accepted: 365 days, in seconds. */
export const maxTtlSeconds = 365 * 24 * 60 * 60

const ttlRule = `a whole number of seconds from 1 to ${maxTtlSeconds} (365 days)`

/** The largest body `POST /tokens` reads: 16 KiB. */
export const maxBodyBytes = 16 * 1024

/** A 400 response: `{ "_tag": "BadRequest", "message": "..." }`. */
export class BadRequest extends Schema.TaggedError<BadRequest>()(
  "BadRequest",
  { message: Schema.String },
  { httpApiStatus: 400 }
) {}

/** A 413 response, for a body over `maxBodyBytes`: `{ "_tag": "PayloadTooLarge", "message": "..." }`. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  { message: Schema.String },
  { httpApiStatus: 413 }
) {}

/**
 * A 500 response, for a failure the server did not expect (a database error,
 * a bug): `{ "_tag": "InternalServerError", "message": "..." }`. The message
 * names the endpoint; the Cause is logged, not sent.
 */
export class InternalServerError extends Schema.TaggedError<InternalServerError>()(
  "InternalServerError",
  { message: Schema.String },
  { httpApiStatus: 500 }
) {}

/**
 * A 503 response, for a request that could not be served for a while: the
 * database stayed locked by another connection for the 2 seconds of retries.
 * `{ "_tag": "ServiceUnavailable", "message": "..." }`; trying again later can
 * succeed.
 */
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()(
  "ServiceUnavailable",
  { message: Schema.String },
  { httpApiStatus: 503 }
) {}

/** The body of `POST /tokens`. */
export class CreateToken extends Schema.Class<CreateToken>("CreateToken")({
  ttlSeconds: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: maxTtlSeconds })).annotate({
    description: `How long the token lives: ${ttlRule}`
  })
}) {}

/** The cleanup repeater's status, in the answers of `GET /health`. */
export const CleanupStatus = Schema.Struct({
  state: Schema.String,
  runs: Schema.Number,
  failures: Schema.Number,
  lastRunAt: Schema.NullOr(Schema.DateTimeUtc)
})

/** The body of `GET /health` when all is well (200). */
export class Health extends Schema.Class<Health>("Health")({
  status: Schema.Literal("ok"),
  database: Schema.Literal("ok"),
  cleanup: CleanupStatus
}) {}

/**
 * The 503 of `GET /health`: the database does not answer, or the cleanup
 * repeater has ended (stopped through the admin API, or failed), so that
 * expired tokens are no longer deleted until the server restarts. The message
 * says which; `database` and `cleanup` are as in `Health`.
 */
export class Unhealthy extends Schema.TaggedError<Unhealthy>()(
  "Unhealthy",
  {
    status: Schema.Literal("unavailable"),
    message: Schema.String,
    database: Schema.Literals(["ok", "unavailable"]),
    cleanup: CleanupStatus
  },
  { httpApiStatus: 503 }
) {}

/**
 * `POST /tokens` (201 with the new token, its secret shown this once) and
 * `GET /tokens` (the live tokens without their secrets, the first to expire first).
 */
export class TokensGroup extends HttpApiGroup.make("tokens").add(
  HttpApiEndpoint.post("create", "/tokens", {
    payload: CreateToken,
    success: Token.pipe(HttpApiSchema.status(201)),
    error: [BadRequest, PayloadTooLarge, ServiceUnavailable, InternalServerError]
  }),
  HttpApiEndpoint.get("list", "/tokens", {
    success: Schema.Array(TokenInfo),
    error: [ServiceUnavailable, InternalServerError]
  })
) {}

/**
 * `GET /health`: 200 when the database answers and the cleanup repeater has
 * not ended, with its status; otherwise a 503 `Unhealthy` that says why.
 */
export class HealthGroup extends HttpApiGroup.make("health").add(
  HttpApiEndpoint.get("health", "/health", {
    success: Health,
    error: [Unhealthy, ServiceUnavailable, InternalServerError]
  })
) {}

/** The whole API: the tokens, the health check, and the repeaters' admin API (`RepeaterHttpApi.group`). */
export class TokenApi
  extends HttpApi.make("token-cleanup").add(TokensGroup).add(HealthGroup).add(RepeaterHttpApi.group)
{}

const maxShown = 80

/**
 * A value as the client sent it (as `JSON.stringify` writes it), shortened to
 * 80 characters. Only the first 80 characters are ever built, so a body
 * nested thousands deep (`[[[[...]]]]`, 2 bytes a level) costs no more than a
 * flat one, where `JSON.stringify` would overflow the stack.
 */
export const formatValue = (value: unknown): string => {
  if (typeof value === "number" || value === undefined) return String(value)
  let text = ""
  // false once more than `maxShown` characters are written: each level writes at least one, so the depth is bounded
  const write = (part: unknown): boolean => {
    if (Array.isArray(part)) {
      text += "["
      for (let index = 0; index < part.length; index++) {
        if (index > 0) text += ","
        if (text.length > maxShown || !write(part[index])) return false
      }
      text += "]"
    } else if (typeof part === "object" && part !== null) {
      text += "{"
      let first = true
      for (const [key, field] of Object.entries(part)) {
        if (field === undefined) continue
        text += `${first ? "" : ","}${JSON.stringify(key)}:`
        first = false
        if (text.length > maxShown || !write(field)) return false
      }
      text += "}"
    } else {
      text += JSON.stringify(part) ?? "null"
    }
    return text.length <= maxShown
  }
  write(value)
  return text.length > maxShown ? `${text.slice(0, maxShown - 3)}...` : text
}

const decodeCreateToken = Schema.decodeUnknownEffect(CreateToken)

/** The leaves of a decoding issue, each with the path of the field it is about. */
const leaves = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<PropertyKey> = []
): Array<{ readonly tag: SchemaIssue.Issue["_tag"]; readonly path: ReadonlyArray<PropertyKey> }> => {
  switch (issue._tag) {
    case "Pointer":
      return leaves(issue.issue, [...path, ...issue.path])
    case "Composite":
    case "AnyOf":
      return issue.issues.length === 0 ? [{ tag: issue._tag, path }] : issue.issues.flatMap((i) => leaves(i, path))
    case "Filter":
    case "Encoding":
      return leaves(issue.issue, path)
    default:
      return [{ tag: issue._tag, path }]
  }
}

/** The message of one leaf: a missing field, an unknown one, or a bad value (shown as the client sent it). */
const formatLeaf = (
  body: object,
  { path, tag }: { readonly tag: string; readonly path: ReadonlyArray<PropertyKey> }
) => {
  const field = path.map(String).join(".")
  switch (tag) {
    case "MissingKey":
      return `"${field}" is missing: it must be ${ttlRule}`
    case "UnexpectedKey":
      return `unknown field "${field}": the body has one field, "ttlSeconds"`
    default:
      return `"${field}" must be ${ttlRule}, got ${formatValue(Reflect.get(body, path[0] ?? ""))}`
  }
}

/**
 * Reads and decodes the body of `POST /tokens`: it must be JSON (with
 * `Content-Type: application/json`) and an object `{ "ttlSeconds": n }`.
 * Every way it can be wrong is a `BadRequest` whose message names the field
 * and the value; a body declared larger than `maxBodyBytes` is a
 * `PayloadTooLarge`, not read at all (one that turns out larger while it is
 * read, without a Content-Length, ends with the connection reset).
 */
export const readCreateToken = (
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<CreateToken, BadRequest | PayloadTooLarge> =>
  Effect.gen(function*() {
    const contentType = request.headers["content-type"]
    const mediaType = contentType?.split(";")[0]?.trim().toLowerCase()
    if (mediaType !== "application/json") {
      return yield* new BadRequest({
        message: `the body must be JSON with "Content-Type: application/json", got ${
          contentType === undefined ? "no Content-Type" : `"Content-Type: ${contentType}"`
        }`
      })
    }
    const length = Number(request.headers["content-length"] ?? 0)
    if (length > maxBodyBytes) {
      return yield* new PayloadTooLarge({
        message: `the body has ${length} bytes (Content-Length), more than the ${maxBodyBytes} accepted`
      })
    }
    const text = yield* request.text.pipe(
      Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(maxBodyBytes)),
      Effect.mapError((error) =>
        new BadRequest({
          message: `the body could not be read: ${
            error instanceof Error ? error.message : String(error)
          } (at most ${maxBodyBytes} bytes)`
        })
      )
    )
    if (text.trim() === "") {
      return yield* new BadRequest({ message: `the body is empty: send a JSON object like {"ttlSeconds": 60}` })
    }
    const json = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (error) =>
        new BadRequest({
          message: `the body is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${
            formatValue(text)
          }`
        })
    })
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return yield* new BadRequest({
        message: `the body must be a JSON object like {"ttlSeconds": 60}, got ${formatValue(json)}`
      })
    }
    return yield* decodeCreateToken(json, { errors: "all", onExcessProperty: "error" }).pipe(
      Effect.catchTag("SchemaError", (error) => {
        const found = leaves(error.issue)
        // unknown fields first, then the missing or bad ones, as Effect 3's ArrayFormatter listed them
        const ordered = [
          ...found.filter(({ tag }) => tag === "UnexpectedKey"),
          ...found.filter(({ tag }) => tag !== "UnexpectedKey")
        ]
        // one message a field: a value can break several checks at once (Infinity: finite, whole, at most the maximum)
        const messages = new Set(ordered.map((leaf) => formatLeaf(json, leaf)))
        return Effect.fail(new BadRequest({ message: [...messages].join("; ") }))
      })
    )
  })
