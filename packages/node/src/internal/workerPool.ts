import * as LongWait from "@effect-repeater/core/LongWait"
import * as OptionCheck from "@effect-repeater/core/OptionCheck"
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import * as Worker from "@effect/platform/Worker"
import { WorkerError } from "@effect/platform/WorkerError"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Pool from "effect/Pool"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
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

/** The `workerData` key under which the TypeScript bootstrap finds the worker file. */
export const typescriptEntryKey = "@effect-repeater/node/worker-file"

const typescriptBootstrap = new URL("./typescriptWorker.mjs", import.meta.url)

/** How long a terminated thread may take to report its exit before the call gives up waiting. */
const terminateWait = Duration.seconds(5)

interface Settings {
  readonly path: string
  readonly entry: URL
  readonly workerOptions: WorkerThreads.WorkerOptions
  readonly size: number
  readonly timeout: Option.Option<Duration.Duration>
  readonly startTimeout: Duration.Duration
}

/** One worker thread of the pool, in its own Scope. */
interface Slot {
  readonly scope: Scope.CloseableScope
  readonly worker: Worker.Worker<Schema.TaggedRequest.All, unknown, unknown>
  readonly thread: () => WorkerThreads.Worker | undefined
  readonly state: SlotState
  readonly exited: Deferred.Deferred<number>
}

interface SlotState {
  ready: boolean
  /** Set when the pool itself stops or terminates the thread: its exit is expected. */
  closing: boolean
  exitCode: number | undefined
  error: unknown
}

const toURL = (path: string | URL): Either.Either<URL, WorkerPoolConfigError> => {
  if (path instanceof URL) {
    return path.protocol === "file:" ?
      Either.right(path) :
      Either.left(new WorkerPoolConfigError({ field: "path", value: path.href, reason: "is not a file: URL" }))
  }
  if (typeof path !== "string" || path.length === 0) {
    return Either.left(new WorkerPoolConfigError({ field: "path", value: path, reason: "must be a file path or URL" }))
  }
  if (path.startsWith("file:")) {
    try {
      return Either.right(new URL(path))
    } catch (cause) {
      return Either.left(
        new WorkerPoolConfigError({ field: "path", value: path, reason: `is not a valid URL (${cause})` })
      )
    }
  }
  if (!path.startsWith("/")) {
    return Either.left(
      new WorkerPoolConfigError({
        field: "path",
        value: path,
        reason: "must be absolute: pass new URL(\"./worker.ts\", import.meta.url)"
      })
    )
  }
  // not `file://${path}`: "#", "?" and "%" in a path would be read as URL syntax
  return Either.right(pathToFileURL(path))
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
): Either.Either<Option.Option<Duration.Duration>, WorkerPoolConfigError> => {
  if (input === undefined) return Either.right(Option.none())
  return Either.match(OptionCheck.decodeDuration(input), {
    onLeft: (problem) => Either.left(configError({ field, value: input, reason: problem.reason })),
    onRight: (duration) => Either.right(Option.some(duration))
  })
}

const validate = (options: WorkerPool.WorkerPoolOptions): Either.Either<Settings, WorkerPoolConfigError> =>
  Either.gen(function*() {
    const keys = OptionCheck.checkKeys(options, { known: optionKeys, of: "WorkerPool.make" })
    if (keys !== undefined) return yield* Either.left(configError(keys))
    const url = yield* toURL(options.path)
    const size: unknown = options.size ?? 1
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1) {
      return yield* Either.left(
        configError({ field: "size", value: options.size, reason: "must be a whole number, 1 or more" })
      )
    }
    if (size > MAX_SIZE) {
      return yield* Either.left(configError({
        field: "size",
        value: options.size,
        reason: `is too large: a pool has at most ${MAX_SIZE} threads (they start on demand, up to size)`
      }))
    }
    const timeout = yield* decodeDuration("timeout", options.timeout)
    const startTimeout = yield* decodeDuration("startTimeout", options.startTimeout)
    const workerOptions: unknown = options.workerOptions
    if (workerOptions !== undefined && (typeof workerOptions !== "object" || workerOptions === null)) {
      return yield* Either.left(
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
// (the `unknown` context of a generic `TaggedRequest` is the type of the request's schemas, not a requirement).
function serialize(message: Schema.TaggedRequest.All): Effect.Effect<unknown, WorkerError>
function serialize(message: Schema.TaggedRequest.All): Effect.Effect<unknown, WorkerError, unknown> {
  return Effect.mapError(Schema.serialize(message), (cause) => new WorkerError({ reason: "encode", cause }))
}

const decodeSuccess = (request: Schema.TaggedRequest.All, value: unknown) =>
  Schema.decodeUnknown(Schema.make<unknown, unknown, never>(request[Schema.symbolWithResult].success.ast))(value)

const decodeFailure = (request: Schema.TaggedRequest.All, value: unknown) =>
  Schema.decodeUnknown(Schema.make<unknown, unknown, never>(request[Schema.symbolWithResult].failure.ast))(value)

/**
 * Starts one worker thread in a Scope of its own, and waits until it serves
 * requests. A thread that reports an error or exits before that, or that
 * takes longer than `startTimeout`, fails with a `WorkerStartError` at once
 * (Effect's worker would retry it every second, forever).
 */
const makeSlot = (
  settings: Settings,
  onUnexpectedExit: (slot: Slot) => void
): Effect.Effect<Slot, WorkerStartError, Scope.Scope> =>
  Effect.gen(function*() {
    const parent = yield* Effect.scope
    const scope = yield* Scope.fork(parent, ExecutionStrategy.sequential)
    const state: SlotState = { ready: false, closing: false, exitCode: undefined, error: undefined }
    const startFailed = yield* Deferred.make<never, WorkerStartError>()
    const exited = yield* Deferred.make<number>()
    let thread: WorkerThreads.Worker | undefined
    // the slot, once it is made (the thread's exit listener needs it)
    const made: { slot: Slot | undefined } = { slot: undefined }

    const failStart = (cause: unknown) =>
      Deferred.unsafeDone(startFailed, Exit.fail(new WorkerStartError({ path: settings.path, cause })))

    const spawn = (_id: number): WorkerThreads.Worker => {
      if (thread !== undefined) {
        // Effect's worker restarts a thread that died in the same slot; the pool replaces the slot instead.
        throw new Error("the thread of this slot has ended; the pool starts a fresh one")
      }
      try {
        thread = new WorkerThreads.Worker(settings.entry, settings.workerOptions)
      } catch (cause) {
        failStart(cause)
        throw cause
      }
      thread.on("error", (cause) => {
        state.error = cause
        if (!state.ready) failStart(cause)
      })
      thread.on("exit", (code) => {
        state.exitCode = code
        Deferred.unsafeDone(exited, Exit.succeed(code))
        if (!state.ready) {
          failStart(state.error ?? new Error(`the thread exited with code ${code} before it served requests`))
        } else if (!state.closing && made.slot !== undefined) {
          onUnexpectedExit(made.slot)
        }
      })
      return thread
    }

    const worker = yield* Worker.makeManager.pipe(
      Effect.flatMap((manager) => manager.spawn<Schema.TaggedRequest.All, unknown, unknown>({ encode: serialize })),
      Effect.provide(NodeWorker.layerWorker),
      Effect.provideService(Worker.Spawner, spawn),
      Scope.extend(scope),
      Effect.mapError((cause) => new WorkerStartError({ path: settings.path, cause })),
      Effect.raceFirst(Deferred.await(startFailed)),
      LongWait.timeoutFail({
        duration: settings.startTimeout,
        onTimeout: () =>
          new WorkerStartError({
            path: settings.path,
            cause: `the thread did not serve requests within ${Duration.format(settings.startTimeout)}`
          })
      }),
      // starting a thread takes real time, whatever the clock of the program
      Effect.withClock(Clock.make()),
      // a thread that failed to start, or whose start was interrupted (the pool closing), is terminated at once
      Effect.onError(() => terminateThread(thread, state, scope))
    )
    state.ready = true
    // runs first when the scope closes: the thread's exit is expected from then on
    yield* Scope.addFinalizer(scope, Effect.sync(() => state.closing = true))
    made.slot = { scope, worker, thread: () => thread, state, exited }
    return made.slot
  })

const terminateThread = (
  thread: WorkerThreads.Worker | undefined,
  state: SlotState,
  scope: Scope.CloseableScope
): Effect.Effect<void> =>
  Effect.suspend(() => {
    state.closing = true
    if (thread !== undefined && state.exitCode === undefined) {
      thread.terminate().catch(() => undefined)
    }
    return Scope.close(scope, Exit.void)
  })

/** Terminates the slot's thread and waits (a bounded time) for its exit. */
const terminate = (slot: Slot): Effect.Effect<void> =>
  terminateThread(slot.thread(), slot.state, slot.scope).pipe(
    Effect.zipRight(
      // eslint-disable-next-line no-restricted-syntax -- terminateWait is a fixed internal constant (5 s)
      Deferred.await(slot.exited).pipe(Effect.interruptible, Effect.timeoutOption(terminateWait), Effect.asVoid)
    )
  )

/** @internal */
export const make = <I extends Schema.TaggedRequest.All>(
  options: WorkerPool.WorkerPoolOptions
): Effect.Effect<WorkerPool.WorkerPool<I>, WorkerPoolConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const settings = yield* validate(options)
    const runtime = yield* Effect.runtime<never>()
    const slots = new Set<Slot>()
    // the pool, once it is made: a thread that ends by itself while idle leaves it
    const made: { pool: Pool.Pool<Slot, WorkerStartError> | undefined } = { pool: undefined }

    const onUnexpectedExit = (slot: Slot) => {
      if (made.pool !== undefined) Runtime.runFork(runtime)(made.pool.invalidate(slot))
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
      // (and a TestClock moved by a year would wake it 52,560 times)
      Effect.withClock(Clock.make())
    )
    made.pool = backing

    const crashed = (slot: Slot) => slot.state.exitCode !== undefined || slot.state.error !== undefined

    const onCallFailure = (
      slot: Slot,
      request: Schema.TaggedRequest.All,
      cause: Cause.Cause<unknown>
    ): Effect.Effect<never, unknown> =>
      Effect.suspend(() => {
        const tag = request._tag
        const failure = Cause.failureOption(cause)
        if (Option.isSome(failure)) {
          const error = failure.value
          if (error instanceof WorkerError) {
            if (crashed(slot)) {
              return Effect.zipRight(
                backing.invalidate(slot),
                Effect.fail(
                  new WorkerCrashError({
                    path: settings.path,
                    request: tag,
                    exitCode: slot.state.exitCode,
                    cause: slot.state.error
                  })
                )
              )
            }
            return Effect.fail(error)
          }
          // the request's own typed failure, as the worker encoded it
          return Effect.flatMap(decodeFailure(request, error), Effect.fail)
        }
        const defect = Cause.dieOption(cause)
        if (Option.isSome(defect)) {
          return Effect.fail(new WorkerFunctionError({ path: settings.path, request: tag, cause: defect.value }))
        }
        return Effect.failCause(cause)
      })

    const call = (
      request: Schema.TaggedRequest.All,
      timeout: Option.Option<Duration.Duration>
    ): Effect.Effect<unknown, unknown> =>
      Effect.scoped(
        Effect.flatMap(backing.get, (slot) => {
          const execute = slot.worker.executeEffect(request).pipe(
            // a call given up (timeout, stop, interruption) would leave its thread spinning: terminate it
            Effect.onInterrupt(() => Effect.zipRight(backing.invalidate(slot), terminate(slot))),
            Effect.matchCauseEffect({
              onFailure: (cause) => onCallFailure(slot, request, cause),
              onSuccess: (value) => decodeSuccess(request, value)
            })
          )
          if (Option.isNone(timeout)) return execute
          // the timeout counts from the moment a thread has the request, not while the call waits for one
          const duration = timeout.value
          return LongWait.timeoutFail(execute, {
            duration,
            onTimeout: () => new WorkerTimeoutError({ path: settings.path, request: request._tag, timeout: duration })
          })
        })
      )

    function execute<Req extends I>(
      request: Req,
      callOptions?: WorkerPool.CallOptions
    ): Effect.Effect<
      Schema.WithResult.Success<Req>,
      Schema.WithResult.Failure<Req> | WorkerPool.WorkerPoolError,
      Schema.WithResult.Context<Req>
    >
    function execute(
      request: Schema.TaggedRequest.All,
      callOptions?: WorkerPool.CallOptions
    ): Effect.Effect<unknown, unknown> {
      if (callOptions === undefined) return call(request, settings.timeout)
      const keys = OptionCheck.checkKeys(callOptions, { known: callOptionKeys, of: "WorkerPool.execute" })
      if (keys !== undefined) return Effect.fail(configError(keys))
      if (callOptions.timeout === undefined) return call(request, settings.timeout)
      const decoded = decodeDuration("timeout", callOptions.timeout)
      return Either.isLeft(decoded) ? Effect.fail(decoded.left) : call(request, decoded.right)
    }

    const threadIds = Effect.sync(() => {
      const ids: Array<number> = []
      for (const slot of slots) {
        const thread = slot.thread()
        if (thread !== undefined && slot.state.exitCode === undefined && !slot.state.closing) ids.push(thread.threadId)
      }
      return ids.sort((a, b) => a - b)
    })

    return { path: settings.path, size: settings.size, execute, threadIds }
  })
