import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"

/**
 * What a repeater belongs to in its Scope: the Scope's slots (a repeater of
 * `fork`) or a batch (a repeater of `forkAll`). It leaves when it ends.
 *
 * @internal
 */
export interface ScopeMembership<M> {
  /** The member at `index` has ended: it is let go of (if it is still the one there). */
  leave(index: number, member: M): void
}

/**
 * The repeaters of one `forkAll`: one finalizer and one slot of its Scope for
 * all of them.
 *
 * @internal
 */
export class Batch<M> implements ScopeMembership<M> {
  readonly members: Array<M | undefined>
  /** Members that have not ended. */
  live = 0

  constructor(
    private readonly slots: ScopeSlots<M>,
    private readonly slot: number,
    size: number
  ) {
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
    if (--this.live === 0) this.slots.leave(this.slot, this)
  }

  liveMembers(into: Array<M>): void {
    for (const member of this.members) if (member !== undefined) into.push(member)
  }
}

/**
 * What one service keeps of one Scope its repeaters were forked in: a slot per
 * finalizer it added to the Scope, in the order they were added, each holding
 * a repeater (`fork`) or a batch (`forkAll`), or nothing once they ended.
 *
 * Every finalizer it adds is the same function: a Scope runs its finalizers
 * in reverse order, so its n-th call is for the n-th slot from the end, the
 * one it takes off. A fork costs the Scope an entry (its key and this shared
 * function) and a slot here, no closure of its own; an ended repeater leaves
 * its slot empty. Repeaters forked between two resources of the Scope are
 * still stopped between their releases.
 *
 * @internal
 */
export class ScopeSlots<M> implements ScopeMembership<M | Batch<M>> {
  private readonly slots: Array<M | Batch<M> | undefined> = []
  /** The Scope is closing (or closed): its first finalizer of ours has run. Never undone. */
  closing = false
  readonly finalizer: (exit: Exit.Exit<unknown, unknown>) => Effect.Effect<void>

  constructor(
    readonly scope: Scope.Scope,
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
        const entry = this.slots.pop()
        return entry === undefined ? Effect.void : stop(entry)
      })
  }

  /**
   * Takes the next slot, for the finalizer added right after it (in the same step, so that slots and
   * finalizers pair up).
   */
  reserve(): number {
    this.slots.push(undefined)
    return this.slots.length - 1
  }

  /** Puts a repeater or a batch in the slot it reserved (not once the Scope is closing: it is stopped then). */
  fill(index: number, entry: M | Batch<M>): void {
    if (!this.closing && index < this.slots.length && this.slots[index] === undefined) this.slots[index] = entry
  }

  leave(index: number, entry: M | Batch<M>): void {
    if (this.slots[index] === entry) this.slots[index] = undefined
  }

  /** Every repeater of the Scope that has not ended. */
  liveMembers(): Array<M> {
    const members: Array<M> = []
    for (const entry of this.slots) {
      if (entry === undefined) continue
      if (entry instanceof Batch) entry.liveMembers(members)
      else members.push(entry)
    }
    return members
  }
}
