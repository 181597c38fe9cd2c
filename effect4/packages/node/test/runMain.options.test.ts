import { NodeRepeater } from "@effect-repeater/node"
import { afterEach, assert, describe, it, vi } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Option } from "effect"
import type { Teardown } from "effect/Runtime"

/** Options as an untyped caller (JavaScript, JSON config) may give them. */
const untyped = (value: unknown): NodeRepeater.RunMainOptions => value as NodeRepeater.RunMainOptions

/** Runs `runMain` in this process with `options` and a teardown that keeps the process alive; answers the Exit. */
const exitOf = (options: Record<string, unknown>) =>
  new Promise<Exit.Exit<unknown, unknown>>((resolve) => {
    const teardown: Teardown = (exit, onExit) => {
      resolve(exit)
      onExit(0)
    }
    NodeRepeater.runMain(Effect.void, untyped({ disableErrorReporting: true, ...options, teardown }))
  })

const failureOf = async (options: Record<string, unknown>) => {
  const exit = await exitOf(options)
  assert.isTrue(Exit.isFailure(exit), "the program ran")
  const failure = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
  assert.isTrue(Option.isSome(failure))
  return Option.getOrThrow(failure) as { _tag: string; field: string; value: unknown; reason: string }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe("NodeRepeater.runMain options", () => {
  it("a misspelt option fails the program at once with a NodeRepeaterConfigError naming the nearest", async () => {
    const error = await failureOf({ shutdownTimout: "5 seconds" })
    assert.strictEqual(error._tag, "NodeRepeaterConfigError")
    assert.strictEqual(error.field, "shutdownTimout")
    assert.strictEqual(error.value, "5 seconds")
    assert.include(error.reason, "did you mean \"shutdownTimeout\"?")
  })

  it("a shutdownTimeout below 1 millisecond is refused however it is written", async () => {
    for (const value of ["1 nanos", 1e-9, Duration.nanos(1n), 0.5]) {
      const error = await failureOf({ shutdownTimeout: value })
      assert.strictEqual(error._tag, "NodeRepeaterConfigError")
      assert.strictEqual(error.field, "shutdownTimeout")
      assert.strictEqual(error.value, value)
    }
  })

  it("flags that are not booleans are refused", async () => {
    const error = await failureOf({ disablePrettyLogger: "yes" })
    assert.strictEqual(error.field, "disablePrettyLogger")
  })

  it("repeater settings of null fail with core's RepeaterConfigError", async () => {
    const error = await failureOf({ repeater: null })
    assert.strictEqual(error._tag, "RepeaterConfigError")
    assert.strictEqual(error.field, "settings")
  })

  it("options of null fail the program with exit code 1, not a TypeError", async () => {
    const exited = new Promise<unknown>((resolve) => {
      vi.spyOn(process, "exit").mockImplementation((code) => {
        resolve(code)
        return undefined as never
      })
    })
    const logged: Array<string> = []
    vi.spyOn(console, "error").mockImplementation((...args: Array<unknown>) => {
      logged.push(args.map(String).join(" "))
    })
    vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => {
      logged.push(args.map(String).join(" "))
    })
    NodeRepeater.runMain(Effect.void, untyped(null))
    assert.strictEqual(await exited, 1)
    assert.include(logged.join("\n"), "NodeRepeaterConfigError")
    assert.notInclude(logged.join("\n"), "TypeError")
  })
})
