import { WorkerPool } from "@effect-repeater/node"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { Block, type Requests } from "./fixtures/requests.js"

const workerFile = new URL("./fixtures/worker.ts", import.meta.url)

/** Options as an untyped caller (JavaScript, JSON config) may give them. */
const untyped = <T>(value: unknown): T => value as T

describe("WorkerPool options", () => {
  it.effect("a misspelt option fails with a WorkerPoolConfigError naming the nearest known one", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        WorkerPool.make<Requests>(untyped({ path: workerFile, timout: "5 seconds" }))
      )
      assert.strictEqual(error._tag, "WorkerPoolConfigError")
      assert.strictEqual(error.field, "timout")
      assert.strictEqual(error.value, "5 seconds")
      assert.include(error.message, "did you mean \"timeout\"?")
    }).pipe(Effect.scoped))

  for (const options of [null, undefined, "worker.ts"]) {
    it.effect(`options ${String(options)} fail with a WorkerPoolConfigError`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(WorkerPool.make<Requests>(untyped(options)))
        assert.strictEqual(error._tag, "WorkerPoolConfigError")
        assert.strictEqual(error.field, "options")
        assert.strictEqual(error.value, options)
      }).pipe(Effect.scoped))
  }

  for (const field of ["timeout", "startTimeout"] as const) {
    it.effect(`${field} below 1 millisecond is refused however it is written`, () =>
      Effect.gen(function*() {
        for (const value of ["1 nanos", 1e-9, Duration.nanos(1n), 0.5]) {
          const error = yield* Effect.flip(WorkerPool.make<Requests>({ path: workerFile, [field]: value }))
          assert.strictEqual(error.field, field)
          assert.strictEqual(error.value, value)
        }
      }).pipe(Effect.scoped))
  }

  for (const field of ["timeout", "startTimeout"] as const) {
    it.effect(`${field} in a spelling Effect cannot read is refused with the spelling it can`, () =>
      Effect.gen(function*() {
        for (const value of ["5 secs", "5s", "5 Seconds"]) {
          const error = yield* Effect.flip(WorkerPool.make<Requests>({ path: workerFile, [field]: untyped(value) }))
          assert.strictEqual(error.field, field)
          assert.strictEqual(error.value, value)
          assert.include(error.message, "try \"5 seconds\"")
        }
      }).pipe(Effect.scoped))

    it.effect(`${field} below zero is refused as not valid however it is written`, () =>
      Effect.gen(function*() {
        for (const value of [-5, "-5 seconds", [-1, 0], { seconds: -5 }]) {
          const error = yield* Effect.flip(WorkerPool.make<Requests>({ path: workerFile, [field]: untyped(value) }))
          assert.strictEqual(error.field, field)
          assert.strictEqual(error.value, value)
          assert.include(error.message, "is not a valid duration: it must be finite and greater than zero")
        }
      }).pipe(Effect.scoped))
  }

  it.live(
    "a call's options are checked too: a misspelt key, null, a timeout below 1 millisecond",
    () =>
      Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({ path: workerFile })
        const misspelt = yield* Effect.flip(
          pool.execute(Block, { ms: 1 }, untyped<WorkerPool.CallOptions>({ timeuot: "1 second" }))
        )
        assert.strictEqual(misspelt._tag, "WorkerPoolConfigError")
        if (misspelt._tag === "WorkerPoolConfigError") assert.include(misspelt.reason, "did you mean \"timeout\"?")
        const nulled = yield* Effect.flip(pool.execute(Block, { ms: 1 }, untyped<WorkerPool.CallOptions>(null)))
        assert.strictEqual(nulled._tag, "WorkerPoolConfigError")
        const short = yield* Effect.flip(pool.execute(Block, { ms: 1 }, { timeout: "1 nanos" }))
        assert.strictEqual(short._tag, "WorkerPoolConfigError")
        assert.deepStrictEqual(yield* pool.threadIds, [], "no thread started for refused calls")
      }).pipe(Effect.scoped),
    60_000
  )
})
