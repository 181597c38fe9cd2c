/**
 * The worker side of a `WorkerPool`: the one call that a worker file makes.
 *
 * @since 0.1.0
 */
import * as NodeWorkerRunner from "@effect/platform-node/NodeWorkerRunner"
import type { WorkerError } from "@effect/platform/WorkerError"
import * as WorkerRunner from "@effect/platform/WorkerRunner"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"

/**
 * Serves the requests of a `WorkerPool` in this worker thread, until the pool
 * stops it: run it with `NodeRuntime.runMain`. Each handler gets the decoded
 * request and returns an Effect with its result; blocking code goes in
 * `Effect.sync` (or `Effect.try`, to turn a thrown error into the request's
 * typed failure). An error thrown by a handler reaches the caller as a
 * `WorkerFunctionError` with its message, and the thread goes on serving.
 *
 * @example
 * ```ts
 * // worker.ts
 * import { WorkerThread } from "@effect-repeater/node"
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Effect, Schema } from "effect"
 * import { createHash } from "node:crypto"
 *
 * // the request: in a module of its own, shared with the main thread
 * class Digest extends Schema.TaggedRequest<Digest>()("Digest", {
 *   failure: Schema.Never,
 *   success: Schema.String,
 *   payload: { rounds: Schema.Number }
 * }) {}
 *
 * WorkerThread.serve(Schema.Union(Digest), {
 *   Digest: ({ rounds }) =>
 *     Effect.sync(() => {
 *       let hex = ""
 *       for (let i = 0; i < rounds; i++) hex = createHash("sha256").update(hex).digest("hex")
 *       return hex
 *     })
 * }).pipe(NodeRuntime.runMain)
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const serve = <
  R,
  I,
  A extends Schema.TaggedRequest.All,
  const Handlers extends WorkerRunner.SerializedRunner.Handlers<A>
>(
  schema: Schema.Schema<A, I, R>,
  handlers: Handlers
): Effect.Effect<void, WorkerError, R | WorkerRunner.SerializedRunner.HandlersContext<Handlers>> =>
  WorkerRunner.launch(WorkerRunner.layerSerialized(schema, handlers)).pipe(Effect.provide(NodeWorkerRunner.layer))
