/**
 * The typed errors of `@effect-repeater/node`, one family: those of
 * `NodeRepeater.runMain` and those of a `WorkerPool`. Each has a `_tag` and
 * an `is` guard; `isNodeRepeaterError` recognises every one of them.
 *
 * @since 1.0.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import { hasProperty, isTagged } from "effect/Predicate"

/**
 * @since 1.0.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@effect-repeater/node/NodeRepeaterError")

/**
 * @since 1.0.0
 * @category symbols
 */
export type TypeId = typeof TypeId

/**
 * An invalid option of `NodeRepeater.runMain` (such as `shutdownTimeout`): the
 * program fails at once, before anything starts, and the process exits with
 * code 1. The options of the repeaters themselves stay core's: a wrong one
 * fails with core's `RepeaterConfigError`.
 *
 * @example
 * ```ts
 * import { NodeRepeaterError } from "@effect-repeater/node"
 *
 * const error = new NodeRepeaterError.NodeRepeaterConfigError({
 *   field: "shutdownTimeout",
 *   value: -5,
 *   reason: "is not valid: it must be a finite duration longer than 0"
 * })
 * NodeRepeaterError.NodeRepeaterConfigError.is(error) // true
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class NodeRepeaterConfigError extends Data.TaggedError("NodeRepeaterConfigError")<{
  /** The option that is wrong, for example `"shutdownTimeout"`. */
  readonly field: string
  /** The value that was given. */
  readonly value: unknown
  /** What is wrong with it. */
  readonly reason: string
}> {
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is NodeRepeaterConfigError {
    return hasProperty(u, TypeId) && isTagged(u, "NodeRepeaterConfigError")
  }

  override get message(): string {
    let shown: string
    try {
      shown = typeof this.value === "string" ? JSON.stringify(this.value) : String(this.value)
    } catch {
      shown = "(unprintable value)"
    }
    return `Invalid option "${this.field}": ${shown} ${this.reason}`
  }
}

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
 * @since 1.0.0
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
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is WorkerPoolConfigError {
    return hasProperty(u, TypeId) && isTagged(u, "WorkerPoolConfigError")
  }

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
 * @since 1.0.0
 * @category errors
 */
export class WorkerStartError extends Data.TaggedError("WorkerStartError")<{
  /** The worker file. */
  readonly path: string
  /** Why it could not start: the error the thread reported, or a description. */
  readonly cause: unknown
}> {
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is WorkerStartError {
    return hasProperty(u, TypeId) && isTagged(u, "WorkerStartError")
  }

  override get message(): string {
    return `Worker ${this.path} could not start: ${describe(this.cause)}`
  }
}

/**
 * A call took longer than its `timeout`: its worker thread was terminated
 * (and a fresh one started in its place).
 *
 * @since 1.0.0
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
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is WorkerTimeoutError {
    return hasProperty(u, TypeId) && isTagged(u, "WorkerTimeoutError")
  }

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
 * @since 1.0.0
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
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is WorkerFunctionError {
    return hasProperty(u, TypeId) && isTagged(u, "WorkerFunctionError")
  }

  override get message(): string {
    return `Request ${this.request} to worker ${this.path} failed: ${describe(this.cause)}`
  }
}

/**
 * The worker thread exited or crashed while it served a request (for example
 * `process.exit()` in the worker, or its `resourceLimits` were exceeded). A
 * fresh thread takes its place.
 *
 * @since 1.0.0
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
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is WorkerCrashError {
    return hasProperty(u, TypeId) && isTagged(u, "WorkerCrashError")
  }

  override get message(): string {
    const how = this.exitCode === undefined ? "crashed" : `exited with code ${this.exitCode}`
    const why = this.cause === undefined ? "" : `: ${describe(this.cause)}`
    return `Worker ${this.path} ${how} while serving request ${this.request}${why}`
  }
}

/**
 * Every error of the family.
 *
 * @since 1.0.0
 * @category models
 */
export type NodeRepeaterError =
  | NodeRepeaterConfigError
  | WorkerPoolConfigError
  | WorkerStartError
  | WorkerTimeoutError
  | WorkerFunctionError
  | WorkerCrashError

/**
 * Whether a value is an error of `@effect-repeater/node` (any of its tags).
 *
 * @example
 * ```ts
 * import { NodeRepeaterError } from "@effect-repeater/node"
 *
 * NodeRepeaterError.isNodeRepeaterError(
 *   new NodeRepeaterError.WorkerStartError({ path: "worker.js", cause: "missing" })
 * ) // true
 * NodeRepeaterError.isNodeRepeaterError(new Error("other")) // false
 * ```
 *
 * @since 1.0.0
 * @category guards
 */
export const isNodeRepeaterError = (u: unknown): u is NodeRepeaterError => hasProperty(u, TypeId)
