import type { Membership, Placed } from "../ScopeSegments.js"

/** Below this many empty places a segment does not compact. */
const compactionFloor = 16

export class Batch<M extends Placed> implements Membership<M>, Placed {
  readonly members: Array<M | undefined>
  live = 0
  scopeIndex = -1
  owner: Membership<M | Batch<M>> | undefined = undefined

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

export class Segment<M extends Placed> implements Membership<M | Batch<M>> {
  private entries: Array<M | Batch<M> | undefined> = []
  private empty = 0

  constructor(private readonly segments: Segments<M>) {}

  add(entry: M | Batch<M>): boolean {
    if (this.segments.closing) return false
    entry.scopeIndex = this.entries.length
    this.entries.push(entry)
    return true
  }

  leave(index: number, entry: M | Batch<M>): void {
    if (this.entries[index] !== entry) return
    this.entries[index] = undefined
    this.empty++
    // not while the Scope is closing: its finalizers are taking the segments apart
    if (this.segments.closing) return
    if (this.empty === this.entries.length) {
      this.entries = []
      this.empty = 0
    } else if (this.empty >= compactionFloor && this.empty * 2 >= this.entries.length) this.compact()
  }

  get size(): number {
    return this.entries.length
  }

  live(): Array<M | Batch<M>> {
    const live: Array<M | Batch<M>> = []
    for (const entry of this.entries) if (entry !== undefined) live.push(entry)
    return live
  }

  private compact(): void {
    const live = this.live()
    for (let i = 0; i < live.length; i++) live[i]!.scopeIndex = i
    this.entries = live
    this.empty = 0
  }
}

export class Segments<M extends Placed> {
  private readonly segments: Array<Segment<M>> = []
  private countAtLast: number | undefined = undefined
  closing = false

  last(count: number | undefined): Segment<M> | undefined {
    const last = this.segments.length === 0 ? undefined : this.segments[this.segments.length - 1]
    return last !== undefined && count !== undefined && count === this.countAtLast ? last : undefined
  }

  open(): Segment<M> {
    const segment = new Segment<M>(this)
    this.segments.push(segment)
    return segment
  }

  opened(count: number | undefined): void {
    this.countAtLast = count
  }

  beginClosing(): boolean {
    if (this.closing) return false
    this.closing = true
    return true
  }

  takeLast(): Array<M | Batch<M>> {
    const segment = this.segments.pop()
    return segment === undefined ? [] : segment.live().reverse()
  }

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

  retained(): { readonly places: number; readonly segments: number } {
    let places = 0
    for (const segment of this.segments) places += segment.size
    return { places, segments: this.segments.length }
  }
}
