/**
 * The Node HTTP server with a bounded shutdown. `server.close()` stops
 * accepting connections and then waits for every open one to end: one client
 * that keeps a connection open (a request whose body never comes, a socket
 * that never sends anything, an event stream) holds the shutdown for minutes
 * (Node's `headersTimeout` and `requestTimeout`) or for ever. Here the
 * connections still open `grace` after the shutdown began are closed.
 * (`NodeHttpServer`'s own `gracefulShutdownTimeout` only stops waiting for
 * them, then interrupts their requests.)
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createServer, type Server } from "node:http"
import type * as Net from "node:net"

/** The Node server under the `HttpServer`, and how long its connections may stay open once the shutdown began. */
export class NodeServer extends Context.Service<NodeServer, {
  readonly server: Server
  readonly grace: Duration.Duration
}>()("token-cleanup/NodeServer") {}

/**
 * `NodeHttpServer.layer(createServer, listen)`, with the Node server as
 * `NodeServer`. `NodeHttpServer` waits for the connections twice `grace` at
 * most; `closeConnectionsAfterGrace` closes them after `grace`.
 */
export const layer = (listen: Net.ListenOptions, grace: Duration.Input) =>
  Layer.unwrap(Effect.sync(() => {
    const server = createServer()
    const duration = Duration.fromInputUnsafe(grace)
    return NodeHttpServer.layer(() => server, { ...listen, gracefulShutdownTimeout: Duration.times(duration, 2) }).pipe(
      Layer.merge(Layer.succeed(NodeServer, { server, grace: duration }))
    )
  }))

/**
 * Once released, closes the connections still open `grace` later (unless
 * the server has closed by then), with a warning. Build it after the layer
 * that serves the application: it is released first, so the time runs from
 * the beginning of the shutdown.
 */
export const closeConnectionsAfterGrace: Layer.Layer<never, never, NodeServer> = Layer.effectDiscard(
  Effect.gen(function*() {
    const { grace, server } = yield* NodeServer
    const services = yield* Effect.context<never>()
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        const timer = setTimeout(() => {
          Effect.runForkWith(services)(
            Effect.logWarning(`open connections ${Duration.format(grace)} after the shutdown began: closing them`)
          )
          server.closeAllConnections()
        }, Duration.toMillis(grace))
        timer.unref()
        server.once("close", () => clearTimeout(timer))
      })
    )
  })
)
