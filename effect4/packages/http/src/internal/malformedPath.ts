import * as Effect from "effect/Effect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Schema from "effect/Schema"
import { InvalidRepeaterName } from "../RepeaterHttpApi.js"

/** The segment after `/repeaters/` of a path whose percent-encoding cannot be decoded, if it is one. */
const malformedName = (url: string): string | undefined => {
  const path = url.split(/[?#]/, 1)[0] ?? ""
  const match = /\/repeaters\/([^/]*)/.exec(path)
  if (match === null) return undefined
  try {
    decodeURI(path)
    return undefined
  } catch {
    return match[1]
  }
}

const encodeInvalidName = Schema.encodeSync(InvalidRepeaterName)

/**
 * The router matches no route when a path's percent-encoding is malformed
 * (`/repeaters/%ZZ`), which would answer an empty 404: such a request under
 * `/repeaters/` is answered 400 with an `InvalidRepeaterName` body naming the
 * segment as it was sent.
 *
 * @internal
 */
export const malformedPathMiddleware = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const name = malformedName(request.url)
    if (name === undefined) return app
    return Effect.succeed(HttpServerResponse.jsonUnsafe(
      encodeInvalidName(
        new InvalidRepeaterName({
          repeater: name,
          message: `The path's percent-encoding is malformed: "${name}" cannot be decoded into a repeater name`
        })
      ),
      { status: 400 }
    ))
  })
