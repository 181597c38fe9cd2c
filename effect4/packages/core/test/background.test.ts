import { Repeater } from "@effect-repeater/core"
import { RepeaterNotFoundError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Context, Effect, Exit, Fiber, Layer, Option, Scope } from "effect"
import { TestClock } from "effect/testing"
import { assertPending } from "./support/stopTiming.js"
import { mark, now } from "./support/time.js"

describe("Repeater.background", () => {
  it.effect("runs while the layer lives and stops gracefully when it is released", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.andThen(mark(log, "start"), Effect.andThen(Effect.sleep("2 seconds"), mark(log, "end")))
      const layer = Repeater.background(task, { name: "bg", every: "10 seconds" })
      const scope = yield* Scope.make()
      yield* Layer.buildWithScope(layer, scope)
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(log, ["start@0", "end@2000", "start@12000", "end@14000", "start@24000"])
      const handle = yield* Repeater.get("bg")
      assert.strictEqual((yield* handle.status).state, "running")

      const release = yield* Effect.forkChild(Effect.andThen(Scope.close(scope, Exit.void), mark(log, "released")))
      yield* TestClock.adjust("999 millis")
      yield* assertPending(release)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(release)
      assert.deepStrictEqual(log, [
        "start@0",
        "end@2000",
        "start@12000",
        "end@14000",
        "start@24000",
        "end@26000",
        "released@26000"
      ])
      assert.strictEqual((yield* handle.status).state, "stopped")
      assert.deepStrictEqual(yield* Repeater.list, [])
      const notFound = yield* Effect.flip(Repeater.get("bg"))
      assert.instanceOf(notFound, RepeaterNotFoundError)

      yield* TestClock.adjust("1 minute")
      assert.strictEqual(log.length, 7)
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("Repeater.background in a Layer graph", () => {
  it.effect("Repeater.background in a Layer graph: runs with its dependency while built, stopped when its Scope closes", () =>
    Effect.gen(function*() {
      class Counter extends Context.Service<Counter, { readonly hits: Array<number> }>()("test/Counter") {}
      const CounterLive = Layer.sync(Counter, () => ({ hits: [] }))
      const Job = Repeater.background(
        Counter.use((counter) => Effect.flatMap(now, (t) => Effect.sync(() => void counter.hits.push(t)))),
        { name: "bg-job", every: "5 seconds" }
      )
      const App = Job.pipe(Layer.provideMerge(CounterLive), Layer.provideMerge(Repeater.layer))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(App, scope)
      yield* TestClock.adjust("12 seconds")
      const counter = Context.get(context, Counter)
      assert.deepStrictEqual(counter.hits, [0, 5_000, 10_000])
      const handle = yield* Repeater.get("bg-job").pipe(Effect.provide(context))
      assert.strictEqual((yield* handle.status).state, "scheduled")
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual((yield* handle.status).state, "stopped")
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(counter.hits, [0, 5_000, 10_000])
    }))

  it.effect("Repeater.background with a taken name fails the Layer with a RepeaterConfigError", () =>
    Effect.gen(function*() {
      const A = Repeater.background(Effect.void, { name: "bg-dup", every: "5 seconds" })
      const B = Repeater.background(Effect.void, { name: "bg-dup", every: "7 seconds" })
      const exit = yield* Effect.exit(
        Layer.build(Layer.mergeAll(A, B).pipe(Layer.provide(Repeater.layer)))
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const failure = Cause.findErrorOption(exit.cause)
        assert.isTrue(Option.isSome(failure) && failure.value._tag === "RepeaterConfigError")
        assert.isTrue(Option.isSome(failure) && failure.value.field === "name")
      }
    }))
})
