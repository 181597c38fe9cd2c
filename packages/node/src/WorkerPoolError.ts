/**
 * The typed errors of a `WorkerPool`.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"

const describe = (cause: unknown): string => {
  if (cause instanceof Error) return cause.message
  if (typeof cause === "string") return cause
  try {
    return JSON.stringify(cause) ?? String(cause)
  } catch {
    return String(cause)
  }
}

/**
 * Invalid pool options, reported when the pool is made. It names the option
 * and the value that was given.
 *
 * @since 0.1.0
 * @category errors
 */
export class WorkerPoolConfigError extends Data.TaggedError("WorkerPoolConfigError")<{
  /** The option that is wrong, for example `"size"`. */
  readonly field: string
  /** The value that was given. */
  readonly value: unknown
  /** What is wrong with it. */
  readonly reason: string
}> {
  override get message(): string {
    let shown: string
    try {
      shown = typeof this.value === "string" ? JSON.stringify(this.value) : String(this.value)
    } catch {
      shown = "(unprintable value)"
    }
    return `Invalid worker pool option "${this.field}": ${shown} ${this.reason}`
  }
}

/**
 * A worker thread could not start: its file does not exist, throws while it
 * loads, exits before it serves requests, or takes longer than `startTimeout`.
 * Each failed start fails one call with this error, at once; a call that finds
 * no failed start waiting starts a worker again.
 *
 * @since 0.1.0
 * @category errors
 */
export class WorkerStartError extends Data.TaggedError("WorkerStartError")<{
  /** The worker file. */
  readonly path: string
  /** Why it could not start: the error the thread reported, or a description. */
  readonly cause: unknown
}> {
  override get message(): string {
    return `Worker ${this.path} could not start: ${describe(this.cause)}`
  }
}

/**
 * A call took longer than its `timeout`: its worker thread was terminated
 * (and a fresh one started in its place).
 *
 * @since 0.1.0
 * @category errors
 */
export class WorkerTimeoutError extends Data.TaggedError("WorkerTimeoutError")<{
  /** The worker file. */
  readonly path: string
  /** The `_tag` of the request. */
  readonly request: string
  /** The timeout that was exceeded. */
  readonly timeout: Duration.Duration
}> {
  override get message(): string {
    return `Request ${this.request} to worker ${this.path} timed out after ${
      Duration.format(this.timeout)
    }: its thread was terminated`
  }
}

/**
 * The worker function threw (or its Effect died) while serving a request. The
 * worker thread stays in the pool.
 *
 * @since 0.1.0
 * @category errors
 */
export class WorkerFunctionError extends Data.TaggedError("WorkerFunctionError")<{
  /** The worker file. */
  readonly path: string
  /** The `_tag` of the request. */
  readonly request: string
  /** The thrown value, as received from the worker thread (an `Error` keeps its message and stack). */
  readonly cause: unknown
}> {
  override get message(): string {
    return `Request ${this.request} to worker ${this.path} failed: ${describe(this.cause)}`
  }
}

/**
 * The worker thread exited or crashed while it served a request (for example
 * `process.exit()` in the worker, or its `resourceLimits` were exceeded). A
 * fresh thread takes its place.
 *
 * @since 0.1.0
 * @category errors
 */
export class WorkerCrashError extends Data.TaggedError("WorkerCrashError")<{
  /** The worker file. */
  readonly path: string
  /** The `_tag` of the request. */
  readonly request: string
  /** The thread's exit code, when it exited. */
  readonly exitCode: number | undefined
  /** The error the thread reported, if any. */
  readonly cause: unknown
}> {
  override get message(): string {
    const how = this.exitCode === undefined ? "crashed" : `exited with code ${this.exitCode}`
    const why = this.cause === undefined ? "" : `: ${describe(this.cause)}`
    return `Worker ${this.path} ${how} while serving request ${this.request}${why}`
  }
}
