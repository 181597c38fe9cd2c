/**
 * The requests of the node-workers benchmark, and (when loaded in a worker thread) the worker that serves them.
 */
import * as WorkerThread from "@effect-repeater/node/WorkerThread"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { isMainThread } from "node:worker_threads"

/** Blocks its thread for `ms` milliseconds. */
export class Block extends Schema.TaggedRequest<Block>()("Block", {
  failure: Schema.Never,
  success: Schema.Number,
  payload: { ms: Schema.Number }
}) {}

/** Spins forever, writing the wall-clock time (ms, fractional) into `alive[0]` on every turn. */
export class Spin extends Schema.TaggedRequest<Spin>()("Spin", {
  failure: Schema.Never,
  success: Schema.Number,
  payload: { alive: Schema.instanceOf(SharedArrayBuffer) }
}) {}

export const Requests = Schema.Union(Block, Spin)
export type Requests = Schema.Schema.Type<typeof Requests>

/** Blocks the calling thread for `ms` milliseconds: the benchmark's synchronous job. */
export const busy = (ms: number): number => {
  const end = performance.now() + ms
  let turns = 0
  while (performance.now() < end) turns++
  return turns
}

if (!isMainThread) {
  WorkerThread.serve(Requests, {
    Block: ({ ms }) => Effect.sync(() => busy(ms)),
    Spin: ({ alive }) =>
      Effect.sync(() => {
        const view = new Float64Array(alive)
        for (;;) view[0] = performance.timeOrigin + performance.now()
      })
  }).pipe(NodeRuntime.runMain({ disablePrettyLogger: true }))
}
