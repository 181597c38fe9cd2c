import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"

/**
 * What a repeater belongs to in its Scope: a segment of the Scope's slots (a
 * repeater of `fork`) or a batch (a repeater of `forkAll`). It leaves when it
 * ends.
 *
 * @internal
 */
export interface ScopeMembership<M> {
  /** The member at `index` has ended: it is let go of (if it is still the one there). */
  leave(index: number, member: M): void
}

/**
 * What a segment holds: it knows its place there, which the segment updates
 * when it compacts.
 *
 * @internal
 */
export interface Placed {
  scopeIndex: number
}

/**
 * The repeaters of one `forkAll`: one slot of a segment for all of them.
 *
 * @internal
 */
export class Batch<M extends Placed> implements ScopeMembership<M>, Placed {
  readonly members: Array<M | undefined>
  /** Members that have not ended. */
  live = 0
  /** Its place in its segment. */
  scopeIndex = -1
  /** The segment that holds it. */
  owner: ScopeMembership<M | Batch<M>> | undefined = undefined

  constructor(size: number) {
    this.members = new Array<M | undefined>(size)
  }

  add(index: number, member: M): void {
    this.members[index] = member
    this.live++
  }

  leave(index: number, member: M): void {
    if (this.members[index] !== member) return
    this.members[index] = undefined
    // once all have ended, the batch itself is let go of
    if (--this.live === 0 && this.owner !== undefined) this.owner.leave(this.scopeIndex, this)
  }

  liveMembers(into: Array<M>): void {
    for (const member of this.members) if (member !== undefined) into.push(member)
  }
}

/** Below this many empty places a segment does not compact. */
const compactionFloor = 16

/**
 * The repeaters (and batches) of one finalizer of ours in a Scope: those forked
 * one after another while nothing else added a finalizer to that Scope. An
 * ended one leaves its place empty; once at least half of the places (and 16)
 * are empty, the segment keeps only the others, which learn their new places
 * (each place is copied once per halving, so the work is amortised over the
 * leaves); a segment whose repeaters all ended holds nothing.
 *
 * @internal
 */
export class Segment<M extends Placed> implements ScopeMembership<M | Batch<M>> {
  private entries: Array<M | Batch<M> | undefined> = []
  private empty = 0

  constructor(private readonly slots: ScopeSlots<M>) {}

  /** Takes `entry` in (not once the Scope is closing: it is stopped then); false when it was not. */
  add(entry: M | Batch<M>): boolean {
    if (this.slots.closing) return false
    entry.scopeIndex = this.entries.length
    this.entries.push(entry)
    return true
  }

  leave(index: number, entry: M | Batch<M>): void {
    if (this.entries[index] !== entry) return
    this.entries[index] = undefined
    this.empty++
    // not while the Scope is closing: its finalizers are taking the segments apart
    if (this.slots.closing) return
    if (this.empty === this.entries.length) {
      this.entries = []
      this.empty = 0
    } else if (this.empty >= compactionFloor && this.empty * 2 >= this.entries.length) this.compact()
  }

  /** The places it holds, empty ones included. */
  get size(): number {
    return this.entries.length
  }

  /** What it holds that has not ended, in the order they were added. */
  live(): Array<M | Batch<M>> {
    const live: Array<M | Batch<M>> = []
    for (const entry of this.entries) if (entry !== undefined) live.push(entry)
    return live
  }

  private compact(): void {
    const live = this.live()
    for (let i = 0; i < live.length; i++) live[i].scopeIndex = i
    this.entries = live
    this.empty = 0
  }
}

/**
 * What one service keeps of one Scope its repeaters were forked in: a segment
 * per finalizer it added to that Scope, in the order they were added.
 *
 * A fork joins the last segment when the Scope holds as many finalizers as
 * when that segment's finalizer was added (then nothing was added after it;
 * see `count` for when this cannot be known, and note that a finalizer added
 * while another one of the Scope was removed, such as a forked fiber's that
 * ended, keeps the count and goes unseen), otherwise it adds a finalizer and
 * a new segment: repeaters forked between two resources of the Scope are
 * still stopped between their releases, and repeaters forked one after
 * another cost the Scope one finalizer for all of them. Every finalizer it
 * adds is the same function: a Scope runs its finalizers in reverse order, so
 * its n-th call is for the n-th segment from the end, the one it takes off,
 * and stops what it holds as a finalizer each would: the last forked first,
 * one after the other, or at once in a Scope that runs its finalizers so.
 * An ended repeater leaves its segment, so that repeaters that come and go
 * in a Scope that stays open leave nothing behind.
 *
 * @internal
 */
export class ScopeSlots<M extends Placed> {
  private readonly segments: Array<Segment<M>> = []
  /** The Scope's number of finalizers when the last segment was added or joined. */
  private countAtLast: number | undefined = undefined
  /** The Scope is closing (or closed): its first finalizer of ours has run. Never undone. */
  closing = false
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
        if (!this.closing) {
          this.closing = true
          onClosing(this)
        }
        const segment = this.segments.pop()
        if (segment === undefined) return Effect.void
        const live = segment.live()
        if (live.length === 0) return Effect.void
        if (live.length === 1) return stop(live[0])
        return Effect.forEach(live.reverse(), stop, { discard: true, concurrency })
      })
  }

  /**
   * The segment the next fork goes into: the last one, or a new one whose finalizer this adds to the
   * Scope. Run it where it cannot be interrupted, so that segments and finalizers pair up.
   */
  segmentForNext(): Effect.Effect<Segment<M>> {
    return Effect.suspend(() => {
      const last = this.segments.length === 0 ? undefined : this.segments[this.segments.length - 1]
      const count = this.count(this.scope)
      if (last !== undefined && count !== undefined && count === this.countAtLast) return Effect.succeed(last)
      const segment = new Segment<M>(this)
      this.segments.push(segment)
      return Effect.map(Scope.addFinalizerExit(this.scope, this.finalizer), () => {
        this.countAtLast = this.count(this.scope)
        return segment
      })
    })
  }

  /** Every repeater of the Scope that has not ended. */
  liveMembers(): Array<M> {
    const members: Array<M> = []
    for (const segment of this.segments) {
      for (const entry of segment.live()) {
        if (entry instanceof Batch) entry.liveMembers(members)
        else members.push(entry)
      }
    }
    return members
  }

  /** How many places its segments hold, empty ones included, and how many segments. */
  retained(): { readonly places: number; readonly segments: number } {
    let places = 0
    for (const segment of this.segments) places += segment.size
    return { places, segments: this.segments.length }
  }
}
