import type * as Scope from "effect/Scope"

/**
 * How many finalizers a Scope holds while it is open (its `state`: none, one
 * kept inline, or a `Map` of them in the order they were added); `undefined`
 * once it is closing.
 *
 * @internal
 */
export const finalizerCount = (scope: Scope.Scope): number | undefined => {
  const state = scope.state
  switch (state._tag) {
    case "Empty":
      return 0
    case "Open":
      return state.finalizers !== undefined ? state.finalizers.size : state.finalizer !== undefined ? 1 : 0
    case "Closed":
      return undefined
  }
}

/**
 * How many finalizers of a Scope run at once when it closes: one after the other (1), or all at once.
 *
 * @internal
 */
export const finalizerConcurrency = (scope: Scope.Scope): number | "unbounded" =>
  scope.strategy === "sequential" ? 1 : "unbounded"
