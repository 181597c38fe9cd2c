import { Batch, type Membership, type Placed, type Segment, Segments } from "@effect-repeater/kernel/ScopeSegments"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"

export { Batch, type Placed }

/**
 * What a repeater belongs to in its Scope: a segment of the Scope's slots (a
 * repeater of `fork`) or a batch (a repeater of `forkAll`). It leaves when it
 * ends (see the kernel's `ScopeSegments`).
 *
 * @internal
 */
export type ScopeMembership<M> = Membership<M>

/**
 * What one service keeps of one Scope its repeaters were forked in: the
 * kernel's `ScopeSegments`, with a finalizer of the Scope per segment. Every
 * finalizer it adds is the same function: a Scope runs its finalizers in
 * reverse order, so its n-th call is for the n-th segment from the end, and
 * stops what that segment holds as a finalizer each would: the last forked
 * first, one after the other, or at once in a Scope that runs its finalizers
 * so.
 *
 * @internal
 */
export class ScopeSlots<M extends Placed> {
  private readonly segments = new Segments<M>()
  readonly finalizer: (exit: Exit.Exit<unknown, unknown>) => Effect.Effect<void>

  constructor(
    readonly scope: Scope.Scope,
    /** How many finalizers the Scope holds, if that can be known (`undefined`: a segment per fork). */
    private readonly count: (scope: Scope.Scope) => number | undefined,
    /** How many of its finalizers the Scope runs at once: a segment stops what it holds the same way. */
    concurrency: number | "unbounded",
    /** On the first call of the finalizer: every repeater of the Scope stops starting runs. */
    onClosing: (slots: ScopeSlots<M>) => void,
    /** Stops what a slot holds. */
    stop: (entry: M | Batch<M>) => Effect.Effect<void>
  ) {
    this.finalizer = () =>
      Effect.suspend(() => {
        if (this.segments.beginClosing()) onClosing(this)
        const stopping = this.segments.takeLast()
        if (stopping.length === 0) return Effect.void
        if (stopping.length === 1) return stop(stopping[0]!)
        return Effect.forEach(stopping, stop, { discard: true, concurrency })
      })
  }

  /** The Scope is closing (or closed): its first finalizer of ours has run. */
  get closing(): boolean {
    return this.segments.closing
  }

  /**
   * The segment the next fork goes into: the last one, or a new one whose finalizer this adds to the
   * Scope. Run it where it cannot be interrupted, so that segments and finalizers pair up.
   */
  segmentForNext(): Effect.Effect<Segment<M>> {
    return Effect.suspend(() => {
      const last = this.segments.last(this.count(this.scope))
      if (last !== undefined) return Effect.succeed(last)
      const segment = this.segments.open()
      return Effect.map(Scope.addFinalizerExit(this.scope, this.finalizer), () => {
        this.segments.opened(this.count(this.scope))
        return segment
      })
    })
  }

  /** Every repeater of the Scope that has not ended. */
  liveMembers(): Array<M> {
    return this.segments.liveMembers()
  }

  /** How many places its segments hold, empty ones included, and how many segments. */
  retained(): { readonly places: number; readonly segments: number } {
    return this.segments.retained()
  }
}
