/**
 * Where a binding keeps the repeaters forked in one Scope (an Effect `Scope`,
 * or any lifetime that releases what it holds in reverse order), so that the
 * Scope holds one finalizer for many repeaters and an ended repeater leaves
 * nothing behind in a Scope that stays open.
 *
 * The repeaters forked one after another, while nothing else was added to the
 * Scope, share a segment and the one finalizer the binding added to the Scope
 * for it; a repeater forked after something else was added to the Scope opens
 * a new segment (and finalizer), so that repeaters are still stopped between
 * the releases of the resources they were forked between. The binding tells
 * which by the Scope's number of finalizers (`last`). Every finalizer the
 * binding adds is the same function: a Scope runs its finalizers in reverse
 * order, so its n-th call is for the n-th segment from the end (`close`).
 *
 * An ended repeater leaves its place (`Membership.leave`); once at least half
 * of a segment's places (and 16) are empty, the segment keeps only the others,
 * which learn their new places (each place is copied once per halving, so that
 * the work is amortised over the leaves); a segment whose repeaters all ended
 * holds nothing.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/scopeSegments.js"

/**
 * What a segment holds: it knows its place there, which the segment updates
 * when it compacts.
 *
 * @since 0.1.0
 * @category models
 */
export interface Placed {
  scopeIndex: number
}

/**
 * What a repeater belongs to in its Scope (a segment, or a batch): it leaves
 * when it ends.
 *
 * @since 0.1.0
 * @category models
 */
export interface Membership<M> {
  /** The member at `index` has ended: it is let go of (if it is still the one there). */
  leave(index: number, member: M): void
}

/**
 * The repeaters of one call that forks many at once: one place of a segment
 * for all of them, let go of when the last of them ends (when `owner` is set).
 *
 * @example
 * ```ts
 * import { ScopeSegments } from "@effect-repeater/kernel"
 *
 * const segments = new ScopeSegments.Segments<{ scopeIndex: number }>()
 * const segment = segments.open()
 * const batch = new ScopeSegments.Batch<{ scopeIndex: number }>(2)
 * const [a, b] = [{ scopeIndex: 0 }, { scopeIndex: 1 }]
 * batch.add(0, a)
 * batch.add(1, b)
 * segment.add(batch)
 * batch.owner = segment
 * batch.leave(0, a)
 * batch.leave(1, b)
 * segments.retained() // { places: 0, segments: 1 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Batch = internal.Batch

/**
 * @since 0.1.0
 * @category models
 */
export type Batch<M extends Placed> = internal.Batch<M>

/**
 * The repeaters (and batches) of one finalizer of the Scope. `add` refuses
 * (false) once the Scope is closing: the binding stops the repeater instead.
 *
 * @since 0.1.0
 * @category models
 */
export const Segment = internal.Segment

/**
 * @since 0.1.0
 * @category models
 */
export type Segment<M extends Placed> = internal.Segment<M>

/**
 * What one binding keeps of one Scope: its segments, in the order their
 * finalizers were added.
 *
 * - `last(count)`: the segment the next fork joins, when the Scope holds
 *   `count` finalizers, as many as when the last segment was opened or joined
 *   (`undefined` when that cannot be known: a segment per fork);
 * - `open()`, then `opened(count)` once its finalizer is in the Scope;
 * - from the finalizer, `beginClosing()`: whether this is the Scope's first
 *   finalizer call of ours (the Scope is closing from now on: the binding then
 *   holds every repeater of the Scope from starting runs, `liveMembers()`
 *   still giving all of them), then `takeLast()`: what the last segment holds
 *   that has not ended, the last forked first;
 * - `liveMembers()`, `retained()`: what is held, for the service and tests.
 *
 * @example
 * ```ts
 * import { ScopeSegments } from "@effect-repeater/kernel"
 *
 * const segments = new ScopeSegments.Segments<{ scopeIndex: number }>()
 * const first = segments.open()
 * segments.opened(1) // its finalizer is the Scope's first
 * const a = { scopeIndex: -1 }
 * first.add(a)
 * segments.last(1) === first // true: nothing was added to the Scope since
 * segments.last(2) // undefined: the next fork opens a segment of its own
 * segments.beginClosing() // true
 * segments.takeLast() // [a]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Segments = internal.Segments

/**
 * @since 0.1.0
 * @category models
 */
export type Segments<M extends Placed> = internal.Segments<M>
