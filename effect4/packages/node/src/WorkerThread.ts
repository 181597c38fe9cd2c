/**
 * The worker side of a `WorkerPool`: the one call that a worker file makes.
 *
 * @since 1.0.0
 */
import type * as Effect from "effect/Effect"
import type * as Rpc from "effect/rpc/Rpc"
import type * as RpcGroup from "effect/rpc/RpcGroup"
import * as internal from "./internal/workerThread.js"

/**
 * The handlers of a worker: for each request of the group, a function of the
 * decoded payload that returns an Effect with its result or its typed failure.
 *
 * @since 1.0.0
 * @category models
 */
export type Handlers<Rpcs extends Rpc.AnyWithProps, R> = {
  readonly [Current in Rpcs as Current["_tag"]]: (
    payload: Rpc.Payload<Current>
  ) => Effect.Effect<Rpc.Success<Current>, Rpc.Error<Current>, R>
}

/**
 * The services the handlers need.
 *
 * @since 1.0.0
 * @category models
 */
export type HandlersServices<H> = {
  readonly [K in keyof H]: H[K] extends (payload: never) => Effect.Effect<unknown, unknown, infer R> ? R : never
}[keyof H]

/**
 * Serves the requests of a `WorkerPool` in this worker thread, until the pool
 * stops it: run it with `NodeRuntime.runMain`. The requests are Effect 4's
 * `Rpc` definitions, gathered in an `RpcGroup` shared with the main thread.
 * Each handler gets the decoded payload and returns an Effect with its result;
 * blocking code goes in `Effect.sync` (or `Effect.try`, to turn a thrown error
 * into the request's typed failure). An error thrown by a handler reaches the
 * caller as a `WorkerFunctionError` with its message, and the thread goes on
 * serving.
 *
 * @example
 * ```ts
 * // worker.ts
 * import { WorkerThread } from "@effect-repeater/node"
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Effect, Schema } from "effect"
 * import { Rpc, RpcGroup } from "effect/rpc"
 * import { createHash } from "node:crypto"
 *
 * // the requests: in a module of their own, shared with the main thread
 * const Digest = Rpc.make("Digest", { payload: { rounds: Schema.Number }, success: Schema.String })
 * const Requests = RpcGroup.make(Digest)
 *
 * WorkerThread.serve(Requests, {
 *   Digest: ({ rounds }) =>
 *     Effect.sync(() => {
 *       let hex = ""
 *       for (let i = 0; i < rounds; i++) hex = createHash("sha256").update(hex).digest("hex")
 *       return hex
 *     })
 * }).pipe(NodeRuntime.runMain)
 * ```
 *
 * @since 1.0.0
 * @category running
 */
export const serve: <Rpcs extends Rpc.AnyWithProps, const H extends Handlers<Rpcs, unknown>>(
  group: RpcGroup.RpcGroup<Rpcs>,
  handlers: H
) => Effect.Effect<void, never, HandlersServices<H>> = internal.serve
