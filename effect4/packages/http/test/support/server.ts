import { Repeater } from "@effect-repeater/core"
import { NodeHttpServer } from "@effect/platform-node"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import { createServer } from "node:http"
import * as RepeaterHttp from "../../src/RepeaterHttp.js"

/** The token the tests configure. */
export const token = "t0ken-for-tests-0123456789abcdef"

export const tokenConfig = Config.succeed(Redacted.make(token))

/** A real HTTP server on `host` (random port) serving `app` with the `Repeater` service `service`. */
export const serveLayer = <E, R>(
  service: Repeater.Repeater,
  app: Layer.Layer<never, E, R>,
  options: { readonly host?: string; readonly logRequests?: boolean } = {}
) =>
  // (the router's own services, and the file system and platform of its responses, come from NodeHttpServer.layer)
  HttpRouter.serve(app as Layer.Layer<never, E, never>, {
    disableLogger: options.logRequests !== true,
    disableListenLog: true
  }).pipe(
    Layer.provide(Layer.succeed(Repeater.Repeater, service)),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: options.host ?? "127.0.0.1" }))
  )

/** The port of a built server. */
export const portOf = (context: Context.Context<HttpServer.HttpServer>): number => {
  const address = Context.get(context, HttpServer.HttpServer).address
  return address._tag === "UnixPathAddress" ? 0 : address.port
}

/** A real HTTP server on 127.0.0.1 (random port) serving the admin API of `service`; answers its base URL. */
export const serve = (
  service: Repeater.Repeater,
  options: RepeaterHttp.AuthorizationOptions & RepeaterHttp.HandlersOptions & {
    readonly host?: string
    /** Log each request (the router's request logger). */
    readonly logRequests?: boolean
  } = {
    token: tokenConfig
  }
): Effect.Effect<string, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const { host, logRequests, ...layerOptions } = options
    const context = yield* Layer.build(
      serveLayer(service, RepeaterHttp.layer(layerOptions), {
        ...(host === undefined ? {} : { host }),
        ...(logRequests === undefined ? {} : { logRequests })
      })
    )
    return `http://127.0.0.1:${portOf(context)}`
  })

/** `effect` with only the environment variables `env` (Effect 3's `ConfigProvider.fromMap`). */
export const withEnv = (env: Record<string, string>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))

/** fetch, as an Effect. */
export const request = (url: string, init: RequestInit = {}): Effect.Effect<Response> =>
  Effect.promise((signal) => fetch(url, { ...init, signal }))

export const bearer = (value: string = token): Record<string, string> => ({ authorization: `Bearer ${value}` })

/** Retries `check` until it succeeds (failed assertions included), for at most `deadline` (real time). */
export const eventually = <A, E, R>(
  check: Effect.Effect<A, E, R>,
  deadline: Duration.Input = "20 seconds"
): Effect.Effect<A, E, R> => {
  const end = Date.now() + Duration.toMillis(deadline)
  const loop: Effect.Effect<A, E, R> = Effect.catchCause(
    check,
    (cause) =>
      Cause.hasInterruptsOnly(cause) || Date.now() > end ?
        Effect.failCause(cause) :
        Effect.andThen(Effect.sleep("25 millis"), Effect.suspend(() => loop))
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

/** A log line as Effect 3's `Logger.make` saw it: its level's label (`"ERROR"`), message, cause and annotations. */
export interface LogLine {
  readonly level: string
  readonly message: ReadonlyArray<unknown>
  readonly cause: Cause.Cause<unknown>
  readonly annotations: Readonly<Record<string, unknown>>
}

/** Runs `effect` with every log, of every level, handed to `onLine` (Effect 3's `Logger.replace`). */
export const collectLogs = (onLine: (line: LogLine) => void) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.provide(Logger.layer([
      Logger.make(({ cause, fiber, logLevel, message }) => {
        onLine({
          level: logLevel.toUpperCase(),
          message: Array.isArray(message) ? message : [message],
          cause,
          annotations: Context.get(fiber.context, References.CurrentLogAnnotations)
        })
      })
    ])),
    Effect.provideService(References.MinimumLogLevel, "All")
  )
