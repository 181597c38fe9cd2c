import { NodeRepeater } from "@effect-repeater/node"
import { assert, describe, it } from "@effect/vitest"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const fixture = fileURLToPath(new URL("./fixtures/lifecycle.ts", import.meta.url))

interface Child {
  readonly process: ChildProcess
  /** Everything it printed so far (stdout and stderr). */
  readonly output: () => string
  /** Resolves with its exit code (or the signal that killed it) and the time it exited. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null; readonly at: number }>
}

const start = (env: Record<string, string>): Child => {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout.on("data", (chunk) => output += String(chunk))
  child.stderr.on("data", (chunk) => output += String(chunk))
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() }))
  )
  return { process: child, output: () => output, exited }
}

const waitFor = async (child: Child, text: string, deadlineMs = 45_000) => {
  const deadline = Date.now() + deadlineMs
  while (!child.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}"; output:\n${child.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Runs `body` with a child process, and kills the child whatever happens. */
const withChild = async (env: Record<string, string>, body: (child: Child) => Promise<void>) => {
  const child = start(env)
  try {
    await body(child)
  } finally {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL")
  }
}

const lines = (child: Child) =>
  child.output().split("\n").filter((line) => line.startsWith("run ") || line === "app finalizer ran")

const timeouts = 90_000

describe("NodeRepeater.runMain", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(
      `${signal} in the middle of a run: the run finishes within its grace, finalizers run, no new run, exit 0`,
      () =>
        withChild({ RUN_MS: "1500", GRACE_MS: "20000" }, async (child) => {
          await waitFor(child, "run 1 started")
          child.process.kill(signal)
          const exit = await child.exited
          assert.deepStrictEqual([exit.code, exit.signal], [0, null], child.output())
          assert.deepStrictEqual(lines(child), [
            "run 1 started",
            "run 1 finished",
            "run 1 finalizer ran",
            "app finalizer ran"
          ])
          assert.include(child.output(), `${signal} received: stopping gracefully; send it again to exit at once`)
        }),
      timeouts
    )
  }

  it(
    "a run longer than its grace is interrupted after the grace, its finalizer runs, exit 0",
    () =>
      withChild({ RUN_MS: "600000", GRACE_MS: "1500" }, async (child) => {
        await waitFor(child, "run 1 started")
        const signalledAt = Date.now()
        child.process.kill("SIGTERM")
        const exit = await child.exited
        assert.deepStrictEqual([exit.code, exit.signal], [0, null], child.output())
        // the run had its grace (a lower bound: a loaded machine only makes it longer)
        assert.isAtLeast(exit.at - signalledAt, 1500)
        assert.deepStrictEqual(lines(child), [
          "run 1 started",
          "run 1 interrupted",
          "run 1 finalizer ran",
          "app finalizer ran"
        ])
      }),
    timeouts
  )

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(
      `a second ${signal} exits at once with code ${NodeRepeater.signalExitCodes[signal]}`,
      () =>
        withChild({ RUN_MS: "600000", GRACE_MS: "600000" }, async (child) => {
          await waitFor(child, "run 1 started")
          child.process.kill(signal)
          await waitFor(child, `${signal} received: stopping gracefully`)
          const secondAt = Date.now()
          child.process.kill(signal)
          const exit = await child.exited
          assert.deepStrictEqual([exit.code, exit.signal], [NodeRepeater.signalExitCodes[signal], null], child.output())
          // "at once": far sooner than the 10-minute grace the run still had
          assert.isBelow(exit.at - secondAt, 30_000)
          assert.include(child.output(), `${signal} received again: exiting at once`)
          assert.notInclude(child.output(), "run 1 finished")
        }),
      timeouts
    )
  }

  it(
    "SIGTERM while the program is still starting: the start is interrupted, its finalizer runs, no run, exit 0",
    () =>
      withChild({ STARTUP_MS: "600000" }, async (child) => {
        await waitFor(child, "starting")
        child.process.kill("SIGTERM")
        const exit = await child.exited
        assert.deepStrictEqual([exit.code, exit.signal], [0, null], child.output())
        assert.include(child.output(), "startup finalizer ran")
        assert.include(child.output(), "SIGTERM received: stopping gracefully")
        assert.notInclude(child.output(), "started")
        assert.deepStrictEqual(lines(child), [])
      }),
    timeouts
  )

  it(
    "a graceful stop longer than shutdownTimeout exits with code 1",
    () =>
      withChild({ RUN_MS: "600000", GRACE_MS: "600000", SHUTDOWN_TIMEOUT_MS: "1000" }, async (child) => {
        await waitFor(child, "run 1 started")
        const signalledAt = Date.now()
        child.process.kill("SIGTERM")
        const exit = await child.exited
        assert.deepStrictEqual([exit.code, exit.signal], [1, null], child.output())
        assert.isAtLeast(exit.at - signalledAt, 1000)
        assert.include(child.output(), "The graceful stop took longer than 1s: exiting at once")
      }),
    timeouts
  )

  it(
    "an invalid shutdownTimeout fails the program at once with a message naming it, exit 1",
    () =>
      withChild({ SHUTDOWN_TIMEOUT_MS: "-5" }, async (child) => {
        const exit = await child.exited
        assert.deepStrictEqual([exit.code, exit.signal], [1, null], child.output())
        assert.match(child.output(), /Invalid option \\?"shutdownTimeout\\?": -5 is not valid/)
        assert.include(child.output(), "NodeRepeaterConfigError")
        assert.notInclude(child.output(), "run 1 started")
      }),
    timeouts
  )
})
