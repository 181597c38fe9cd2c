/**
 * A pool of `worker_threads` for blocking or CPU-heavy work, so that a
 * repeater's run does not stall the event loop. Requests and results are
 * typed with `Schema.TaggedRequest`. Unlike Effect's own worker pool, a call
 * that is given up really stops: its thread is terminated and a fresh one
 * takes its place, and a worker that cannot start fails the call at once.
 *
 * The worker file is written with `WorkerThread.serve` (see that module).
 *
 * @since 0.1.0
 */
import type { WorkerError } from "@effect/platform/WorkerError"
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as WorkerThreads from "node:worker_threads"
import * as internal from "./internal/workerPool.js"
import type {
  WorkerCrashError,
  WorkerFunctionError,
  WorkerPoolConfigError,
  WorkerStartError,
  WorkerTimeoutError
} from "./NodeRepeaterError.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * The options of a pool. They are checked when the pool is made: a wrong value
 * fails with a `WorkerPoolConfigError` that names the option and the value, and
 * so do an unknown key (with the nearest known name) and options that are not
 * an object. Durations follow core's `OptionCheck`: at least 1 millisecond,
 * however they are written.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkerPoolOptions {
  /**
   * The worker file: an absolute path or a `file:` URL, usually
   * `new URL("./worker.ts", import.meta.url)`. A `.ts`, `.mts` or `.cts` file
   * is loaded through `tsx`, which the application installs (`npm install -D tsx`); a `.js` or `.mjs`
   * file is loaded as it is.
   */
  readonly path: string | URL
  /**
   * How many threads at most, each serving one call at a time: a whole number
   * from 1 to 256. Default: 1. Threads start on demand, when a call finds none
   * free, so a pool never runs more threads than its calls in flight need; every
   * 10 minutes it stops the threads it does not need at that moment.
   */
  readonly size?: number | undefined
  /**
   * Longest duration of a call, from the moment a thread has the request
   * (waiting for a free thread does not count): after it, the call's thread
   * is terminated and the call fails with a `WorkerTimeoutError`. Default: no limit. A
   * call that is interrupted for any other reason (the repeater's `timeout`,
   * a stop after the grace period) terminates its thread too.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** How long a thread may take to start serving requests. Default: 30 seconds. */
  readonly startTimeout?: Duration.DurationInput | undefined
  /** Options of each `new Worker(...)`: `resourceLimits`, `env`, `execArgv`, `stdout`... (`workerData` is not passed). */
  readonly workerOptions?: Omit<WorkerThreads.WorkerOptions, "eval" | "workerData"> | undefined
}

/**
 * Options of one call.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /** The longest duration of this call, instead of the pool's `timeout`. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * Every way a call can fail besides the request's own failure:
 * - `WorkerStartError`: no thread could start (bad path, the file throws while it loads...);
 * - `WorkerTimeoutError`: the call took longer than its timeout; its thread was terminated;
 * - `WorkerFunctionError`: the worker function threw (or its Effect died);
 * - `WorkerCrashError`: the thread exited while it served the call;
 * - `WorkerPoolConfigError`: an invalid per-call `timeout`;
 * - `WorkerError`, `ParseError`: a request or result could not be sent or decoded.
 *
 * @since 0.1.0
 * @category models
 */
export type WorkerPoolError =
  | WorkerStartError
  | WorkerTimeoutError
  | WorkerFunctionError
  | WorkerCrashError
  | WorkerPoolConfigError
  | WorkerError
  | ParseResult.ParseError

/**
 * A pool of worker threads that serve the requests `I`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkerPool<I extends Schema.TaggedRequest.All> {
  /** The worker file. */
  readonly path: string
  /** The number of threads. */
  readonly size: number
  /**
   * Sends a request to a free thread (waiting for one if all are busy) and
   * returns its result. Interrupting the call terminates its thread.
   */
  readonly execute: <Req extends I>(
    request: Req,
    options?: CallOptions
  ) => Effect.Effect<
    Schema.WithResult.Success<Req>,
    Schema.WithResult.Failure<Req> | WorkerPoolError,
    Schema.WithResult.Context<Req>
  >
  /** The `threadId`s of the threads that are alive in the pool now. */
  readonly threadIds: Effect.Effect<ReadonlyArray<number>>
}

// -----------------------------------------------------------------------------
// constructors
// -----------------------------------------------------------------------------

/**
 * Makes a pool in the current Scope. No thread starts until a call needs one:
 * a call that finds no free thread starts one (up to `size`), and a thread that
 * cannot start fails that call with a `WorkerStartError`; the next call tries
 * again. Closing the Scope waits for the calls in flight (one
 * that never ends holds it for ever: give runaway calls a `timeout`), then
 * stops every thread.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { WorkerPool } from "@effect-repeater/node"
 * import { Effect, Schema } from "effect"
 *
 * // shared by the main thread and the worker file
 * class Digest extends Schema.TaggedRequest<Digest>()("Digest", {
 *   failure: Schema.Never,
 *   success: Schema.String,
 *   payload: { rounds: Schema.Number }
 * }) {}
 *
 * const program = Effect.gen(function*() {
 *   const pool = yield* WorkerPool.make<Digest>({ path: new URL("./worker.ts", import.meta.url), size: 2 })
 *   yield* Repeater.fork(
 *     Effect.flatMap(pool.execute(new Digest({ rounds: 1_000_000 })), (hex) => Effect.log(hex)),
 *     { name: "digest", every: "1 minute", timeout: "10 seconds" }
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <I extends Schema.TaggedRequest.All>(
  options: WorkerPoolOptions
) => Effect.Effect<WorkerPool<I>, WorkerPoolConfigError, Scope.Scope> = internal.make

/**
 * A Layer with a pool, for a service tag of your own.
 *
 * @example
 * ```ts
 * import { WorkerPool } from "@effect-repeater/node"
 * import { Context, Schema } from "effect"
 *
 * // shared by the main thread and the worker file
 * class Digest extends Schema.TaggedRequest<Digest>()("Digest", {
 *   failure: Schema.Never,
 *   success: Schema.String,
 *   payload: { rounds: Schema.Number }
 * }) {}
 *
 * class Digests extends Context.Tag("Digests")<Digests, WorkerPool.WorkerPool<Digest>>() {}
 *
 * const DigestsLive = WorkerPool.layer(Digests, { path: new URL("./worker.ts", import.meta.url), size: 2 })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <Id, I extends Schema.TaggedRequest.All>(
  tag: Context.Tag<Id, WorkerPool<I>>,
  options: WorkerPoolOptions
): Layer.Layer<Id, WorkerPoolConfigError> => Layer.scoped(tag, make<I>(options))
