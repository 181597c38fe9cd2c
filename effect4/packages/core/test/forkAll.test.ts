/**
 * `Repeater.forkAll`: many repeaters in one call, all or none, stopped together
 * at their place in the Scope's release order.
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { type Duration, Effect, Exit, Fiber, Scope } from "effect"
import { TestClock } from "effect/testing"

const entry = (
  log: Array<string>,
  name: string,
  every: Duration.Input = "1 second"
): readonly [Effect.Effect<void>, Repeater.RepeaterOptions] => [Effect.sync(() => void log.push(name)), { name, every }]

describe("Repeater.forkAll", () => {
  it.effect("starts every repeater, returns their handles in order, and each runs as one of fork", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handles = yield* Repeater.forkAll([entry(log, "a"), entry(log, "b", "2 seconds"), entry(log, "c")])
      assert.deepStrictEqual(handles.map((handle) => handle.name), ["a", "b", "c"])
      yield* TestClock.adjust("2 seconds")
      // at 2 s, b was queued before the second runs of a and c
      assert.deepStrictEqual(log, ["a", "b", "c", "a", "c", "b", "a", "c"])
      assert.strictEqual(yield* handles[1]!.stop(), "idle")
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name).sort(), ["a", "c"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("one invalid option fails the call with its error, naming the repeater and field; none is started", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const error = yield* Effect.flip(
        Repeater.forkAll([entry(log, "a"), [Effect.void, { name: "b", every: "-1 seconds" }], entry(log, "c")])
      )
      assert.instanceOf(error, RepeaterConfigError)
      assert.strictEqual(error.repeater, "b")
      assert.strictEqual(error.field, "every")
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a name given twice, or taken by a running repeater, fails the call and starts none", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const twice = yield* Effect.flip(Repeater.forkAll([entry(log, "a"), entry(log, "b"), entry(log, "a")]))
      assert.strictEqual(twice.field, "name")
      assert.strictEqual(twice.value, "a")
      assert.deepStrictEqual(yield* Repeater.list, [])
      yield* Repeater.fork(Effect.void, { name: "taken", every: "1 second" })
      const taken = yield* Effect.flip(Repeater.forkAll([entry(log, "x"), entry(log, "taken")]))
      assert.strictEqual(taken.value, "taken")
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["taken"])
      // the names of a failed call are free
      assert.lengthOf(yield* Repeater.forkAll([entry(log, "a"), entry(log, "x")]), 2)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("the batch is stopped at its place in the Scope's release order, its busy members with their grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const scope = yield* Scope.make()
      const resource = (name: string) =>
        Effect.acquireRelease(
          Effect.void,
          () =>
            Effect.flatMap(Repeater.list, (list) =>
              Effect.sync(() => log.push(`release ${name}: ${list.length} running`)))
        ).pipe(Scope.provide(scope))
      yield* resource("first")
      yield* Repeater.forkAll([
        [Effect.sleep("10 seconds").pipe(Effect.onInterrupt(() => Effect.sync(() => log.push("busy interrupted")))), {
          name: "busy",
          every: "1 second",
          grace: "3 seconds"
        }],
        [Effect.void, { name: "idle", every: "1 hour" }]
      ]).pipe(Scope.provide(scope))
      yield* resource("last")
      yield* TestClock.adjust("1 second")
      const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(log, ["release last: 2 running"])
      // the idle one stopped at once, the busy one has its grace
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["busy"])
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(closing)
      assert.deepStrictEqual(log, ["release last: 2 running", "busy interrupted", "release first: 0 running"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("forked into a closed Scope, the repeaters are stopped at once", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const scope = yield* Scope.make()
      yield* Scope.close(scope, Exit.void)
      const handles = yield* Repeater.forkAll([entry(log, "a"), entry(log, "b")]).pipe(Scope.provide(scope))
      const states = yield* Effect.forEach(handles, (handle) => Effect.map(handle.status, (status) => status.state))
      assert.deepStrictEqual(states, ["stopped", "stopped"])
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(log, [])
    }).pipe(Effect.provide(Repeater.layer)))
})
