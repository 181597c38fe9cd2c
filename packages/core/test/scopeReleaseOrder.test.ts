/**
 * Repeaters forked one after another share a finalizer of their Scope, and one
 * forked after a resource gets a finalizer of its own: the release order still
 * holds when some of them have ended on their own.
 */
import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, ExecutionStrategy, Exit, Fiber, Scope, TestClock } from "effect"

describe("the Scope's release order with forked repeaters", () => {
  it.scoped("a repeater forked between two resources is stopped between their releases, though others ended", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const scope = yield* Scope.make()
      const running = Effect.map(Repeater.list, (list) => list.map((status) => status.name).join(","))
      const resource = (name: string) =>
        Effect.acquireRelease(
          Effect.void,
          () => Effect.flatMap(running, (names) => Effect.sync(() => log.push(`release ${name} [${names}]`)))
        ).pipe(
          Scope.extend(scope)
        )
      const fork = (name: string, maxRepetitions?: number) =>
        Repeater.fork(Effect.void, {
          name,
          every: "1 second",
          ...(maxRepetitions === undefined ? {} : { maxRepetitions })
        }).pipe(Scope.extend(scope))
      yield* fork("a")
      yield* fork("ends-1", 1)
      yield* resource("R1")
      yield* fork("b")
      yield* fork("ends-2", 1)
      yield* fork("ends-3", 1)
      yield* resource("R2")
      yield* fork("c")
      yield* fork("ends-4", 1)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* running, "a,b,c")
      yield* Scope.close(scope, Exit.void)
      // the first finalizer stops every idle repeater of the Scope at once
      assert.deepStrictEqual(log, ["release R2 []", "release R1 []"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("busy repeaters: each is stopped, with its grace, at its own place between the resources", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const scope = yield* Scope.make()
      const resource = (name: string) =>
        Effect.acquireRelease(Effect.void, () => Effect.sync(() => log.push(`release ${name}`))).pipe(
          Scope.extend(scope)
        )
      const busy = (name: string) =>
        Repeater.fork(
          Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => log.push(`${name} interrupted`)))),
          { name, every: "1 second", grace: "1 second" }
        ).pipe(Scope.extend(scope))
      yield* busy("a")
      yield* Repeater.fork(Effect.void, { name: "ends", every: "1 second", maxRepetitions: 1 }).pipe(
        Scope.extend(scope)
      )
      yield* resource("R1")
      yield* busy("b")
      yield* Repeater.fork(Effect.void, { name: "ends-too", every: "1 second", maxRepetitions: 1 }).pipe(
        Scope.extend(scope)
      )
      yield* resource("R2")
      yield* TestClock.adjust("1 second")
      const closing = yield* Effect.fork(Scope.close(scope, Exit.void))
      yield* TestClock.adjust("1 second")
      yield* TestClock.adjust("1 second")
      yield* closing
      assert.deepStrictEqual(log, ["release R2", "b interrupted", "release R1", "a interrupted"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("busy repeaters forked in a row: stopped one after the other in a sequential Scope, at once in a parallel one", () =>
    Effect.gen(function*() {
      const closeBusyPair = (scope: Scope.CloseableScope) =>
        Effect.gen(function*() {
          const log: Array<string> = []
          for (const name of ["a", "b"]) {
            yield* Repeater.fork(
              Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => log.push(`${name} interrupted`)))),
              { name, every: "1 second", grace: "1 second" }
            ).pipe(Scope.extend(scope))
          }
          yield* TestClock.adjust("1 second")
          const closing = yield* Effect.fork(Scope.close(scope, Exit.void))
          yield* TestClock.adjust("1 second")
          const afterOneGrace = [...log].sort()
          yield* TestClock.adjust("1 second")
          yield* Fiber.join(closing)
          return { afterOneGrace, all: log }
        })
      const sequential = yield* closeBusyPair(yield* Scope.make())
      assert.deepStrictEqual(sequential, { afterOneGrace: ["b interrupted"], all: ["b interrupted", "a interrupted"] })
      const parallel = yield* closeBusyPair(yield* Scope.make(ExecutionStrategy.parallel))
      assert.deepStrictEqual(parallel.afterOneGrace, ["a interrupted", "b interrupted"])
    }).pipe(Effect.provide(Repeater.layer)))
})
