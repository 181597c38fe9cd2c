/**
 * The Node HTTP server with a bounded shutdown. `server.close()` stops
 * accepting connections and then waits for every open one to end: one client
 * that keeps a connection open (a request whose body never comes, a socket
 * that never sends anything, an event stream) holds the shutdown for minutes
 * (Node's `headersTimeout` and `requestTimeout`) or for ever. Here the
 * connections still open `grace` after the shutdown began are closed.
 * (`NodeHttpServer`'s own `gracefulShutdownTimeout` stops waiting for them
 * and interrupts the requests, but leaves the connections open.)
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createServer } from "node:http"
import type * as Net from "node:net"

/** `NodeHttpServer.layer(createServer, listen)`, whose connections get `grace` at shutdown, then are closed. */
export const layer = (listen: Net.ListenOptions, grace: Duration.Input) =>
  Layer.unwrap(Effect.sync(() => {
    const server = createServer()
    const millis = Duration.toMillis(grace)
    // Built after the server, so released before it: the timer starts before the server's close waits.
    const closeAfterGrace = Layer.effectDiscard(Effect.gen(function*() {
      const services = yield* Effect.context<never>()
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          const timer = setTimeout(() => {
            Effect.runForkWith(services)(
              Effect.logWarning(
                `open connections ${
                  Duration.format(Duration.fromInputUnsafe(grace))
                } after the shutdown began: closing them`
              )
            )
            server.closeAllConnections()
          }, millis)
          timer.unref()
          server.once("close", () => clearTimeout(timer))
        })
      )
    }))
    return closeAfterGrace.pipe(
      Layer.provideMerge(
        NodeHttpServer.layer(() => server, {
          ...listen,
          gracefulShutdownTimeout: Duration.times(Duration.fromInputUnsafe(grace), 2)
        })
      )
    )
  }))
