import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Rpc from "effect/rpc/Rpc"
import type * as RpcGroup from "effect/rpc/RpcGroup"
import * as Schema from "effect/Schema"
import * as WorkerThreads from "node:worker_threads"
import type * as WorkerThread from "../WorkerThread.js"
import * as Protocol from "./protocol.js"

type Handler<R> = (payload: unknown) => Effect.Effect<unknown, unknown, R>

// The schemas of worker requests must not need services: a request's schemas are checked by its `Rpc` type, not
// here (the `unknown` services of an erased schema are the type of its schemas, not a requirement).
function decodeWith(schema: Schema.Top, input: unknown): Effect.Effect<unknown, Schema.SchemaError>
function decodeWith(schema: Schema.Top, input: unknown): Effect.Effect<unknown, Schema.SchemaError, unknown> {
  return Schema.decodeUnknownEffect(schema)(input)
}

function encodeWith(schema: Schema.Top, input: unknown): Effect.Effect<unknown, Schema.SchemaError>
function encodeWith(schema: Schema.Top, input: unknown): Effect.Effect<unknown, Schema.SchemaError, unknown> {
  return Schema.encodeUnknownEffect(schema)(input)
}

/** Serves one request: its answer, whatever happens. */
const answer = <R>(
  rpc: Rpc.AnyWithProps,
  handler: Handler<R>,
  request: typeof Protocol.Request.Type
): Effect.Effect<Protocol.Answer, never, R> =>
  decodeWith(rpc.payloadSchema, request.payload).pipe(
    Effect.orDie,
    Effect.flatMap((payload) => Effect.suspend(() => handler(payload))),
    Effect.exit,
    Effect.flatMap((exit): Effect.Effect<Protocol.Answer> => {
      const id = request.id
      if (Exit.isSuccess(exit)) {
        return encodeWith(rpc.successSchema, exit.value).pipe(
          Effect.map((value): Protocol.Answer => ({ _tag: "Success", id, value })),
          Effect.catchCause((cause) =>
            Effect.succeed<Protocol.Answer>({ _tag: "Defect", id, cause: Cause.squash(cause) })
          )
        )
      }
      const error = Cause.findErrorOption(exit.cause)
      if (error._tag === "Some") {
        return encodeWith(rpc.errorSchema, error.value).pipe(
          Effect.map((encoded): Protocol.Answer => ({ _tag: "Failure", id, error: encoded })),
          Effect.catchCause((cause) =>
            Effect.succeed<Protocol.Answer>({ _tag: "Defect", id, cause: Cause.squash(cause) })
          )
        )
      }
      return Effect.succeed({ _tag: "Defect", id, cause: Cause.squash(exit.cause) })
    })
  )

/** @internal */
export function serve<Rpcs extends Rpc.AnyWithProps, const H extends WorkerThread.Handlers<Rpcs, unknown>>(
  group: RpcGroup.RpcGroup<Rpcs>,
  handlers: H
): Effect.Effect<void, never, WorkerThread.HandlersServices<H>>
export function serve<R>(
  group: RpcGroup.RpcGroup<Rpc.AnyWithProps>,
  handlers: Readonly<Record<string, Handler<R>>>
): Effect.Effect<void, never, R> {
  return Effect.gen(function*() {
    const port = WorkerThreads.parentPort
    if (port === null) {
      return yield* Effect.die(new Error("WorkerThread.serve runs in a worker thread that a WorkerPool started"))
    }
    const context = yield* Effect.context<R>()
    const run = Effect.runForkWith(context)
    const closed = yield* Deferred.make<void>()
    const post = (message: Protocol.FromThread) => {
      try {
        port.postMessage(message)
      } catch (cause) {
        // a value the structured clone cannot carry (a function in a defect...): its description instead
        if (message._tag !== "Ready") port.postMessage({ _tag: "Defect", id: message.id, cause: String(cause) })
      }
    }
    const onMessage = (input: unknown) => {
      const message = Protocol.decodeToThread(input)
      if (message === undefined) return
      if (message._tag === "Close") {
        Deferred.doneUnsafe(closed, Effect.void)
        return
      }
      const rpc = group.requests.get(message.tag)
      const handler = handlers[message.tag]
      if (rpc === undefined || handler === undefined) {
        post({ _tag: "Defect", id: message.id, cause: new Error(`This worker serves no request ${message.tag}`) })
        return
      }
      run(Effect.map(answer(rpc, handler, message), post))
    }
    port.on("message", onMessage)
    post(Protocol.ready)
    yield* Deferred.await(closed).pipe(
      Effect.ensuring(Effect.sync(() => {
        port.off("message", onMessage)
        port.unref()
      }))
    )
  })
}
