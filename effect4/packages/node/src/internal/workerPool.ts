// The pool drives `node:worker_threads` itself, with the small protocol of `protocol.ts`, rather than Effect 4's
// `effect/workers`: there, typed requests go through `RpcClient.layerProtocolWorker`, whose own pool neither
// terminates the thread of a call that is given up nor fails a call at once when its thread cannot start (it
// retries every second), and it encodes requests to JSON values (a `SharedArrayBuffer` would not be shared):
// those are what this pool is for.
import * as LongWait from "@effect-repeater/core/LongWait"
import * as OptionCheck from "@effect-repeater/core/OptionCheck"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Pool from "effect/Pool"
import * as Result from "effect/Result"
import type * as Rpc from "effect/rpc/Rpc"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import { WorkerError, WorkerSendError } from "effect/workers/WorkerError"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as WorkerThreads from "node:worker_threads"
import {
  WorkerCrashError,
  WorkerFunctionError,
  WorkerPoolConfigError,
  WorkerStartError,
  WorkerTimeoutError
} from "../NodeRepeaterError.js"
import type * as WorkerPool from "../WorkerPool.js"
import * as Protocol from "./protocol.js"

/** The `workerData` key under which the TypeScript bootstrap finds the worker file. */
export const typescriptEntryKey = "@effect-repeater/node/worker-file"

const typescriptBootstrap = new URL("./typescriptWorker.mjs", import.meta.url)

/** How long a thread may take to end after the pool asked it to, before it is terminated. */
const closeWait = Duration.seconds(5)

/** The clock of the threads' own lifecycle: real time, whatever the clock of the program (threads are real). */
const realClock = Clock.Clock.defaultValue()

interface Settings {
  readonly path: string
  readonly entry: URL
  readonly workerOptions: WorkerThreads.WorkerOptions
  readonly size: number
  readonly timeout: Option.Option<Duration.Duration>
  readonly startTimeout: Duration.Duration
}

/** The call a thread serves now: the answer it waits for. */
interface Pending {
  readonly id: number
  readonly answer: Deferred.Deferred<Protocol.Answer, WorkerCrashError>
  readonly request: string
}

/** Where a thread is in its life: one tagged value. */
type ThreadState =
  | { readonly _tag: "Starting" }
  | { readonly _tag: "Serving"; readonly pending: Pending | undefined }
  /** The pool stops or terminates it: its exit is expected. */
  | { readonly _tag: "Closing" }
  | { readonly _tag: "Exited"; readonly exitCode: number }

/** One worker thread of the pool, in its own Scope. */
interface Slot {
  readonly scope: Scope.Closeable
  readonly thread: WorkerThreads.Worker
  readonly exited: Deferred.Deferred<number>
  /** The error the thread reported, if any. */
  readonly error: () => unknown
  readonly state: () => ThreadState
  readonly setState: (state: ThreadState) => void
}

const toURL = (path: string | URL): Result.Result<URL, WorkerPoolConfigError> => {
  if (path instanceof URL) {
    return path.protocol === "file:" ?
      Result.succeed(path) :
      Result.fail(new WorkerPoolConfigError({ field: "path", value: path.href, reason: "is not a file: URL" }))
  }
  if (typeof path !== "string" || path.length === 0) {
    return Result.fail(new WorkerPoolConfigError({ field: "path", value: path, reason: "must be a file path or URL" }))
  }
  if (path.startsWith("file:")) {
    try {
      return Result.succeed(new URL(path))
    } catch (cause) {
      return Result.fail(
        new WorkerPoolConfigError({ field: "path", value: path, reason: `is not a valid URL (${cause})` })
      )
    }
  }
  if (!path.startsWith("/")) {
    return Result.fail(
      new WorkerPoolConfigError({
        field: "path",
        value: path,
        reason: "must be absolute: pass new URL(\"./worker.ts\", import.meta.url)"
      })
    )
  }
  // not `file://${path}`: "#", "?" and "%" in a path would be read as URL syntax
  return Result.succeed(pathToFileURL(path))
}

/**
 * The largest `size`: each thread is a V8 isolate of its own (tens of megabytes at least), and the threads start
 * on demand, so a larger bound would only let a burst of calls exhaust the machine's memory.
 *
 * @internal
 */
export const MAX_SIZE = 256

/**
 * How often the pool stops the threads it does not need at that moment (they start again on demand).
 *
 * @internal
 */
export const idleThreadCheck = Duration.minutes(10)

const optionKeys: ReadonlyArray<keyof WorkerPool.WorkerPoolOptions> = [
  "path",
  "size",
  "timeout",
  "startTimeout",
  "workerOptions"
]

const callOptionKeys: ReadonlyArray<keyof WorkerPool.CallOptions> = ["timeout"]

const configError = (problem: OptionCheck.OptionProblem) => new WorkerPoolConfigError(problem)

const decodeDuration = (
  field: string,
  input: unknown
): Result.Result<Option.Option<Duration.Duration>, WorkerPoolConfigError> => {
  if (input === undefined) return Result.succeed(Option.none())
  return Result.match(OptionCheck.decodeDuration(input), {
    onFailure: (problem) => Result.fail(configError({ field, value: input, reason: problem.reason })),
    onSuccess: (duration) => Result.succeed(Option.some(duration))
  })
}

const validate = (options: WorkerPool.WorkerPoolOptions): Result.Result<Settings, WorkerPoolConfigError> =>
  Result.gen(function*() {
    const keys = OptionCheck.checkKeys(options, { known: optionKeys, of: "WorkerPool.make" })
    if (keys !== undefined) return yield* Result.fail(configError(keys))
    const url = yield* toURL(options.path)
    const size: unknown = options.size ?? 1
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1) {
      return yield* Result.fail(
        configError({ field: "size", value: options.size, reason: "must be a whole number, 1 or more" })
      )
    }
    if (size > MAX_SIZE) {
      return yield* Result.fail(configError({
        field: "size",
        value: options.size,
        reason: `is too large: a pool has at most ${MAX_SIZE} threads (they start on demand, up to size)`
      }))
    }
    const timeout = yield* decodeDuration("timeout", options.timeout)
    const startTimeout = yield* decodeDuration("startTimeout", options.startTimeout)
    const workerOptions: unknown = options.workerOptions
    if (workerOptions !== undefined && (typeof workerOptions !== "object" || workerOptions === null)) {
      return yield* Result.fail(
        configError({ field: "workerOptions", value: workerOptions, reason: "must be an object of Worker options" })
      )
    }
    const path = fileURLToPath(url)
    const typescript = /\.(ts|mts|cts)$/.test(path)
    const threadOptions: WorkerThreads.WorkerOptions = {
      ...options.workerOptions,
      ...(typescript ? { workerData: { [typescriptEntryKey]: url.href } } : {})
    }
    return {
      path,
      entry: typescript ? typescriptBootstrap : url,
      workerOptions: threadOptions,
      size,
      timeout,
      startTimeout: Option.getOrElse(startTimeout, () => Duration.seconds(30))
    }
  })

// Requests and results are encoded and decoded without services: the schemas of worker requests must not need any
// (the `unknown` services of an erased schema are the type of its schemas, not a requirement).
function encodeWith(schema: Schema.Top, input: unknown): Effect.Effect<unknown, Schema.SchemaError>
function encodeWith(schema: Schema.Top, input: unknown): Effect.Effect<unknown, Schema.SchemaError, unknown> {
  return Schema.encodeUnknownEffect(schema)(input)
}

function decodeWith(schema: Schema.Top, input: unknown): Effect.Effect<unknown, Schema.SchemaError>
function decodeWith(schema: Schema.Top, input: unknown): Effect.Effect<unknown, Schema.SchemaError, unknown> {
  return Schema.decodeUnknownEffect(schema)(input)
}

/** Terminates the slot's thread (unless it has exited) and closes its Scope. */
const terminateNow = (slot: Slot): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (slot.state()._tag !== "Exited") {
      slot.setState({ _tag: "Closing" })
      slot.thread.terminate().catch(() => undefined)
    }
    return Scope.close(slot.scope, Exit.void)
  })

/** Terminates the slot's thread and waits (a bounded time) for its exit. */
const terminate = (slot: Slot): Effect.Effect<void> =>
  terminateNow(slot).pipe(
    Effect.andThen(
      Deferred.await(slot.exited).pipe(
        Effect.interruptible,
        // eslint-disable-next-line no-restricted-syntax -- closeWait is a fixed internal constant (5 s)
        Effect.timeoutOption(closeWait),
        Effect.provideService(Clock.Clock, realClock),
        Effect.asVoid
      )
    )
  )

/**
 * Asks the slot's thread to end (it finishes what it runs, then ends by itself, so that its own finalizers and
 * `exit` listeners run), and terminates it when it has not ended within `closeWait`.
 */
const close = (slot: Slot): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (slot.state()._tag === "Exited") return Effect.void
    slot.setState({ _tag: "Closing" })
    try {
      slot.thread.postMessage({ _tag: "Close" } satisfies Protocol.ToThread)
    } catch {
      // a thread that cannot be asked is terminated below
    }
    return Deferred.await(slot.exited).pipe(
      // eslint-disable-next-line no-restricted-syntax -- closeWait is a fixed internal constant (5 s)
      Effect.timeoutOption(closeWait),
      Effect.provideService(Clock.Clock, realClock),
      Effect.flatMap((exited) =>
        Option.isSome(exited) ? Effect.void : Effect.promise(() => slot.thread.terminate().catch(() => undefined))
      ),
      Effect.asVoid
    )
  })

/**
 * Starts one worker thread in a Scope of its own, and waits until it serves
 * requests. A thread that reports an error or exits before that, or that
 * takes longer than `startTimeout`, fails with a `WorkerStartError` at once.
 */
const makeSlot = (
  settings: Settings,
  onUnexpectedExit: (slot: Slot) => void
): Effect.Effect<Slot, WorkerStartError, Scope.Scope> =>
  Effect.gen(function*() {
    const parent = yield* Effect.scope
    const scope = yield* Scope.fork(parent, "sequential")
    const started = yield* Deferred.make<void, WorkerStartError>()
    const exited = yield* Deferred.make<number>()
    const startError = (cause: unknown) => new WorkerStartError({ path: settings.path, cause })
    let thread: WorkerThreads.Worker
    try {
      thread = new WorkerThreads.Worker(settings.entry, settings.workerOptions)
    } catch (cause) {
      yield* Scope.close(scope, Exit.void)
      return yield* Effect.fail(startError(cause))
    }
    let state: ThreadState = { _tag: "Starting" }
    let error: unknown = undefined
    const slot: Slot = {
      scope,
      thread,
      exited,
      error: () => error,
      state: () => state,
      setState: (next) => {
        if (state._tag !== "Exited") state = next
      }
    }

    thread.on("message", (input: unknown) => {
      const message = Protocol.decodeFromThread(input)
      if (message === undefined) return
      if (message._tag === "Ready") {
        if (state._tag === "Starting") state = { _tag: "Serving", pending: undefined }
        Deferred.doneUnsafe(started, Effect.void)
        return
      }
      if (state._tag === "Serving" && state.pending?.id === message.id) {
        Deferred.doneUnsafe(state.pending.answer, Effect.succeed(message))
      }
    })
    thread.on("error", (cause) => {
      error = cause
      if (state._tag === "Starting") Deferred.doneUnsafe(started, Effect.fail(startError(cause)))
    })
    thread.on("exit", (exitCode) => {
      const before = state
      state = { _tag: "Exited", exitCode }
      Deferred.doneUnsafe(exited, Effect.succeed(exitCode))
      if (before._tag === "Starting") {
        Deferred.doneUnsafe(
          started,
          Effect.fail(
            startError(error ?? new Error(`the thread exited with code ${exitCode} before it served requests`))
          )
        )
      } else if (before._tag === "Serving") {
        if (before.pending !== undefined) {
          Deferred.doneUnsafe(
            before.pending.answer,
            Effect.fail(
              new WorkerCrashError({ path: settings.path, request: before.pending.request, exitCode, cause: error })
            )
          )
        }
        onUnexpectedExit(slot)
      }
    })

    yield* Deferred.await(started).pipe(
      LongWait.timeoutFail({
        duration: settings.startTimeout,
        onTimeout: () =>
          startError(`the thread did not serve requests within ${Duration.format(settings.startTimeout)}`)
      }),
      // starting a thread takes real time, whatever the clock of the program
      Effect.provideService(Clock.Clock, realClock),
      // a thread that failed to start, or whose start was interrupted (the pool closing), is terminated at once
      Effect.onError(() => terminateNow(slot))
    )
    yield* Scope.addFinalizer(scope, close(slot))
    return slot
  })

/** @internal */
export const make = <Rpcs extends Rpc.AnyWithProps>(
  options: WorkerPool.WorkerPoolOptions
): Effect.Effect<WorkerPool.WorkerPool<Rpcs>, WorkerPoolConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const settings = yield* Effect.fromResult(validate(options))
    const context = yield* Effect.context<never>()
    const slots = new Set<Slot>()
    // the pool, once it is made: a thread that ends by itself while idle leaves it
    const made: { pool: Pool.Pool<Slot, WorkerStartError> | undefined } = { pool: undefined }
    let nextId = 0

    const onUnexpectedExit = (slot: Slot) => {
      if (made.pool !== undefined) Effect.runForkWith(context)(Pool.invalidate(made.pool, slot))
    }
    const acquire = makeSlot(settings, onUnexpectedExit).pipe(
      Effect.tap((slot) =>
        Effect.acquireRelease(Effect.sync(() => slots.add(slot)), () => Effect.sync(() => slots.delete(slot)))
      )
    )
    // threads start on demand, up to size: as many as the calls in flight (and waiting) need
    const backing = yield* Pool.makeWithTTL({
      acquire,
      min: 0,
      max: settings.size,
      concurrency: 1,
      timeToLive: idleThreadCheck,
      timeToLiveStrategy: "usage"
    }).pipe(
      // the check of idle threads runs in real time, whatever the clock of the program: threads are real
      Effect.provideService(Clock.Clock, realClock)
    )
    made.pool = backing

    const crash = (slot: Slot, request: string) => {
      const state = slot.state()
      return new WorkerCrashError({
        path: settings.path,
        request,
        exitCode: state._tag === "Exited" ? state.exitCode : undefined,
        cause: slot.error()
      })
    }

    const send = (slot: Slot, rpc: Rpc.AnyWithProps, payload: unknown) =>
      Effect.suspend((): Effect.Effect<Protocol.Answer, WorkerCrashError | WorkerError> => {
        const state = slot.state()
        if (state._tag !== "Serving") return Effect.fail(crash(slot, rpc._tag))
        const pending: Pending = { id: nextId++, answer: Deferred.makeUnsafe(), request: rpc._tag }
        try {
          slot.thread.postMessage(
            { _tag: "Request", id: pending.id, tag: rpc._tag, payload } satisfies Protocol.ToThread
          )
        } catch (cause) {
          return Effect.fail(
            new WorkerError({
              reason: new WorkerSendError({ message: "Failed to send the request to its thread", cause })
            })
          )
        }
        slot.setState({ _tag: "Serving", pending })
        return Deferred.await(pending.answer).pipe(
          Effect.ensuring(Effect.sync(() => {
            const now = slot.state()
            if (now._tag === "Serving" && now.pending === pending) {
              slot.setState({ _tag: "Serving", pending: undefined })
            }
          }))
        )
      })

    const onAnswer = (rpc: Rpc.AnyWithProps, answer: Protocol.Answer): Effect.Effect<unknown, unknown> => {
      switch (answer._tag) {
        case "Success":
          return decodeWith(rpc.successSchema, answer.value)
        case "Failure":
          // the request's own typed failure, as the worker encoded it
          return Effect.flatMap(decodeWith(rpc.errorSchema, answer.error), Effect.fail)
        case "Defect":
          return Effect.fail(new WorkerFunctionError({ path: settings.path, request: rpc._tag, cause: answer.cause }))
      }
    }

    const call = (
      rpc: Rpc.AnyWithProps,
      payload: unknown,
      timeout: Option.Option<Duration.Duration>
    ): Effect.Effect<unknown, unknown> =>
      Effect.flatMap(encodeWith(rpc.payloadSchema, payload), (encoded) =>
        Effect.scoped(
          Effect.flatMap(Pool.get(backing), (slot) => {
            const execute = send(slot, rpc, encoded).pipe(
              // a call given up (timeout, stop, interruption) would leave its thread spinning: terminate it
              Effect.onInterrupt(() => Effect.andThen(Pool.invalidate(backing, slot), terminate(slot))),
              Effect.catchTag(
                "WorkerCrashError",
                (error) => Effect.andThen(Pool.invalidate(backing, slot), Effect.fail(error))
              ),
              Effect.flatMap((answer) => onAnswer(rpc, answer))
            )
            if (Option.isNone(timeout)) return execute
            // the timeout counts from the moment a thread has the request, not while the call waits for one
            const duration = timeout.value
            return LongWait.timeoutFail(execute, {
              duration,
              onTimeout: () => new WorkerTimeoutError({ path: settings.path, request: rpc._tag, timeout: duration })
            })
          })
        ))

    function execute<R extends Rpcs>(
      rpc: R,
      ...args: WorkerPool.ExecuteArguments<R>
    ): Effect.Effect<Rpc.Success<R>, Rpc.Error<R> | WorkerPool.WorkerPoolError>
    function execute(
      rpc: Rpc.AnyWithProps,
      payload: unknown,
      callOptions?: WorkerPool.CallOptions
    ): Effect.Effect<unknown, unknown> {
      if (callOptions === undefined) return call(rpc, payload, settings.timeout)
      const keys = OptionCheck.checkKeys(callOptions, { known: callOptionKeys, of: "WorkerPool.execute" })
      if (keys !== undefined) return Effect.fail(configError(keys))
      if (callOptions.timeout === undefined) return call(rpc, payload, settings.timeout)
      const decoded = decodeDuration("timeout", callOptions.timeout)
      return Result.isFailure(decoded) ? Effect.fail(decoded.failure) : call(rpc, payload, decoded.success)
    }

    const threadIds = Effect.sync(() => {
      const ids: Array<number> = []
      for (const slot of slots) {
        if (slot.state()._tag === "Serving") ids.push(slot.thread.threadId)
      }
      return ids.sort((a, b) => a - b)
    })

    return { path: settings.path, size: settings.size, execute, threadIds }
  })
