/**
 * What an ended repeater leaves behind: nothing under its name, so that many
 * uniquely named repeaters that come and go keep the service's memory bounded.
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterNotFoundError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Scope, TestClock } from "effect"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { finalizerCount } from "../src/internal/scopeFinalizers.js"

setFlagsFromString("--expose-gc")
const collectGarbage: () => void = runInNewContext("gc")

describe("ended repeaters release their names", () => {
  it.scoped("a repeater that ended is no longer found by name, and its name can be used again", () =>
    Effect.gen(function*() {
      for (let i = 0; i < 100; i++) {
        yield* Repeater.fork(Effect.void, { name: `job-${i}`, every: "1 second", maxRepetitions: 1 })
      }
      assert.lengthOf(yield* Repeater.list, 100)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* Repeater.list, [])
      for (let i = 0; i < 100; i++) {
        const error = yield* Effect.flip(Repeater.get(`job-${i}`))
        assert.instanceOf(error, RepeaterNotFoundError)
      }
      const again = yield* Repeater.fork(Effect.void, { name: "job-0", every: "1 second", maxRepetitions: 1 })
      assert.strictEqual(again.name, "job-0")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("uniquely named repeaters past the metric series limit can all be collected once they ended", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const refs: Array<WeakRef<object>> = []
      for (let i = 0; i < 50; i++) {
        refs.push(
          yield* Repeater.fork(Effect.void, { name: `unique-${i}`, every: "1 second", maxRepetitions: 1 }).pipe(
            Scope.extend(scope),
            Effect.map((handle) => new WeakRef<object>(handle))
          )
        )
      }
      yield* TestClock.adjust("1 second")
      for (let i = 0; i < 10; i++) yield* Effect.yieldNow()
      collectGarbage()
      const alive = refs.filter((ref) => ref.deref() !== undefined).length
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(alive, 0)
    }).pipe(Effect.provide(Repeater.layerWith({ metricSeriesLimit: 5 }))))
})

describe("ended repeaters release their place in a Scope that stays open", () => {
  it.scoped("repeaters forked one after another share one finalizer of their Scope, which keeps nothing of those that ended", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const before = finalizerCount(scope)
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 200; i++) {
          yield* Repeater.fork(Effect.void, { name: `once-${round}-${i}`, every: "1 second", maxRepetitions: 1 }).pipe(
            Scope.extend(scope)
          )
        }
        assert.strictEqual(finalizerCount(scope), 1)
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(yield* Repeater.list, [])
      }
      assert.strictEqual(before, 0)
      // a resource acquired after them, then another repeater: it gets a finalizer of its own, after the resource's
      yield* Scope.addFinalizer(scope, Effect.void)
      yield* Repeater.fork(Effect.void, { name: "after", every: "1 second" }).pipe(Scope.extend(scope))
      assert.strictEqual(finalizerCount(scope), 3)
      yield* Scope.close(scope, Exit.void)
    }).pipe(Effect.provide(Repeater.layer)))
})
