import * as ScopeSegments from "@effect-repeater/kernel/ScopeSegments"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

class Member {
  scopeIndex = -1
  constructor(readonly name: string) {}
}

describe("ScopeSegments", () => {
  it("forks in a row join the last segment while the Scope's count of finalizers is unchanged", () => {
    const segments = new ScopeSegments.Segments<Member>()
    expect(segments.last(0)).toBeUndefined()
    const first = segments.open()
    segments.opened(1)
    expect(segments.last(1)).toBe(first)
    // something else was added to the Scope: the next fork opens a segment of its own
    expect(segments.last(2)).toBeUndefined()
    // a Scope whose count cannot be read: a segment per fork
    expect(segments.last(undefined)).toBeUndefined()
  })

  it("closing: the first finalizer call is told so, and each call takes the last segment, the last added first", () => {
    const segments = new ScopeSegments.Segments<Member>()
    const [a, b, c] = [new Member("a"), new Member("b"), new Member("c")]
    const first = segments.open()
    first.add(a)
    first.add(b)
    const second = segments.open()
    second.add(c)
    expect(segments.beginClosing()).toBe(true)
    // every member is still held when the Scope begins closing
    expect(segments.liveMembers()).toEqual([a, b, c])
    expect(segments.takeLast()).toEqual([c])
    // closing: nothing more is taken in
    expect(first.add(new Member("late"))).toBe(false)
    expect(segments.beginClosing()).toBe(false)
    expect(segments.takeLast()).toEqual([b, a])
    expect(segments.takeLast()).toEqual([])
  })

  it("a batch leaves its segment when the last of its members ends", () => {
    const segments = new ScopeSegments.Segments<Member>()
    const segment = segments.open()
    const batch = new ScopeSegments.Batch<Member>(2)
    const [a, b] = [new Member("a"), new Member("b")]
    batch.add(0, a)
    batch.add(1, b)
    segment.add(batch)
    batch.owner = segment
    batch.leave(0, a)
    expect(segments.liveMembers()).toEqual([b])
    batch.leave(1, b)
    expect(segments.retained()).toEqual({ places: 0, segments: 1 })
  })

  it("members that end in any order: what is held is what has not ended, in order, and half-empty segments compact", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { maxLength: 600 }), (size, picks) => {
        const segments = new ScopeSegments.Segments<Member>()
        const segment = segments.open()
        const members = Array.from({ length: size }, (_, i) => new Member(`m${i}`))
        for (const member of members) segment.add(member)
        const ended = new Set<Member>()
        for (const pick of picks) {
          const member = members[pick % size]!
          // a member leaves once; a second leave (a stale index) is ignored
          segment.leave(member.scopeIndex, member)
          ended.add(member)
          const live = members.filter((m) => !ended.has(m))
          expect(segments.liveMembers()).toEqual(live)
          // places held: never more than twice the live ones beyond the compaction floor
          expect(segments.retained().places).toBeLessThanOrEqual(Math.max(2 * live.length + 1, live.length + 16))
          if (live.length === 0) expect(segments.retained().places).toBe(0)
        }
      })
    )
  })
})
