/**
 * @since 1.0.0
 */

/**
 * Running a program of repeaters as a Node process: signals, graceful stop and
 * exit codes.
 *
 * @since 1.0.0
 */
export * as NodeRepeater from "./NodeRepeater.js"

/**
 * The typed errors of the package, one family: those of `NodeRepeater` and
 * of a `WorkerPool`, with a guard.
 *
 * @since 1.0.0
 */
export * as NodeRepeaterError from "./NodeRepeaterError.js"

/**
 * A pool of `worker_threads` for blocking or CPU-heavy work, whose timeout
 * really stops a runaway call.
 *
 * @since 1.0.0
 */
export * as WorkerPool from "./WorkerPool.js"

/**
 * The worker side of a `WorkerPool`.
 *
 * @since 1.0.0
 */
export * as WorkerThread from "./WorkerThread.js"
