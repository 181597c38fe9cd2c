/**
 * What the service keeps of a Scope its repeaters were forked in: segments of
 * places, one finalizer of the Scope each, places let go of when their
 * repeaters end.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { finalizerCount } from "../src/internal/scopeFinalizers.js"
import { Batch, type Placed, ScopeSlots } from "../src/internal/scopeSlots.js"

class Member implements Placed {
  scopeIndex = -1
  constructor(readonly name: string) {}
}

const slotsFor = (scope: Scope.Scope, stopped: Array<string>) =>
  new ScopeSlots<Member>(
    scope,
    finalizerCount,
    1,
    () => {},
    (entry) =>
      Effect.sync(() => {
        const names = entry instanceof Batch ? entry.members.map((member) => member?.name ?? "-") : [entry.name]
        stopped.push(...names)
      })
  )

describe("ScopeSlots", () => {
  it.effect("members added one after another share one segment and one finalizer of the Scope", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const slots = slotsFor(scope, [])
      for (let i = 0; i < 50; i++) {
        const segment = yield* slots.segmentForNext()
        assert.isTrue(segment.add(new Member(`m${i}`)))
      }
      assert.strictEqual(finalizerCount(scope), 1)
      assert.deepStrictEqual(slots.retained(), { places: 50, segments: 1 })
      yield* Scope.close(scope, Exit.void)
    }))

  it.effect("a finalizer added to the Scope in between starts a new segment, stopped at its own place", () =>
    Effect.gen(function*() {
      const stopped: Array<string> = []
      const scope = yield* Scope.make()
      const slots = slotsFor(scope, stopped)
      const add = (name: string) => Effect.map(slots.segmentForNext(), (segment) => segment.add(new Member(name)))
      yield* add("a")
      yield* add("b")
      yield* Scope.addFinalizer(scope, Effect.sync(() => stopped.push("resource")))
      yield* add("c")
      yield* add("d")
      assert.strictEqual(finalizerCount(scope), 3)
      assert.deepStrictEqual(slots.retained(), { places: 4, segments: 2 })
      yield* Scope.close(scope, Exit.void)
      // the last added first, as with a finalizer each
      assert.deepStrictEqual(stopped, ["d", "c", "resource", "b", "a"])
    }))

  it.effect("members that ended leave no place behind, and those left are stopped in the order they were added", () =>
    Effect.gen(function*() {
      const stopped: Array<string> = []
      const scope = yield* Scope.make()
      const slots = slotsFor(scope, stopped)
      const segment = yield* slots.segmentForNext()
      const members = Array.from({ length: 1000 }, (_, i) => new Member(`m${i}`))
      for (const member of members) segment.add(member)
      // all but every 100th end, in no particular order of places
      for (let i = 999; i >= 0; i -= 2) if (i % 100 !== 0) segment.leave(members[i].scopeIndex, members[i])
      for (let i = 0; i < 1000; i += 2) if (i % 100 !== 0) segment.leave(members[i].scopeIndex, members[i])
      assert.isAtMost(slots.retained().places, 2 * 10 + 16)
      // a member that already left, or at a place that is not its own, changes nothing
      segment.leave(members[1].scopeIndex, members[1])
      segment.leave(members[0].scopeIndex, members[100])
      assert.deepStrictEqual(
        slots.liveMembers().map((member) => member.name),
        Array.from({ length: 10 }, (_, i) => `m${i * 100}`)
      )
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(stopped, Array.from({ length: 10 }, (_, i) => `m${(9 - i) * 100}`))
    }))

  it.effect("a segment whose members all ended holds nothing, and the Scope keeps its one finalizer", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const slots = slotsFor(scope, [])
      const members: Array<Member> = []
      for (let i = 0; i < 300; i++) {
        const member = new Member(`m${i}`)
        ;(yield* slots.segmentForNext()).add(member)
        members.push(member)
      }
      const segment = yield* slots.segmentForNext()
      for (const member of members) segment.leave(member.scopeIndex, member)
      assert.deepStrictEqual(slots.retained(), { places: 0, segments: 1 })
      assert.deepStrictEqual(slots.liveMembers(), [])
      assert.strictEqual(finalizerCount(scope), 1)
      yield* Scope.close(scope, Exit.void)
    }))

  it.effect("a batch that ended leaves its segment", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const slots = slotsFor(scope, [])
      const segment = yield* slots.segmentForNext()
      const batch = new Batch<Member>(2)
      const members = [new Member("x"), new Member("y")]
      members.forEach((member, i) => {
        batch.add(i, member)
        member.scopeIndex = i
      })
      segment.add(batch)
      batch.owner = segment
      assert.deepStrictEqual(slots.liveMembers().map((member) => member.name), ["x", "y"])
      for (const member of members) batch.leave(member.scopeIndex, member)
      assert.deepStrictEqual(slots.retained(), { places: 0, segments: 1 })
      yield* Scope.close(scope, Exit.void)
    }))

  it.effect("once the Scope is closing, a segment takes nothing in", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const slots = slotsFor(scope, [])
      const segment = yield* slots.segmentForNext()
      yield* Scope.close(scope, Exit.void)
      assert.isTrue(slots.closing)
      assert.isFalse(segment.add(new Member("late")))
      // a Scope that is closed takes no finalizer: the next segment's finalizer runs at once
      const next = yield* slots.segmentForNext()
      assert.isFalse(next.add(new Member("later")))
    }))
})
