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
