/**
 * A WorkerPool `timeout` longer than 2^31 - 1 ms (about 24.9 days): a single
 * JavaScript timer cannot hold it (it fires at once). These tests run on
 * TestClock: the timeout ends the call at its due time, not before and not never.
 */
import { WorkerPool } from "@effect-repeater/node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import { type Requests, Spin } from "./fixtures/requests.js"

const workerFile = new URL("./fixtures/worker.ts", import.meta.url)
const DAY = 86_400_000

const realSleep = (ms: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

describe("WorkerPool: a timeout longer than a timer can hold", () => {
  for (const days of [25, 30, 365]) {
    for (const where of ["pool", "call"] as const) {
      it.effect(
        `a ${where} timeout of ${days} days ends the call ${days} days after the thread has it`,
        () =>
          Effect.gen(function*() {
            const timeout = `${days} days` as const
            const pool = yield* WorkerPool.make<Requests>({
              path: workerFile,
              size: 1,
              ...(where === "pool" ? { timeout } : {})
            })
            const counter = new SharedArrayBuffer(4)
            const call = yield* Effect.forkChild(
              pool.execute(Spin, { counter }, where === "call" ? { timeout } : undefined)
            )
            // the timeout counts from the moment the thread has the request: wait (real time) until it spins
            const deadline = Date.now() + 30_000
            while (Atomics.load(new Int32Array(counter), 0) === 0) {
              if (Date.now() > deadline) return yield* Effect.die(new Error("the thread never ran the request"))
              yield* realSleep(20)
            }
            yield* TestClock.adjust(days * DAY - 60_000)
            assert.isTrue(call.pollUnsafe() === undefined, "the call ended before its timeout")
            yield* TestClock.adjust(120_000)
            const error = yield* Effect.flip(Fiber.join(call))
            assert.strictEqual(error._tag, "WorkerTimeoutError")
          }),
        60_000
      )
    }
  }
})
