import { WorkerPool } from "@effect-repeater/node"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Block, type Requests } from "./fixtures/requests.js"

const workerFile = new URL("./fixtures/worker.ts", import.meta.url)

/** Real time, whatever the clock of the test: threads run in real time. */
const realSleep = (ms: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

const timeouts = 60_000

describe("WorkerPool size", () => {
  for (const size of [1e6, 257, 2 ** 31]) {
    it.effect(`size ${size} fails with a WorkerPoolConfigError naming size, before any thread starts`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(WorkerPool.make<Requests>({ path: workerFile, size }))
        assert.strictEqual(error._tag, "WorkerPoolConfigError")
        assert.strictEqual(error.field, "size")
        assert.strictEqual(error.value, size)
        assert.include(error.reason, "at most 256 threads")
      }).pipe(Effect.scoped))
  }

  it.live(
    "a pool of size N starts no thread until it is used, then only as many as the calls in flight need",
    () =>
      Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 8 })
        assert.strictEqual(pool.size, 8)
        yield* realSleep(1000)
        assert.deepStrictEqual(yield* pool.threadIds, [], "a thread started before any call")
        // calls one after the other need one thread
        const sequential = yield* Effect.forEach([1, 2, 3], () => pool.execute(Block, { ms: 5 }))
        assert.strictEqual(new Set(sequential.map((_) => _.threadId)).size, 1)
        assert.strictEqual((yield* pool.threadIds).length, 1)
        // two calls at once need two threads at most
        const concurrent = yield* Effect.forEach([1, 2], () => pool.execute(Block, { ms: 300 }), {
          concurrency: "unbounded"
        })
        assert.isAtMost(new Set(concurrent.map((_) => _.threadId)).size, 2)
        assert.isAtMost((yield* pool.threadIds).length, 2)
      }).pipe(Effect.scoped),
    timeouts
  )

  it.live("the largest size is accepted and starts nothing by itself", () =>
    Effect.gen(function*() {
      const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 256 })
      yield* realSleep(500)
      assert.deepStrictEqual(yield* pool.threadIds, [])
      const served = yield* pool.execute(Block, { ms: 1 })
      assert.deepStrictEqual(yield* pool.threadIds, [served.threadId])
    }).pipe(Effect.scoped), timeouts)
})
