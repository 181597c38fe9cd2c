/**
 * The HTTP API: its endpoints, payloads and errors (`HttpApi`), and how a
 * request body becomes a `CreateToken` or a `BadRequest` that names the field
 * and the value.
 */
import { RepeaterHttpApi } from "@effect-repeater/http"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
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
  HttpApiSchema.annotations({ status: 400 })
) {}

/** A 413 response, for a body over `maxBodyBytes`: `{ "_tag": "PayloadTooLarge", "message": "..." }`. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 413 })
) {}

/**
 * A 500 response, for a failure the server did not expect (a database error,
 * a bug): `{ "_tag": "InternalServerError", "message": "..." }`. The message
 * names the endpoint; the Cause is logged, not sent.
 */
export class InternalServerError extends Schema.TaggedError<InternalServerError>()(
  "InternalServerError",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 500 })
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
  HttpApiSchema.annotations({ status: 503 })
) {}

/** The body of `POST /tokens`. */
export class CreateToken extends Schema.Class<CreateToken>("CreateToken")({
  ttlSeconds: Schema.Int.pipe(
    Schema.between(1, maxTtlSeconds),
    Schema.annotations({
      description: `How long the token lives: ${ttlRule}`,
      message: (issue) => ({
        message: `"ttlSeconds" must be ${ttlRule}, got ${formatValue(issue.actual)}`,
        override: true
      })
    })
  )
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
    database: Schema.Literal("ok", "unavailable"),
    cleanup: CleanupStatus
  },
  HttpApiSchema.annotations({ status: 503 })
) {}

/**
 * `POST /tokens` (201 with the new token, its secret shown this once) and
 * `GET /tokens` (the live tokens without their secrets, the first to expire first).
 */
export class TokensGroup extends HttpApiGroup.make("tokens")
  .add(
    HttpApiEndpoint.post("create", "/tokens")
      .setPayload(CreateToken)
      .addSuccess(Token, { status: 201 })
      .addError(BadRequest)
      .addError(PayloadTooLarge)
  )
  .add(
    HttpApiEndpoint.get("list", "/tokens")
      .addSuccess(Schema.Array(TokenInfo))
  )
  .addError(ServiceUnavailable)
  .addError(InternalServerError)
{}

/**
 * `GET /health`: 200 when the database answers and the cleanup repeater has
 * not ended, with its status; otherwise a 503 `Unhealthy` that says why.
 */
export class HealthGroup extends HttpApiGroup.make("health")
  .add(
    HttpApiEndpoint.get("health", "/health")
      .addSuccess(Health)
      .addError(Unhealthy)
  )
  .addError(ServiceUnavailable)
  .addError(InternalServerError)
{}

/** The whole API. */
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

const decodeCreateToken = Schema.decodeUnknown(CreateToken, { errors: "all", onExcessProperty: "error" })

const formatIssue = (issue: ParseResult.ArrayFormatterIssue): string => {
  const field = issue.path.map(String).join(".")
  switch (issue._tag) {
    case "Missing":
      return `"${field}" is missing: it must be ${ttlRule}`
    case "Unexpected":
      return `unknown field "${field}": the body has one field, "ttlSeconds"`
    default:
      return issue.message
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
      HttpIncomingMessage.withMaxBodySize(Option.some(maxBodyBytes)),
      Effect.mapError((error) =>
        new BadRequest({ message: `the body could not be read: ${error.message} (at most ${maxBodyBytes} bytes)` })
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
    return yield* decodeCreateToken(json).pipe(
      Effect.catchTag("ParseError", (error) =>
        Effect.fail(
          new BadRequest({ message: ParseResult.ArrayFormatter.formatErrorSync(error).map(formatIssue).join("; ") })
        ))
    )
  })
