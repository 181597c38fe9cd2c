/**
 * What a repeater's `stop` and `join` wait on, and the rules of their
 * bookkeeping, the same for every binding: the first stop procedure to finish
 * decides the stop's result (an idle stop's is the default), a stop the run
 * asked for itself waits for it without bound until a stop from outside gives
 * it a grace, and an ended repeater wakes whoever waits.
 *
 * The waiters themselves (`Join`, `Stop`) are the binding's (promises,
 * deferreds): the kernel keeps them and says when to wake them. A binding makes
 * `Waiters` only when first needed, so that an idle repeater never pays for
 * them: the functions take `undefined` for none.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/waiters.js"
import type { Phase } from "./Lifecycle.js"

/**
 * How a stop ended: the repeater was idle, its run in flight finished within
 * the grace, or it was interrupted.
 *
 * @since 0.1.0
 * @category models
 */
export type StopResult = "idle" | "finished" | "interrupted"

/**
 * The waiters of one repeater. `Failure`: how it ended, when it failed (it
 * joins with success otherwise).
 *
 * @since 0.1.0
 * @category models
 */
export interface Waiters<Failure, Join, Stop> {
  /** How it ended, once it has, when that was a failure. */
  failure: Failure | undefined
  join: Join | undefined
  stop: Stop | undefined
  /** What the stop under way ends with, once decided. */
  stopResult: StopResult | undefined
  /** A stop asked for by the run itself, waiting for it without a grace. */
  unboundedStop: boolean
}

/**
 * What a stop asked for from outside the run in flight does: returns the
 * result already decided (`Settled`), waits for the stop under way (`Await`;
 * `giveGrace`: that stop was the run's own, unbounded, and the run is given its
 * grace first), or begins a stop (`Begin`: none is under way).
 *
 * @since 0.1.0
 * @category models
 */
export type StopRequest<Stop> =
  | { readonly _tag: "Settled"; readonly result: StopResult }
  | { readonly _tag: "Await"; readonly stop: Stop; readonly giveGrace: boolean }
  | { readonly _tag: "Begin" }

/**
 * Waiters with no one waiting.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <Failure, Join, Stop>() => Waiters<Failure, Join, Stop> = internal.make

/**
 * A stop asked for from outside the run in flight (see `StopRequest`); one
 * that gives the run its grace marks the stop under way as bounded.
 *
 * @example
 * ```ts
 * import { Waiters } from "@effect-repeater/kernel"
 *
 * const waiters = Waiters.make<Error, string, string>()
 * waiters.stop = "the run's own stop"
 * waiters.unboundedStop = true
 * Waiters.stopRequested(waiters, true) // { _tag: "Await", stop: "the run's own stop", giveGrace: true }
 * Waiters.stopRequested(waiters, true) // { _tag: "Await", stop: "the run's own stop", giveGrace: false }
 * ```
 *
 * @since 0.1.0
 * @category bookkeeping
 */
export const stopRequested: <F, J, S>(
  waiters: Waiters<F, J, S> | undefined,
  inFlight: boolean
) => StopRequest<S> = internal.stopRequested

/**
 * Whether a stop asked for by the run in flight begins a stop: none is under
 * way and the repeater has not ended. That run cannot wait for itself: it is
 * told `"finished"` at once, and the stop waits for it without bound.
 *
 * @since 0.1.0
 * @category bookkeeping
 */
export const ownRunBeginsStop: <F, J, S>(waiters: Waiters<F, J, S> | undefined, phase: Phase) => boolean =
  internal.ownRunBeginsStop

/**
 * Whether a stop procedure that finished with `result` decides the stop's
 * result: the first to finish does, and an idle stop's result is only the
 * default (`undefined`: the repeater ended otherwise).
 *
 * @since 0.1.0
 * @category bookkeeping
 */
export const decidesResult: <F, J, S>(
  waiters: Waiters<F, J, S> | undefined,
  result: StopResult | undefined
) => result is "finished" | "interrupted" = internal.decidesResult

/**
 * A stop procedure finished after the repeater had ended: the stop under way,
 * if its result was decided, is woken with it.
 *
 * @since 0.1.0
 * @category bookkeeping
 */
export const wakeDecidedStop: <F, J, S>(
  waiters: Waiters<F, J, S> | undefined,
  wakeStop: (stop: S, result: StopResult) => void
) => void = internal.wakeDecidedStop

/**
 * The repeater has just ended (a stop procedure with `result`, or on its own
 * with `undefined`): `join` is woken with its failure (`undefined`: success),
 * a stop under way with `result`.
 *
 * @since 0.1.0
 * @category bookkeeping
 */
export const wakeOnEnd: <F, J, S>(
  waiters: Waiters<F, J, S> | undefined,
  result: StopResult | undefined,
  wakeJoin: (join: J, failure: F | undefined) => void,
  wakeStop: (stop: S, result: StopResult) => void
) => void = internal.wakeOnEnd
