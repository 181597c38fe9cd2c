/**
 * A pool of `worker_threads` for blocking or CPU-heavy work, so that a
 * repeater's run does not stall the event loop. Requests and results are
 * typed by Effect 4's `Rpc` definitions (`Rpc.make`, which replaces Effect 3's
 * `Schema.TaggedRequest`). Unlike Effect's own worker protocol, a call that is
 * given up really stops: its thread is terminated and a fresh one takes its
 * place, and a worker that cannot start fails the call at once.
 *
 * The worker file is written with `WorkerThread.serve` (see that module). A
 * request answers once: streaming `Rpc`s (`stream: true`) are not served.
 *
 * @since 1.0.0
 */
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Rpc from "effect/rpc/Rpc"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { WorkerError } from "effect/workers/WorkerError"
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
 * @since 1.0.0
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
  readonly timeout?: Duration.Input | undefined
  /** How long a thread may take to start serving requests. Default: 30 seconds. */
  readonly startTimeout?: Duration.Input | undefined
  /** Options of each `new Worker(...)`: `resourceLimits`, `env`, `execArgv`, `stdout`... (`workerData` is not passed). */
  readonly workerOptions?: Omit<WorkerThreads.WorkerOptions, "eval" | "workerData"> | undefined
}

/**
 * Options of one call.
 *
 * @since 1.0.0
 * @category models
 */
export interface CallOptions {
  /** The longest duration of this call, instead of the pool's `timeout`. */
  readonly timeout?: Duration.Input | undefined
}

/**
 * Every way a call can fail besides the request's own failure:
 * - `WorkerStartError`: no thread could start (bad path, the file throws while it loads...);
 * - `WorkerTimeoutError`: the call took longer than its timeout; its thread was terminated;
 * - `WorkerFunctionError`: the worker function threw (or its Effect died);
 * - `WorkerCrashError`: the thread exited while it served the call;
 * - `WorkerPoolConfigError`: an invalid per-call `timeout`;
 * - `WorkerError`, `SchemaError`: a request or result could not be sent, encoded or decoded.
 *
 * @since 1.0.0
 * @category models
 */
export type WorkerPoolError =
  | WorkerStartError
  | WorkerTimeoutError
  | WorkerFunctionError
  | WorkerCrashError
  | WorkerPoolConfigError
  | WorkerError
  | Schema.SchemaError

/**
 * The arguments of a call after its `Rpc`: the payload, which a request
 * without one (`Schema.Void`) leaves out, then the call's options.
 *
 * @since 1.0.0
 * @category models
 */
export type ExecuteArguments<R> = [Rpc.Payload<R>] extends [void] ? [payload?: Rpc.Payload<R>, options?: CallOptions] :
  [payload: Rpc.Payload<R>, options?: CallOptions]

/**
 * A pool of worker threads that serve the requests `Rpcs` (the `Rpc`s of an
 * `RpcGroup`, see `WorkerThread.serve`).
 *
 * @since 1.0.0
 * @category models
 */
export interface WorkerPool<Rpcs extends Rpc.AnyWithProps> {
  /** The worker file. */
  readonly path: string
  /** The number of threads. */
  readonly size: number
  /**
   * Sends a request (an `Rpc` of the pool and its payload) to a free thread
   * (waiting for one if all are busy) and returns its result. Interrupting
   * the call terminates its thread.
   */
  readonly execute: <R extends Rpcs>(
    rpc: R,
    ...args: ExecuteArguments<R>
  ) => Effect.Effect<Rpc.Success<R>, Rpc.Error<R> | WorkerPoolError>
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
 * import { Rpc, RpcGroup } from "effect/rpc"
 *
 * // shared by the main thread and the worker file
 * const Digest = Rpc.make("Digest", { payload: { rounds: Schema.Number }, success: Schema.String })
 * const Requests = RpcGroup.make(Digest)
 * type Requests = RpcGroup.Rpcs<typeof Requests>
 *
 * const program = Effect.gen(function*() {
 *   const pool = yield* WorkerPool.make<Requests>({ path: new URL("./worker.ts", import.meta.url), size: 2 })
 *   yield* Repeater.fork(
 *     Effect.flatMap(pool.execute(Digest, { rounds: 1_000_000 }), (hex) => Effect.log(hex)),
 *     { name: "digest", every: "1 minute", timeout: "10 seconds" }
 *   )
 * })
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const make: <Rpcs extends Rpc.AnyWithProps>(
  options: WorkerPoolOptions
) => Effect.Effect<WorkerPool<Rpcs>, WorkerPoolConfigError, Scope.Scope> = internal.make

/**
 * A Layer with a pool, for a service of your own.
 *
 * @example
 * ```ts
 * import { WorkerPool } from "@effect-repeater/node"
 * import { Context, Schema } from "effect"
 * import { Rpc, RpcGroup } from "effect/rpc"
 *
 * // shared by the main thread and the worker file
 * const Digest = Rpc.make("Digest", { payload: { rounds: Schema.Number }, success: Schema.String })
 * const Requests = RpcGroup.make(Digest)
 * type Requests = RpcGroup.Rpcs<typeof Requests>
 *
 * class Digests extends Context.Service<Digests, WorkerPool.WorkerPool<Requests>>()("Digests") {}
 *
 * const DigestsLive = WorkerPool.layer(Digests, { path: new URL("./worker.ts", import.meta.url), size: 2 })
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = <Id, Rpcs extends Rpc.AnyWithProps>(
  tag: Context.Key<Id, WorkerPool<Rpcs>>,
  options: WorkerPoolOptions
): Layer.Layer<Id, WorkerPoolConfigError> => Layer.effect(tag, make<Rpcs>(options))
