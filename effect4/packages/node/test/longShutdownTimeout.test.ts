import { NodeRepeater } from "@effect-repeater/node"
import { afterEach, assert, beforeEach, describe, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"

const DAY = 24 * 60 * 60 * 1000

describe("NodeRepeater.runMain: a shutdownTimeout longer than 2^31 - 1 ms", () => {
  let exits: Array<number | undefined>
  let listeners: Record<"SIGINT" | "SIGTERM", ReadonlyArray<NodeJS.SignalsListener>>
  beforeEach(() => {
    listeners = { SIGINT: process.listeners("SIGINT"), SIGTERM: process.listeners("SIGTERM") }
    vi.useFakeTimers()
    exits = []
    vi.spyOn(process, "exit").mockImplementation(
      ((code?: number) => {
        exits.push(code)
      }) as never
    )
  })
  afterEach(() => {
    // process.exit is mocked, so the program never ends: remove the signal handlers it added
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      for (const listener of process.listeners(signal)) {
        if (!listeners[signal].includes(listener)) process.removeListener(signal, listener)
      }
    }
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  for (const days of [25, 30, 365]) {
    it(`${days} days: the graceful stop gets all of it, then the process exits with 1`, async () => {
      // a program whose graceful stop never ends
      NodeRepeater.runMain(Effect.uninterruptible(Effect.never), {
        shutdownTimeout: `${days} days`,
        disableErrorReporting: true
      })
      await vi.advanceTimersByTimeAsync(10)
      process.emit("SIGTERM")
      await vi.advanceTimersByTimeAsync(days * DAY - 1_000)
      assert.deepStrictEqual(exits, [])
      await vi.advanceTimersByTimeAsync(2_000)
      assert.deepStrictEqual(exits, [1])
    })
  }
})
