import { Repeater } from "@effect-repeater/core"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { createServer } from "node:http"
import * as RepeaterHttp from "../../src/RepeaterHttp.js"

/** The token the tests configure. */
export const token = "t0ken-for-tests-0123456789abcdef"

export const tokenConfig = Config.succeed(Redacted.make(token))

/** A real HTTP server on 127.0.0.1 (random port) serving the admin API of `service`; answers its base URL. */
export const serve = (
  service: Repeater.Repeater,
  options: RepeaterHttp.AuthorizationOptions & RepeaterHttp.HandlersOptions & {
    readonly host?: string
    /** Log each request with `HttpMiddleware.logger`. */
    readonly logRequests?: boolean
  } = {
    token: tokenConfig
  }
): Effect.Effect<string, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const { host, logRequests, ...layerOptions } = options
    const server = NodeHttpServer.layer(createServer, { port: 0, host: host ?? "127.0.0.1" })
    const app = HttpApiBuilder.serve(logRequests === true ? HttpMiddleware.logger : undefined).pipe(
      Layer.provide(RepeaterHttp.layer(layerOptions)),
      Layer.provide(Layer.succeed(Repeater.Repeater, service)),
      Layer.provideMerge(server)
    )
    const context = yield* Layer.build(app)
    const address = yield* HttpServer.addressWith(Effect.succeed).pipe(Effect.provide(context))
    if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("not a TCP server")
    return `http://127.0.0.1:${address.port}`
  })

/** fetch, as an Effect. */
export const request = (url: string, init: RequestInit = {}): Effect.Effect<Response> =>
  Effect.promise((signal) => fetch(url, { ...init, signal }))

export const bearer = (value: string = token): Record<string, string> => ({ authorization: `Bearer ${value}` })

/** Retries `check` until it succeeds (failed assertions included), for at most `deadline` (real time). */
export const eventually = <A, E, R>(
  check: Effect.Effect<A, E, R>,
  deadline: Duration.DurationInput = "20 seconds"
): Effect.Effect<A, E, R> => {
  const end = Date.now() + Duration.toMillis(deadline)
  const loop: Effect.Effect<A, E, R> = Effect.catchAllCause(
    check,
    (cause) =>
      Cause.isInterruptedOnly(cause) || Date.now() > end ?
        Effect.failCause(cause) :
        Effect.zipRight(Effect.sleep("25 millis"), loop)
  )
  return loop
}

/** Reads Server-Sent Events messages from a response body until `until` holds for the messages so far. */
export const readSse = (
  response: Response,
  until: (messages: ReadonlyArray<string>) => boolean
): Effect.Effect<ReadonlyArray<string>> =>
  Effect.promise(async () => {
    const body = response.body
    if (body === null) throw new Error("no body")
    const reader = body.pipeThrough(new TextDecoderStream()).getReader()
    const messages: Array<string> = []
    let buffer = ""
    try {
      while (!until(messages)) {
        const { done, value } = await reader.read()
        if (done) break
        buffer += value
        let end: number
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          messages.push(buffer.slice(0, end))
          buffer = buffer.slice(end + 2)
        }
      }
    } finally {
      await reader.cancel()
    }
    return messages
  })

/** The JSON objects of the `data:` lines of SSE messages. */
export const sseData = (messages: ReadonlyArray<string>): Array<Record<string, unknown>> =>
  messages.flatMap((message) =>
    message.split("\n").filter((line) => line.startsWith("data: ")).map((line) => JSON.parse(line.slice(6)))
  )
