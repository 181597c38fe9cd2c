import * as ExecutionStrategy from "effect/ExecutionStrategy"
import type * as Scope from "effect/Scope"

/**
 * How many finalizers a Scope holds: known for Effect's own Scope while it is
 * open (it keeps them in a `Map`, in the order they were added), `undefined`
 * for any other Scope or once it is closing.
 *
 * Effect 3's `Scope` type does not show this, so it is read from the value as
 * it is (a missing or different shape gives `undefined`, and a fork then adds
 * a finalizer of its own, as it always may).
 *
 * @internal
 */
export const finalizerCount = (scope: Scope.Scope): number | undefined => {
  if (!("state" in scope)) return undefined
  const state: unknown = scope.state
  if (typeof state !== "object" || state === null || !("finalizers" in state)) return undefined
  const finalizers: unknown = state.finalizers
  return finalizers instanceof Map ? finalizers.size : undefined
}

/**
 * How many finalizers of a Scope run at once when it closes: one after the other (1), all at once, or at most `n`
 * (`ExecutionStrategy.parallelN`).
 *
 * @internal
 */
export const finalizerConcurrency = (scope: Scope.Scope): number | "unbounded" =>
  ExecutionStrategy.isSequential(scope.strategy) ?
    1 :
    ExecutionStrategy.isParallel(scope.strategy) ?
    "unbounded" :
    scope.strategy.parallelism
