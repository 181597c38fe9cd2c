import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))

describe("the cluster demo", () => {
  it(
    "starts three runners, kills the holder, shows another runner taking over with no tick run twice, and exits",
    async () => {
      const child = spawn(process.execPath, ["--import", "tsx", main], {
        env: { ...process.env, TICKS_BEFORE_KILL: "3", TICKS_AFTER_TAKEOVER: "2" },
        stdio: ["ignore", "pipe", "pipe"],
        // a process group of its own: a demo that hangs is killed with its runners
        detached: true
      })
      let output = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
      try {
        // bounded below the test's timeout, so that `finally` kills a demo that hangs
        const code = await new Promise<number | null>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the demo did not exit within 100 s\n${output}`)), 100_000)
          child.once("exit", (exitCode) => {
            clearTimeout(timer)
            resolve(exitCode)
          })
        })
        assert.strictEqual(code, 0, output)
        const killed = /Killing the holder, pid (\d+)/.exec(output)
        const tookOver = /pid (\d+) took over (\d+\.\d) s after the kill/.exec(output)
        assert.isNotNull(killed, output)
        assert.isNotNull(tookOver, output)
        assert.notStrictEqual(tookOver![1], killed![1])
        assert.match(output, / 0 run twice\./)
      } finally {
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL")
      }
    },
    120_000
  )
})
