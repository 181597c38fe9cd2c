import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { waitFor } from "./support/serverProcess.js"

const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url))

describe("the README's demo command", () => {
  it(
    "the README's demo command, stopped with Ctrl-C (SIGINT to its whole process group), shuts down gracefully and exits 0 without npm or pnpm noise",
    async () => {
      // detached: a process group of its own, as a terminal's foreground job is, so that the signal reaches npm,
      // the shell and node together, as Ctrl-C does
      const child = spawn("npm", ["run", "demo"], {
        cwd: repositoryRoot,
        env: { ...process.env, NODE_OPTIONS: "", PORT: "0", DATABASE_PATH: ":memory:", CLEANUP_INTERVAL: "3600" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true
      })
      let output = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => output += chunk)
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => output += chunk)
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal }))
      )
      const group = child.pid!
      try {
        await waitFor(
          "the demo to listen",
          () => /Listening on http:\/\/127\.0\.0\.1:\d+/.test(output) || undefined,
          60_000
        )
        process.kill(-group, "SIGINT")
        const exit = await exited
        assert.deepStrictEqual(exit, { code: 0, signal: null }, output)
        assert.include(output, "database closed", output)
        for (const noise of ["ELIFECYCLE", "ERR_PNPM", "Command failed", "npm error"]) {
          assert.notInclude(output, noise, output)
        }
      } finally {
        try {
          process.kill(-group, "SIGKILL")
        } catch {
          // already gone
        }
      }
    },
    90_000
  )
})
