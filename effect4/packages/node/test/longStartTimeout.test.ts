/**
 * A WorkerPool `startTimeout` longer than 2^31 - 1 ms (about 24.9 days): a thread's start is
 * timed on the real default Clock (starting a thread takes real time, whatever the program's
 * clock), on which Effect 3 treats such a sleep as infinite. Driven by vitest's fake timers.
 */
import { WorkerPool } from "@effect-repeater/node"
import { afterEach, assert, beforeEach, describe, it, vi } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Block, type Requests } from "./fixtures/requests.js"

const DAY = 24 * 60 * 60 * 1000

describe("WorkerPool: a startTimeout longer than a timer can hold", () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "effect-repeater-"))
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] })
  })
  afterEach(() => {
    vi.useRealTimers()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const days of [25, 30, 365]) {
    it(`${days} days: a thread that never serves fails the call ${days} days after it was started`, async () => {
      const call = Effect.runPromiseExit(
        Effect.scoped(
          Effect.flatMap(
            WorkerPool.make<Requests>({
              path: new URL("./fixtures/hangsAtLoad.mjs", import.meta.url),
              size: 1,
              startTimeout: `${days} days`,
              workerOptions: { env: { ...process.env, HEARTBEAT_DIR: dir } }
            }),
            (pool) => pool.execute(Block, { ms: 1 })
          )
        )
      )
      let ended = false
      void call.then(() => {
        ended = true
      })
      await vi.advanceTimersByTimeAsync(days * DAY - 60_000)
      assert.isFalse(ended, "the call ended before the start timeout")
      await vi.advanceTimersByTimeAsync(120_000)
      // the pool closes (its threads terminated) on the way out
      for (let i = 0; i < 100 && !ended; i++) await vi.advanceTimersByTimeAsync(100)
      const exit = await call
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
        assert.strictEqual(error?._tag, "WorkerStartError")
        assert.include(error?.message ?? "", `the thread did not serve requests within ${days}d`)
      }
    }, 60_000)
  }
})
